package dhcp

import (
	"net"
	"net/netip"
	"strconv"
	"time"
)

// MessageType is the DHCP message type of option 53.
type MessageType uint8

// The message types of RFC 2132 and later RFCs. NoType means the message
// carried no option 53: plain BOOTP.
const (
	NoType              MessageType = 0
	Discover            MessageType = 1
	Offer               MessageType = 2
	Request             MessageType = 3
	Decline             MessageType = 4
	ACK                 MessageType = 5
	NAK                 MessageType = 6
	Release             MessageType = 7
	Inform              MessageType = 8
	ForceRenew          MessageType = 9
	LeaseQuery          MessageType = 10
	LeaseUnassigned     MessageType = 11
	LeaseUnknown        MessageType = 12
	LeaseActive         MessageType = 13
	BulkLeaseQuery      MessageType = 14
	LeaseQueryDone      MessageType = 15
	ActiveLeaseQuery    MessageType = 16
	LeaseQueryStatus    MessageType = 17
	TLS                 MessageType = 18
	maxNamedMessageType             = TLS
)

var typeNames = [...]string{
	NoType: "BOOTP", Discover: "Discover", Offer: "Offer", Request: "Request",
	Decline: "Decline", ACK: "ACK", NAK: "NAK", Release: "Release",
	Inform: "Inform", ForceRenew: "ForceRenew", LeaseQuery: "LeaseQuery",
	LeaseUnassigned: "LeaseUnassigned", LeaseUnknown: "LeaseUnknown",
	LeaseActive: "LeaseActive", BulkLeaseQuery: "BulkLeaseQuery",
	LeaseQueryDone: "LeaseQueryDone", ActiveLeaseQuery: "ActiveLeaseQuery",
	LeaseQueryStatus: "LeaseQueryStatus", TLS: "TLS",
}

// String returns the type's name ("Discover", "ACK", "BOOTP" for none) or
// "type N" for numbers without a name.
func (t MessageType) String() string {
	if t <= maxNamedMessageType {
		return typeNames[t]
	}
	return "type " + strconv.Itoa(int(t))
}

// Option is one option kept by number: those Parse does not decode into a
// field of Message.
type Option struct {
	// Code is the option number.
	Code uint8
	// Data is the option's value; it aliases the parsed bytes.
	Data []byte
}

// Op values of the BOOTP header.
const (
	BootRequest = 1
	BootReply   = 2
)

// Message is one DHCPv4 or BOOTP message. Byte slices alias the input of
// Parse; call Clone to keep a Message beyond the life of that buffer.
type Message struct {
	// Op is BootRequest (client to server) or BootReply.
	Op uint8
	// HType and HLen are the hardware address type (1 for Ethernet) and
	// length; Hops is the relay hop count.
	HType, HLen, Hops uint8
	// XID is the transaction id that links the messages of one exchange.
	XID uint32
	// Secs is the seconds elapsed since the client began.
	Secs uint16
	// Broadcast is the broadcast flag of the flags field.
	Broadcast bool
	// ClientIP (ciaddr), YourIP (yiaddr: offered or assigned), ServerIP
	// (siaddr: next server) and RelayIP (giaddr) are the header addresses.
	ClientIP, YourIP, ServerIP, RelayIP netip.Addr
	// ClientMAC is chaddr cut to hlen; nil when hlen is 0 or above 16.
	ClientMAC net.HardwareAddr
	// ServerName and File are the sname and file header fields, unless
	// option 52 reused them for options.
	ServerName, File string

	// Type is option 53, NoType when absent.
	Type MessageType
	// SubnetMask is option 1.
	SubnetMask netip.Addr
	// Routers is option 3.
	Routers []netip.Addr
	// DNSServers is option 6.
	DNSServers []netip.Addr
	// Hostname is option 12.
	Hostname string
	// DomainName is option 15.
	DomainName string
	// RequestedIP is option 50.
	RequestedIP netip.Addr
	// LeaseTime is option 51; 0 when absent, Infinite for 0xffffffff.
	LeaseTime time.Duration
	// ServerID is option 54.
	ServerID netip.Addr
	// ParamRequest is option 55, the parameter request list, in the
	// client's order.
	ParamRequest []byte
	// MaxMessageSize is option 57, 0 when absent.
	MaxMessageSize uint16
	// VendorClass is option 60.
	VendorClass string
	// ClientID is option 61 (usually a type byte then the MAC).
	ClientID []byte
	// FQDN is the domain name of option 81 (client FQDN).
	FQDN string
	// FQDNFlags is the flags byte of option 81.
	FQDNFlags uint8
	// Overload is option 52: 1 file, 2 sname, 3 both carry options.
	Overload uint8
	// Options holds every other option in the order met, except Pad and End.
	Options []Option
}

// Infinite is the lease time 0xffffffff seconds means.
const Infinite time.Duration = 1<<63 - 1

// Fingerprint returns the parameter request list as decimal numbers joined
// by commas ("1,3,6,15,119,252"), the DHCP fingerprint that tells operating
// systems and firmwares apart; "" when option 55 is absent.
func (m *Message) Fingerprint() string {
	return Fingerprint(m.ParamRequest)
}

// Fingerprint formats a parameter request list as decimal numbers joined
// by commas.
func Fingerprint(params []byte) string {
	if len(params) == 0 {
		return ""
	}
	b := make([]byte, 0, len(params)*4)
	for i, p := range params {
		if i > 0 {
			b = append(b, ',')
		}
		b = strconv.AppendUint(b, uint64(p), 10)
	}
	return string(b)
}
