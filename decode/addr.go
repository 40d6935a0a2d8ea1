package decode

import "net/netip"

// netipPort returns p's source (src true) or destination address and port;
// ICMP echo flows use the echo identifier as the port.
func netipPort(p *Header, src bool) netip.AddrPort {
	a, port := p.Dst, p.DstPort
	if src {
		a, port = p.Src, p.SrcPort
	}
	if p.Proto == ProtoICMP || p.Proto == ProtoICMPv6 {
		port = p.ICMPID
	}
	return netip.AddrPortFrom(a, port)
}
