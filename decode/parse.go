package decode

import (
	"encoding/binary"
	"fmt"
	"net/netip"
	"thingsniff/decode/dns"
	"thingsniff/decode/quic"
	"thingsniff/decode/tls"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
)

// Packet is one packet decoded by a Parser: its Header, and slices of
// its bytes the protocol events need. The slices point into the bytes
// given to Parser.Decode and into the parser's layers, so a Packet is
// valid only until the next Decode; callers copy what they keep.
type Packet struct {
	Header
	Link layers.LinkType

	SrcMAC, DstMAC []byte
	EtherType      layers.EthernetType // the outermost Ethernet header's type field
	VLAN           uint16              // innermost 802.1Q tag, 0 when untagged
	Tagged         bool                // an 802.1Q or 802.1ad tag was decoded (its VLAN may be 0)
	// IP holds fields of the IP header that IPLen measures, for filters.
	IP IPFields

	ARP *layers.ARP // non-nil for ARP packets
	// TCP is the TCP header as decoded, non-nil for TCP segments: its
	// options and urgent pointer, which the Info column tells. Like
	// Payload, it holds until the parser decodes its next packet.
	TCP *layers.TCP
	// PPPoECode is a PPPoE discovery packet's code (PADI, PADO...).
	PPPoECode layers.PPPoECode

	// Outer is the tunnel's IP header (and UDP ports) when an inner
	// Ethernet frame replaced it (VXLAN, GRE carrying Ethernet); Tunneled
	// says it is set.
	Outer Outer

	Payload []byte // transport payload (TCP, UDP) or the rest after the last known layer
	// Analysis holds the packet's TCP analysis marks, and DupAck which
	// duplicate ACK it is, which only its connection's history gives: an
	// Engine sets them, and whoever formats a packet again from its bytes
	// copies them from its index entry and the table beside it.
	Analysis Analysis
	DupAck   DupAck
	// Err is why decoding stopped early; the packet is then malformed.
	Err error
}

// Header is the part of a decoded packet that its index entry and flow
// tracking read: plain values, no slices into the packet's bytes, so
// that a Parser on one goroutine can hand it forward to an Engine on
// another (Engine.AddHeader).
type Header struct {
	Num     uint32 // 1-based packet number in the capture
	Time    int64  // Unix nanoseconds
	CapLen  int
	OrigLen int

	HasMAC bool
	HasIP  bool
	// Malformed is set when decoding stopped early (Packet.Err says why).
	Malformed bool
	// Cast marks a broadcast or multicast destination (FlagBroadcast,
	// FlagMulticast), by MAC or else by IP address.
	Cast     Flags
	Src, Dst netip.Addr
	IPProto  layers.IPProtocol
	Fragment bool // a non-first IP fragment or one still to be joined
	// Frag says where an IP fragment belongs (see Fragment).
	Frag     Frag
	SrcPort  uint16
	DstPort  uint16
	TCPFlags TCPFlags
	Seq, Ack uint32
	Window   uint16
	// WindowScale is a SYN's window scale option: its shift + 1, or 0
	// when the segment has none.
	WindowScale    uint8
	ICMPType       uint8
	ICMPCode       uint8
	ICMPID, ICMPSq uint16
	// PayloadLen is the length of Packet.Payload.
	PayloadLen int
	// SentLen is the transport payload's length as the IP, TCP and UDP
	// headers tell it: what was sent, which is more than PayloadLen when
	// the snap length cut the frame. It is PayloadLen where the headers
	// say nothing (no IP, or a header that claims less than was captured).
	SentLen int
	// Cut is set when the frame is shorter on file than it was on the
	// wire (a snap length) and decoding stopped where the bytes end: the
	// packet is not malformed, only not all there, and Err says where.
	Cut bool
	// Tunneled: an inner frame was decoded in place of an outer IP
	// packet (Packet.Outer holds the outer one's addresses).
	Tunneled bool
	// IPLen is the length by its header (IPv4 total length, IPv6 payload
	// length + 40, as tshark's ip.len) of the first IP packet after the
	// innermost Ethernet header: what the frame's MACs carried. 0 without IP.
	IPLen int
	Proto Proto

	// Filled by the Engine after flow tracking.
	Flow     uint32
	ToServer bool // direction within Flow: client to server
}

