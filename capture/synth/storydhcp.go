package synth

import (
	"encoding/binary"
	"net"
	"time"

	"github.com/gopacket/gopacket/layers"
)

// dhcpParams is the parameter request list (option 55) of the story's
// clients: subnet, router, DNS, hostname, domain, broadcast, NTP.
func dhcpParams() []byte { return []byte{1, 3, 6, 12, 15, 28, 42} }

// dhcpMsg builds a DHCP message; a client's carries its identifying
// options, a server's the lease.
func dhcpMsg(typ layers.DHCPMsgType, xid uint32, cl, srv node, yours net.IP, hostname, vendor string) *layers.DHCPv4 {
	d := &layers.DHCPv4{
		HardwareType: layers.LinkTypeEthernet, HardwareLen: 6, Xid: xid, Flags: 0x8000,
		ClientHWAddr: cl.mac, YourClientIP: net.IPv4zero.To4(),
		ClientIP: net.IPv4zero.To4(), NextServerIP: net.IPv4zero.To4(), RelayAgentIP: net.IPv4zero.To4(),
	}
	opt := func(t layers.DHCPOpt, data []byte) { d.Options = append(d.Options, layers.NewDHCPOption(t, data)) }
	opt(layers.DHCPOptMessageType, []byte{byte(typ)})
	switch typ {
	case layers.DHCPMsgTypeDiscover, layers.DHCPMsgTypeRequest:
		d.Operation = layers.DHCPOpRequest
		opt(layers.DHCPOptClientID, append([]byte{1}, cl.mac...))
		opt(layers.DHCPOptRequestIP, cl.ip.To4())
		if typ == layers.DHCPMsgTypeRequest && srv.ip != nil {
			opt(layers.DHCPOptServerID, srv.ip.To4())
		}
		opt(layers.DHCPOptHostname, []byte(hostname))
		opt(layers.DHCPOptClassID, []byte(vendor))
		opt(layers.DHCPOptParamsRequest, dhcpParams())
	default:
		d.Operation = layers.DHCPOpReply
		d.YourClientIP = yours.To4()
		lease := func(secs uint32) []byte { return binary.BigEndian.AppendUint32(nil, secs) }
		opt(layers.DHCPOptServerID, srv.ip.To4())
		opt(layers.DHCPOptLeaseTime, lease(604800))
		opt(layers.DHCPOptT1, lease(302400))
		opt(layers.DHCPOptT2, lease(529200))
		opt(layers.DHCPOptSubnetMask, []byte{255, 255, 255, 0})
		opt(layers.DHCPOptDomainName, []byte("mshome.net"))
		opt(layers.DHCPOptRouter, srv.ip.To4())
		opt(layers.DHCPOptDNS, srv.ip.To4())
		opt(layers.DHCPOptBroadcastAddr, []byte{192, 168, 137, 255})
	}
	// BOOTP messages are at least 300 bytes: pad after the end option's place.
	for n := int(d.Len()); n < 300; n++ {
		d.Options = append(d.Options, layers.DHCPOption{Type: layers.DHCPOptPad})
	}
	return d
}

// dhcpBroadcast is where clients without an address and the ICS server
// (which answers broadcast) send DHCP messages.
func dhcpBroadcast() node {
	return node{mac: broadcastMAC(), ip: net.IPv4bcast.To4()}
}

// dhcpDORA emits Discover, Offer, Request and ACK for cl, which asks for the
// address cl.ip and gets it.
func (s *scene) dhcpDORA(at time.Duration, cl, srv node, xid uint32, hostname, vendor string) {
	bare := node{mac: cl.mac, ip: net.IPv4zero.To4(), ttl: cl.ttl}
	s.udp(at, bare, dhcpBroadcast(), 68, 67, dhcpMsg(layers.DHCPMsgTypeDiscover, xid, cl, srv, nil, hostname, vendor))
	s.udp(at+10*time.Millisecond, srv, dhcpBroadcast(), 67, 68, dhcpMsg(layers.DHCPMsgTypeOffer, xid, cl, srv, cl.ip, "", ""))
	s.udp(at+1150*time.Millisecond, bare, dhcpBroadcast(), 68, 67, dhcpMsg(layers.DHCPMsgTypeRequest, xid, cl, srv, nil, hostname, vendor))
	s.udp(at+1200*time.Millisecond, srv, dhcpBroadcast(), 67, 68, dhcpMsg(layers.DHCPMsgTypeAck, xid, cl, srv, cl.ip, "", ""))
}

// dhcpReboot emits the Request and ACK of a client that remembers its lease.
func (s *scene) dhcpReboot(at time.Duration, cl, srv node, xid uint32, hostname, vendor string) {
	bare := node{mac: cl.mac, ip: net.IPv4zero.To4(), ttl: cl.ttl}
	// INIT-REBOOT: no server identifier in the Request.
	s.udp(at, bare, dhcpBroadcast(), 68, 67, dhcpMsg(layers.DHCPMsgTypeRequest, xid, cl, node{}, nil, hostname, vendor))
	s.udp(at+10*time.Millisecond, srv, dhcpBroadcast(), 67, 68, dhcpMsg(layers.DHCPMsgTypeAck, xid, cl, srv, cl.ip, "", ""))
}
