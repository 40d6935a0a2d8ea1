package device

import (
	"fmt"
	"net"
	"net/netip"

	"github.com/gopacket/gopacket/layers"

	"thingsniff/decode"
)

// arp records an ARP request or reply: probes, announcements, gratuitous
// replies, and conflicts (one address claimed by two MACs).
func (b *Builder) arp(d *Device, p *decode.Packet) {
	a := p.ARP
	sip, _ := netip.AddrFromSlice(a.SourceProtAddress)
	tip, _ := netip.AddrFromSlice(a.DstProtAddress)
	sip, tip = sip.Unmap(), tip.Unmap()
	e := &Event{Time: stamp(p.Time), Kind: KindARP, Packets: []uint32{p.Num},
		SenderMAC: net.HardwareAddr(a.SourceHwAddress).String(), SenderIP: sip.String(), TargetIP: tip.String()}
	switch {
	case a.Operation == layers.ARPRequest && sip.IsUnspecified():
		e.Op = "probe"
		e.Summary = fmt.Sprintf("ARP probe: is anyone using %s?", tip)
	case sip == tip && a.Operation == layers.ARPRequest:
		e.Op, e.Gratuitous = "announcement", true
		e.Summary = fmt.Sprintf("announced %s as its address (gratuitous ARP)", sip)
	case sip == tip:
		e.Op, e.Gratuitous = "reply", true
		e.Summary = fmt.Sprintf("gratuitous ARP reply for %s", sip)
	case a.Operation == layers.ARPRequest:
		e.Op = "request"
		e.Summary = fmt.Sprintf("asked who has %s", tip)
		if gw := b.gatewayName(d, tip); gw != "" {
			e.Summary += " (" + gw + ")"
		}
	case a.Operation == layers.ARPReply:
		e.Op = "reply"
		e.Summary = fmt.Sprintf("answered: %s is at %s", sip, e.SenderMAC)
	default:
		e.Op = fmt.Sprintf("op %d", a.Operation)
		e.Summary = "ARP " + e.Op
	}
	if len(a.SourceHwAddress) == 6 && sip.IsValid() && !sip.IsUnspecified() {
		var m [6]byte
		copy(m[:], a.SourceHwAddress)
		old, ok := b.arpOwner[sip]
		if ok && old != m {
			e.Conflict = true
			text := fmt.Sprintf("%s is claimed by %s and by %s (ARP conflict)", sip, macKey(old), macKey(m))
			e.Summary += "; CONFLICT: " + text
			f := Finding{Kind: "arp-conflict", Severity: Alert, Text: text, Time: e.Time, Packets: e.Packets}
			if d != nil {
				d.find(f)
			}
			if other := b.knownMAC(old); other != nil && other != d {
				other.find(f)
			}
		}
		if len(b.arpOwner) < maxAddresses || ok {
			b.arpOwner[sip] = m
		}
		if d != nil && d.hasMAC && d.mac == m && isLocal(sip) && b.roomForAddress(sip) {
			b.byIP[sip] = d
			d.addIP(sip)
		}
	}
	b.add(d, e)
}

// gatewayName says "the gateway" when ip is the router the device was
// given by DHCP.
func (b *Builder) gatewayName(d *Device, ip netip.Addr) string {
	if d != nil && d.Profile.Gateway == ip.String() {
		return "its gateway"
	}
	return ""
}