// IPFields are the fields of a packet's first IP header after its
// innermost Ethernet header (the one Header.IPLen measures) that display
// filters ask for beyond addresses.
type IPFields struct {
	Version uint8             // 4 or 6; 0 without IP
	TTL     uint8             // IPv4 time to live, IPv6 hop limit
	TOS     uint8             // IPv4 type of service, IPv6 traffic class
	Flags   layers.IPv4Flag   // IPv4: don't fragment, more fragments
	ID      uint16            // IPv4 identification
	Proto   layers.IPProtocol // IPv4 protocol, IPv6 next header
}

// Outer is the outermost IP header of a tunnelled frame and, when the
// tunnel runs over UDP (VXLAN), its ports.
type Outer struct {
	Src, Dst         netip.Addr
	UDP              bool
	SrcPort, DstPort uint16
}

// Frag is what joining an IP fragment needs beyond its addresses: the
// datagram's identification, where the fragment's bytes go, whether more
// follow. Valid is set for any packet with an IPv4 or IPv6 fragment
// header (the last one decoded).
type Frag struct {
	ID     uint32
	Offset int
	Proto  layers.IPProtocol
	More   bool
	Valid  bool
}

// TCPFlags holds the TCP header flags in wire order (FIN is bit 0).
type TCPFlags uint16

// TCP flag bits, as on the wire.
const (
	TCPFin TCPFlags = 1 << iota
	TCPSyn
	TCPRst
	TCPPsh
	TCPAck
	TCPUrg
	TCPEce
	TCPCwr
	TCPNs
)

// Has reports whether all bits of g are set.
func (f TCPFlags) Has(g TCPFlags) bool { return f&g == g }

// Any reports whether any bit of g is set.
func (f TCPFlags) Any(g TCPFlags) bool { return f&g != 0 }

// Parser decodes packets with gopacket's DecodingLayerParser over one set of
// preallocated layers, so decoding allocates nothing per packet. It is not
// safe for concurrent use: each goroutine that decodes owns one.
type Parser struct {
	eth     layers.Ethernet
	dot1q   layers.Dot1Q
	sll     linuxSLL
	nflog   nflog
	sll2    layers.LinuxSLL2
	loop    layers.Loopback
	ip4     layers.IPv4
	ip6     layers.IPv6
	ip6frag layers.IPv6Fragment
	ip6ext  layers.IPv6ExtensionSkipper
	arp     layers.ARP
	icmp4   layers.ICMPv4
	icmp6   layers.ICMPv6
	tcp     layers.TCP
	udp     layers.UDP
	llc     layers.LLC
	snap    layers.SNAP
	pppoe   pppoe
	ppp     ppp
	mpls    mpls
	gre     layers.GRE
	vxlan   layers.VXLAN

	parsers map[gopacket.LayerType]*gopacket.DecodingLayerParser
	decoded []gopacket.LayerType
	// data is the frame being decoded, to find where a layer starts in it.
	data []byte
}

// NewParser returns a Parser ready for any supported link type.
func NewParser() *Parser {
	p := &Parser{parsers: map[gopacket.LayerType]*gopacket.DecodingLayerParser{}, decoded: make([]gopacket.LayerType, 0, 16)}
	return p
}

