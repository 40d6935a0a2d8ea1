package device

import (
	"fmt"
	"net"
	"net/netip"
	"strings"
	"time"

	"thingsniff/decode"
	"thingsniff/decode/dhcp"
)

// dhcpState links the messages of one exchange (by transaction id) so
// that a DORA reads as one lease.
type dhcpState struct {
	leases map[uint32]*Event // xid -> the exchange's first event
}

func newDHCPState() dhcpState { return dhcpState{leases: map[uint32]*Event{}} }

// dhcpPacket records a DHCPv4 message on the device of its client MAC.
func (b *Builder) dhcpPacket(src *Device, p *decode.Packet) {
	// A message cut by the snap length, or with a broken option, still
	// tells what it has read: keep it, and say so.
	m, err := dhcp.Parse(p.Payload)
	if m.Op == 0 {
		return
	}
	client := src
	if len(m.ClientMAC) == 6 {
		var mac [6]byte
		copy(mac[:], m.ClientMAC)
		if mac != ([6]byte{}) {
			client = b.deviceByMAC(mac, p.Time)
		}
	}
	if client == nil {
		return
	}
	e := &Event{Time: stamp(p.Time), Kind: KindDHCP, Packets: []uint32{p.Num}, Message: m.Type.String(),
		XID: fmt.Sprintf("0x%08x", m.XID), ClientMAC: m.ClientMAC.String(), Hostname: m.Hostname, VendorClass: m.VendorClass}
	for _, c := range m.ParamRequest {
		e.Params = append(e.Params, int(c))
	}
	if m.YourIP.IsValid() && !m.YourIP.IsUnspecified() {
		e.IP = m.YourIP.String()
	} else if m.RequestedIP.IsValid() && m.Type == dhcp.Request {
		e.IP = m.RequestedIP.String()
	}
	if m.ServerID.IsValid() {
		e.Server = m.ServerID.String()
	}
	if len(m.Routers) > 0 {
		e.Router = m.Routers[0].String()
	}
	for _, a := range m.DNSServers {
		e.DNSServers = append(e.DNSServers, a.String())
	}
	e.LeaseSecs = uint32(m.LeaseTime / time.Second)
	e.Summary = dhcpSummary(&m, e)
	switch {
	case err != nil && p.SentLen > len(p.Payload):
		e.Summary += fmt.Sprintf(" [cut by the capture's snap length: %d of its %d bytes kept]", len(p.Payload), p.SentLen)
	case err != nil:
		e.Summary += " [" + err.Error() + "]"
	}

	pr := &client.Profile
	if m.Op == dhcp.BootRequest {
		if m.Hostname != "" {
			pr.Hostname = m.Hostname
			client.addName(m.Hostname)
		}
		if m.VendorClass != "" {
			pr.VendorClass = m.VendorClass
		}
		if len(m.ParamRequest) > 0 {
			pr.DHCPFingerprint = m.Fingerprint()
		}
		if len(m.ClientID) > 0 {
			pr.ClientID = fmt.Sprintf("%x", m.ClientID)
		}
	}
	if m.Type == dhcp.ACK && m.YourIP.IsValid() && !m.YourIP.IsUnspecified() {
		client.addIP(m.YourIP)
		if b.roomForAddress(m.YourIP) {
			b.byIP[m.YourIP] = client
		}
		pr.Lease = fmt.Sprintf("%s from %s at %s for %s", m.YourIP, e.Server, b.clock(e.Time, false), decode.FormatDuration(m.LeaseTime))
		if e.Router != "" {
			pr.Gateway = e.Router
		}
		if len(e.DNSServers) > 0 {
			pr.DNSServers = e.DNSServers
		}
	}
	if first, ok := b.dhcp.leases[m.XID]; ok && first.Device == client.Key {
		e.Summary += fmt.Sprintf(" (same exchange as %s at %s)", first.Message, b.clock(first.Time, true))
	} else {
		if len(b.dhcp.leases) >= maxLeases {
			clear(b.dhcp.leases) // exchanges long done; a new one starts afresh
		}
		b.dhcp.leases[m.XID] = e
	}
	b.add(client, e)
}

func dhcpSummary(m *dhcp.Message, e *Event) string {
	var s strings.Builder
	if m.Type == dhcp.NoType {
		fmt.Fprintf(&s, "BOOTP %s", map[uint8]string{dhcp.BootRequest: "request", dhcp.BootReply: "reply"}[m.Op])
	} else {
		fmt.Fprintf(&s, "DHCP %s", m.Type)
	}
	switch m.Type {
	case dhcp.Discover:
		s.WriteString(": looking for an address")
	case dhcp.Request:
		if e.IP != "" {
			fmt.Fprintf(&s, ": asks for %s", e.IP)
		}
	case dhcp.Offer:
		fmt.Fprintf(&s, ": %s offers %s", e.Server, e.IP)
	case dhcp.NoType:
		if e.IP != "" {
			fmt.Fprintf(&s, ": address %s", e.IP)
		}
	case dhcp.ACK:
		fmt.Fprintf(&s, ": %s assigns %s", e.Server, e.IP)
		if m.LeaseTime > 0 {
			fmt.Fprintf(&s, " for %s", decode.FormatDuration(m.LeaseTime))
		}
		if e.Router != "" {
			fmt.Fprintf(&s, ", gateway %s", e.Router)
		}
		if len(e.DNSServers) > 0 {
			fmt.Fprintf(&s, ", DNS %s", strings.Join(e.DNSServers, " "))
		}
	case dhcp.NAK:
		s.WriteString(": refused")
	}
	if m.Hostname != "" {
		fmt.Fprintf(&s, ", hostname %q", m.Hostname)
	}
	if m.VendorClass != "" {
		fmt.Fprintf(&s, ", vendor class %q", m.VendorClass)
	}
	return s.String()
}

var _ = net.HardwareAddr(nil)
var _ = netip.Addr{}