// firstLayer maps a capture link type to the layer its bytes start with.
func firstLayer(link layers.LinkType) (gopacket.LayerType, bool) {
	switch link {
	case layers.LinkTypeEthernet:
		return layers.LayerTypeEthernet, true
	case layers.LinkTypeLinuxSLL:
		return layers.LayerTypeLinuxSLL, true
	case layers.LinkTypeLinuxSLL2:
		return layers.LayerTypeLinuxSLL2, true
	case layers.LinkTypeNull, layers.LinkTypeLoop:
		return layers.LayerTypeLoopback, true
	case layers.LinkTypeRaw, layers.LinkTypeIPv4, 12, 14:
		// DLT_RAW (12 and 14 on some BSDs, 101 in files) may hold IPv4 or
		// IPv6; the version nibble decides in parserFor.
		return layers.LayerTypeIPv4, true
	case layers.LinkTypeIPv6:
		return layers.LayerTypeIPv6, true
	case LinkTypeNFLOG:
		return layerTypeNFLOG, true
	case layers.LinkTypePPP, LinkTypePPPSerial:
		return layers.LayerTypePPP, true
	}
	return 0, false
}

func (p *Parser) parserFor(first gopacket.LayerType) *gopacket.DecodingLayerParser {
	if dlp, ok := p.parsers[first]; ok {
		return dlp
	}
	dlp := gopacket.NewDecodingLayerParser(first)
	// A sparse container finds a layer's decoder by indexing, not by
	// hashing: the lookup is most of what a decoder of a few headers does.
	dlc := gopacket.DecodingLayerContainer(gopacket.DecodingLayerSparse(nil))
	for _, d := range []gopacket.DecodingLayer{
		// The extension skipper claims every IPv6 extension header; the
		// fragment layer, added after it, takes fragments back.
		&p.eth, &p.dot1q, &p.sll, &p.sll2, &p.loop, &p.ip4, &p.ip6, &p.ip6ext,
		&p.ip6frag, &p.nflog, &p.arp, &p.icmp4, &p.icmp6, &p.tcp, &p.udp, &p.llc, &p.snap,
		&p.pppoe, &p.ppp, &p.mpls, &p.gre, &p.vxlan} {
		dlc = dlc.Put(d)
	}
	dlp.SetDecodingLayerContainer(dlc)
	dlp.IgnoreUnsupported = true
	p.parsers[first] = dlp
	return dlp
}

// Decode fills out from data captured on a link of the given type. It never
// panics: a panic inside a layer decoder is turned into out.Err.
func (p *Parser) Decode(data []byte, link layers.LinkType, out *Packet) {
	cut := false // a layer ran out of bytes (not: its bytes made no sense)
	*out = Packet{Header: Header{Num: out.Num, Time: out.Time, CapLen: len(data), OrigLen: out.OrigLen}, Link: link}
	defer func() {
		if r := recover(); r != nil {
			out.Err = fmt.Errorf("decoder failed: %v", r)
		}
		// Bytes that end where the snap length cut them are a short
		// packet, not a broken one (Wireshark: "Packet size limited").
		out.Cut = out.Err != nil && out.OrigLen > out.CapLen && cut
		out.Malformed = out.Err != nil && !out.Cut
		out.PayloadLen = len(out.Payload)
		// The headers say what was sent; the frame's own length bounds it
		// (an IP length beyond a whole frame is the header's error).
		out.SentLen = min(out.SentLen, out.PayloadLen+max(out.OrigLen-out.CapLen, 0))
		if out.SentLen < out.PayloadLen {
			out.SentLen = out.PayloadLen
		}
		out.Cast = castOf(out)
	}()
	p.data = data
	first, ok := firstLayer(link)
	if !ok {
		out.Err = fmt.Errorf("link type %d (%s) is not supported", int(link), link)
		out.Payload = data
		return
	}
	if first == layers.LayerTypeIPv4 && len(data) > 0 && data[0]>>4 == 6 {
		first = layers.LayerTypeIPv6
	}
	dlp := p.parserFor(first)
	p.decoded = p.decoded[:0]
	err := dlp.DecodeLayers(data, &p.decoded)
	cut = dlp.Truncated
	p.fill(out)
	if err != nil && out.Err == nil {
		out.Err = err
	}
}

func (p *Parser) fill(out *Packet) {
	out.Proto = ProtoUnknown
	// ipLen is what the innermost IP header says follows it, and
	// ipPayload where that starts in the captured bytes.
	ipLen, ipPayload := -1, []byte(nil)
	for _, t := range p.decoded {
		switch t {
		case layers.LayerTypeEthernet:
			if out.HasIP {
				// A frame inside a tunnel (VXLAN, GRE): the outer IP
				// header is the tunnel's, not this frame's; the
				// outermost is kept for filters.
				if !out.Tunneled {
					out.Tunneled = true
					out.Outer = Outer{Src: out.Src, Dst: out.Dst, UDP: out.IPProto == layers.IPProtocolUDP, SrcPort: out.SrcPort, DstPort: out.DstPort}
				}
				out.HasIP, out.Src, out.Dst, out.IPProto, ipLen = false, netip.Addr{}, netip.Addr{}, 0, -1
				out.Frag, out.Fragment = Frag{}, false
				out.SrcPort, out.DstPort = 0, 0
			}
			out.HasMAC, out.SrcMAC, out.DstMAC = true, p.eth.SrcMAC, p.eth.DstMAC
			if out.EtherType == 0 {
				out.EtherType = p.eth.EthernetType
			}
			out.IPLen, out.IP = 0, IPFields{} // the IP packet the innermost frame's MACs carry counts
			out.Proto = ProtoEthernet
		case layers.LayerTypeLinuxSLL:
			if p.sll.AddrType == 1 && p.sll.AddrLen == 6 { // Ethernet sender address
				out.HasMAC, out.SrcMAC = true, p.sll.Addr
			}
		case layers.LayerTypeLinuxSLL2:
			if p.sll2.ARPHardwareType == 1 && p.sll2.AddrLength == 6 {
				out.HasMAC, out.SrcMAC = true, p.sll2.Addr
			}
		case layers.LayerTypeDot1Q:
			out.VLAN, out.Tagged = p.dot1q.VLANIdentifier, true
		case layers.LayerTypeLLC:
			out.Proto = ProtoLLC
		case layers.LayerTypeARP:
			out.ARP = &p.arp
			out.Proto = ProtoARP
		case layers.LayerTypeIPv4:
			out.HasIP = true
			out.Src = addr4(p.ip4.SrcIP)
			out.Dst = addr4(p.ip4.DstIP)
			out.IPProto = p.ip4.Protocol
			out.Proto = ProtoIPv4
			length := int(p.ip4.Length)
			if len(p.ip4.Contents) >= 4 && p.ip4.Contents[2]|p.ip4.Contents[3] == 0 {
				// A length of 0 (segmentation offload, BIG TCP): the
				// packet runs to the end of the frame on the wire. The
				// header starts where its bytes lie in the frame.
				length = max(0, out.OrigLen-(cap(p.data)-cap(p.ip4.Contents)))
			}
			if out.IPLen == 0 {
				out.IPLen = length
				out.IP = IPFields{Version: 4, TTL: p.ip4.TTL, TOS: p.ip4.TOS, Flags: p.ip4.Flags, ID: p.ip4.Id, Proto: p.ip4.Protocol}
			}
			ipLen, ipPayload = length-int(p.ip4.IHL)*4, p.ip4.Payload
			out.Frag = Frag{ID: uint32(p.ip4.Id), Offset: int(p.ip4.FragOffset) * 8, Proto: p.ip4.Protocol, More: p.ip4.Flags&layers.IPv4MoreFragments != 0, Valid: true}
			if p.ip4.FragOffset != 0 || p.ip4.Flags&layers.IPv4MoreFragments != 0 {
				out.Fragment = true
				out.Proto = ProtoFragment
				out.Payload = p.ip4.Payload
			} else if p.ip4.Protocol == layers.IPProtocolIGMP {
				out.Proto, out.Payload = ProtoIGMP, p.ip4.Payload
			}
		case layers.LayerTypeIPv6:
			out.HasIP = true
			out.Src = addr16(p.ip6.SrcIP)
			out.Dst = addr16(p.ip6.DstIP)
			out.IPProto = p.ip6.NextHeader
			out.Proto = ProtoIPv6
			if out.IPLen == 0 && p.ip6.Length > 0 {
				out.IPLen = int(p.ip6.Length) + 40
			}
			if out.IP.Version == 0 {
				out.IP = IPFields{Version: 6, TTL: p.ip6.HopLimit, TOS: p.ip6.TrafficClass, Proto: p.ip6.NextHeader}
			}
			ipLen, ipPayload = int(p.ip6.Length), p.ip6.Payload
		case layers.LayerTypeIPv6Fragment:
			out.IPProto = p.ip6frag.NextHeader
			out.Frag = Frag{ID: p.ip6frag.Identification, Offset: int(p.ip6frag.FragmentOffset) * 8, Proto: p.ip6frag.NextHeader, More: p.ip6frag.MoreFragments, Valid: true}
			if p.ip6frag.FragmentOffset != 0 || p.ip6frag.MoreFragments {
				out.Fragment = true
				out.Proto = ProtoFragment
				out.Payload = p.ip6frag.Payload
			}
		case layers.LayerTypeIPv6HopByHop, layers.LayerTypeIPv6Destination, layers.LayerTypeIPv6Routing:
			out.IPProto = p.ip6ext.NextHeader
		case layers.LayerTypeICMPv4:
			out.Proto = ProtoICMP
			out.IPProto = layers.IPProtocolICMPv4
			out.ICMPType, out.ICMPCode = p.icmp4.TypeCode.Type(), p.icmp4.TypeCode.Code()
			out.ICMPID, out.ICMPSq = p.icmp4.Id, p.icmp4.Seq
			out.Payload = p.icmp4.Payload
		case layers.LayerTypeICMPv6:
			out.Proto = ProtoICMPv6
			out.IPProto = layers.IPProtocolICMPv6
			out.ICMPType, out.ICMPCode = p.icmp6.TypeCode.Type(), p.icmp6.TypeCode.Code()
			out.Payload = p.icmp6.Payload
			if (out.ICMPType == layers.ICMPv6TypeEchoRequest || out.ICMPType == layers.ICMPv6TypeEchoReply) && len(out.Payload) >= 4 {
				out.ICMPID = uint16(out.Payload[0])<<8 | uint16(out.Payload[1])
				out.ICMPSq = uint16(out.Payload[2])<<8 | uint16(out.Payload[3])
			}
		case layers.LayerTypeTCP:
			out.Proto = ProtoTCP
			out.IPProto = layers.IPProtocolTCP
			out.SrcPort, out.DstPort = uint16(p.tcp.SrcPort), uint16(p.tcp.DstPort)
			out.Seq, out.Ack, out.Window = p.tcp.Seq, p.tcp.Ack, p.tcp.Window
			out.TCPFlags = tcpFlags(&p.tcp)
			out.TCP = &p.tcp
			if p.tcp.SYN {
				out.WindowScale = windowScale(p.tcp.Options)
			}
			out.Payload = p.tcp.Payload
			out.SentLen = sentLen(ipLen, ipPayload, p.tcp.Contents)
		case layers.LayerTypeUDP:
			out.Proto = ProtoUDP
			out.IPProto = layers.IPProtocolUDP
			out.SrcPort, out.DstPort = uint16(p.udp.SrcPort), uint16(p.udp.DstPort)
			out.Payload = p.udp.Payload
			out.SentLen = int(p.udp.Length) - 8
		case layers.LayerTypePPPoE:
			if p.pppoe.Code != layers.PPPoECodeSession {
				out.Proto, out.PPPoECode = ProtoPPPoED, p.pppoe.Code
			}
		case layers.LayerTypeGRE:
			out.Proto = ProtoGRE
		}
	}
	if n := len(p.decoded); n > 0 && (p.decoded[n-1] == layers.LayerTypeIPv4 || p.decoded[n-1] == layers.LayerTypeIPv6) &&
		!out.Fragment && out.IPProto == layers.IPProtocolTCP && out.OrigLen > out.CapLen {
		fillCutTCP(out, ipLen, ipPayload)
	}
	if out.Proto == ProtoTCP || out.Proto == ProtoUDP {
		out.Proto = appProto(out)
	}
	if n := len(p.decoded); n > 0 && out.Proto == ProtoEthernet {
		// 802.1X (EAPOL): the handshake a device makes as it joins a
		// Wi-Fi or a port-secured LAN. Its PDU is the frame's payload.
		switch {
		case p.decoded[n-1] == layers.LayerTypeEthernet && p.eth.EthernetType == layers.EthernetTypeEAPOL:
			out.Proto, out.Payload = ProtoEAPOL, p.eth.Payload
		case p.decoded[n-1] == layers.LayerTypeDot1Q && p.dot1q.Type == layers.EthernetTypeEAPOL:
			out.Proto, out.Payload = ProtoEAPOL, p.dot1q.Payload
		}
	}
}

// fillCutTCP reads a TCP header that the snap length cut inside its
// options (a SYN captured with -s 64 on a VLAN): gopacket refuses it,
// but its first 20 bytes hold all a row, a flow and its analysis need,
// and Wireshark reads them too. Without them every connection of a
// headers-only capture would lose its SYN and FIN. Only for frames the
// snap length cut: a header whose offset runs past a whole frame is
// malformed, and stays so.
func fillCutTCP(out *Packet, ipLen int, h []byte) {
	if len(h) < 20 {
		return
	}
	off := int(h[12]>>4) * 4
	if off < 20 || off <= len(h) {
		return // not cut in its options: a header that makes no sense
	}
	out.Proto = ProtoTCP
	out.SrcPort, out.DstPort = binary.BigEndian.Uint16(h[0:]), binary.BigEndian.Uint16(h[2:])
	out.Seq, out.Ack = binary.BigEndian.Uint32(h[4:]), binary.BigEndian.Uint32(h[8:])
	out.Window = binary.BigEndian.Uint16(h[14:])
	out.TCPFlags = TCPFlags(0)
	for bit, f := range []TCPFlags{TCPFin, TCPSyn, TCPRst, TCPPsh, TCPAck, TCPUrg, TCPEce, TCPCwr} {
		if h[13]&(1<<bit) != 0 {
			out.TCPFlags |= f
		}
	}
	if h[12]&1 != 0 {
		out.TCPFlags |= TCPNs
	}
	out.Payload = nil
	if ipLen >= off {
		out.SentLen = ipLen - off
	}
}

// sentLen is the length of a TCP segment's payload as its IP header
// tells it: the IP payload's length less what lies before the TCP
// payload (extension headers, the TCP header). ipPayload and tcpHeader
// are slices of the same captured bytes, so their capacities say how
// far apart they start. -1 when there is no IP header to ask.
func sentLen(ipLen int, ipPayload, tcpHeader []byte) int {
	if ipLen < 0 || cap(ipPayload) < cap(tcpHeader) {
		return -1
	}
	return ipLen - (cap(ipPayload) - cap(tcpHeader)) - len(tcpHeader)
}

func tcpFlags(t *layers.TCP) TCPFlags {
	var f TCPFlags
	set := func(b bool, v TCPFlags) {
		if b {
			f |= v
		}
	}
	set(t.FIN, TCPFin)
	set(t.SYN, TCPSyn)
	set(t.RST, TCPRst)
	set(t.PSH, TCPPsh)
	set(t.ACK, TCPAck)
	set(t.URG, TCPUrg)
	set(t.ECE, TCPEce)
	set(t.CWR, TCPCwr)
	set(t.NS, TCPNs)
	return f
}

func addr4(b []byte) netip.Addr {
	if len(b) != 4 {
		return netip.Addr{}
	}
	return netip.AddrFrom4([4]byte{b[0], b[1], b[2], b[3]})
}

func addr16(b []byte) netip.Addr {
	if len(b) != 16 {
		return netip.Addr{}
	}
	var a [16]byte
	copy(a[:], b)
	return netip.AddrFrom16(a)
}

// windowScale returns a SYN's window scale option as Header.WindowScale
// holds it. A shift above 14 counts as 14 (RFC 7323, as Wireshark does).
func windowScale(opts []layers.TCPOption) uint8 {
	for _, o := range opts {
		if o.OptionType == layers.TCPOptionKindWindowScale && len(o.OptionData) == 1 {
			return min(o.OptionData[0], 14) + 1
		}
	}
	return 0
}

// appProto names the application protocol of a TCP or UDP packet from its
// ports and, where ports are ambiguous, its first payload bytes.
func appProto(p *Packet) Proto {
	either := func(port uint16) bool { return p.SrcPort == port || p.DstPort == port }
	if p.Proto == ProtoUDP {
		switch {
		case either(67) || either(68):
			return ProtoDHCP
		case either(546) || either(547):
			return ProtoDHCPv6
		case either(5353):
			return ProtoMDNS
		case either(5355):
			return ProtoLLMNR
		case either(53):
			return ProtoDNS
		case either(137):
			return ProtoNBNS
		case either(1900):
			return ProtoSSDP
		case either(123):
			return ProtoNTP
		case either(4789):
			return ProtoVXLAN
		case either(443) && len(p.Payload) > 0 && p.Payload[0]&0x40 != 0:
			return ProtoQUIC // long or short header: the fixed bit is set
		case quic.Looks(p.Payload):
			return ProtoQUIC // a long header of a known version, on any port
		case dns.LooksLikeDNS(p.Payload):
			return ProtoDNS // on other ports, as Wireshark's heuristic finds it
		}
		return ProtoUDP
	}
	if len(p.Payload) == 0 {
		return ProtoTCP
	}
	if LooksLikeHTTP(p.Payload) {
		return ProtoHTTP
	}
	if looksLikeTLSRecord(p.Payload) || tls.SSLv2Hello(p.Payload) {
		return ProtoTLS
	}
	switch {
	case either(53):
		return ProtoDNS
	case either(1883):
		// By port, as Wireshark does: a segment may start mid-message.
		return ProtoMQTT
	}
	return ProtoTCP
}

// LooksLikeHTTP reports whether b starts an HTTP/1.x request or response.
func LooksLikeHTTP(b []byte) bool {
	if len(b) == 0 || !httpFirst[b[0]] {
		return false // most payload is mid-stream data: one look rejects it
	}
	if len(b) >= 5 && string(b[:5]) == "HTTP/" {
		return true
	}
	for _, m := range httpMethods {
		if len(b) > len(m) && string(b[:len(m)]) == m && b[len(m)] == ' ' {
			return true
		}
	}
	return false
}

var httpMethods = [...]string{"GET", "POST", "HEAD", "PUT", "DELETE", "OPTIONS", "PATCH", "CONNECT", "TRACE", "NOTIFY", "M-SEARCH", "SUBSCRIBE", "PROPFIND"}

// httpFirst marks the bytes an HTTP request or status line can start with.
var httpFirst = func() (t [256]bool) {
	t['H'] = true
	for _, m := range httpMethods {
		t[m[0]] = true
	}
	return t
}()

// looksLikeTLSRecord reports whether b starts a TLS record (content type
// 20-24, version 3.x): TLS is recognised by its bytes on any port, and
// named by the port afterwards (TLSName).
func looksLikeTLSRecord(b []byte) bool {
	return len(b) >= 5 && b[0] >= 20 && b[0] <= 24 && b[1] == 3 && b[2] <= 4
}
