package decode

import "strings"

// Proto is the highest protocol a packet was recognised as, for the
// Protocol column and for quick filtering. It fits in one byte of Index.
type Proto uint8

// Protocols in rough layer order. Values are stored in indexes held in
// memory only, so the order may change between versions.
const (
	ProtoUnknown Proto = iota
	ProtoEthernet
	ProtoARP
	ProtoIPv4
	ProtoIPv6
	ProtoICMP
	ProtoICMPv6
	ProtoTCP
	ProtoUDP
	ProtoDNS
	ProtoMDNS
	ProtoLLMNR
	ProtoNBNS
	ProtoDHCP
	ProtoDHCPv6
	ProtoSSDP
	ProtoHTTP
	ProtoTLS
	ProtoNTP
	ProtoIGMP
	ProtoVXLAN
	ProtoFragment
	ProtoLLC
	ProtoMQTT
	ProtoQUIC
	ProtoPPPoED
	ProtoGRE
	ProtoEAPOL
	protoCount
)

var protoNames = [protoCount]string{
	ProtoUnknown:  "Unknown",
	ProtoEthernet: "Ethernet",
	ProtoARP:      "ARP",
	ProtoIPv4:     "IPv4",
	ProtoIPv6:     "IPv6",
	ProtoICMP:     "ICMP",
	ProtoICMPv6:   "ICMPv6",
	ProtoTCP:      "TCP",
	ProtoUDP:      "UDP",
	ProtoDNS:      "DNS",
	ProtoMDNS:     "MDNS",
	ProtoLLMNR:    "LLMNR",
	ProtoNBNS:     "NBNS",
	ProtoDHCP:     "DHCP",
	ProtoDHCPv6:   "DHCPv6",
	ProtoSSDP:     "SSDP",
	ProtoHTTP:     "HTTP",
	ProtoTLS:      "TLS",
	ProtoNTP:      "NTP",
	ProtoIGMP:     "IGMP",
	ProtoVXLAN:    "VXLAN",
	ProtoFragment: "IP fragment",
	ProtoLLC:      "LLC",
	ProtoMQTT:     "MQTT",
	ProtoQUIC:     "QUIC",
	ProtoPPPoED:   "PPPoED",
	ProtoGRE:      "GRE",
	ProtoEAPOL:    "EAPOL",
}

// String returns the protocol's display name, as in the Protocol column.
func (p Proto) String() string {
	if p < protoCount {
		return protoNames[p]
	}
	return "Unknown"
}

// ParseProto returns the protocol with the given display name (any case).
func ParseProto(name string) (Proto, bool) {
	for p, n := range protoNames {
		if strings.EqualFold(n, name) {
			return Proto(p), true
		}
	}
	return ProtoUnknown, false
}

// Flags are per-packet marks kept in the index.
type Flags uint8

// Packet marks. Malformed means decoding stopped early on bad or truncated
// bytes; the packet is still listed and counted.
const (
	FlagMalformed Flags = 1 << iota
	FlagTCPSyn
	FlagTCPFin
	FlagTCPRst
	FlagBroadcast
	FlagMulticast
	FlagPayload
	// FlagTunnel: the packet came through a tunnel (VXLAN, GRE) whose
	// outer IP header decoding set aside for an inner frame's
	// (Packet.Outer); filters look there for ip, udp and their fields.
	FlagTunnel
)

// Any reports whether any bit of g is set in f.
func (f Flags) Any(g Flags) bool { return f&g != 0 }

// Has reports whether all bits of g are set in f.
func (f Flags) Has(g Flags) bool { return f&g == g }

// Analysis holds the TCP analysis marks of a segment: the engine's reading
// of it against what its connection sent before, as Wireshark's
// tcp.analysis does (with its names in the packet list, "[TCP
// Retransmission]"...). They are computed in capture order, with the
// segment lengths the IP headers give, so a headers-only capture is
// analysed as well as a full one. Any mark sets tcp.analysis.flags.
type Analysis uint16

// The TCP analysis marks, each with the Wireshark field it sets.
const (
	// AnalysisRetransmission: a segment carrying data (or SYN/FIN) that
	// starts before the end of what its side already sent, not a
	// keep-alive and not out of order (tcp.analysis.retransmission; fast
	// and spurious retransmissions are retransmissions too).
	AnalysisRetransmission Analysis = 1 << iota
	// AnalysisFastRetransmission: a retransmission of what two duplicate
	// ACKs or more asked for, within 20 ms of the last
	// (tcp.analysis.fast_retransmission).
	AnalysisFastRetransmission
	// AnalysisSpuriousRetransmission: a retransmission of data the other
	// side had acknowledged already (tcp.analysis.spurious_retransmission).
	AnalysisSpuriousRetransmission
	// AnalysisOutOfOrder: a segment that starts before data already seen
	// but comes within the connection's round-trip time (3 ms if unknown)
	// of it: sent earlier, overtaken on the way (tcp.analysis.out_of_order).
	AnalysisOutOfOrder
	// AnalysisLostSegment: the segment starts after the end of what its
	// side sent before: the capture missed a segment in between
	// (tcp.analysis.lost_segment, "previous segment not captured").
	AnalysisLostSegment
	// AnalysisAckedUnseen: the segment acknowledges data the capture never
	// saw the other side send (tcp.analysis.ack_lost_segment).
	AnalysisAckedUnseen
	// AnalysisDupAck: an empty segment that acknowledges what the last one
	// of its side did, with the same window (tcp.analysis.duplicate_ack).
	AnalysisDupAck
	// AnalysisKeepAlive: one byte or none, one before the next sequence
	// number its side would send (tcp.analysis.keep_alive).
	AnalysisKeepAlive
	// AnalysisKeepAliveAck: the answer to a keep-alive
	// (tcp.analysis.keep_alive_ack).
	AnalysisKeepAliveAck
	// AnalysisZeroWindow: the sender's receive window is zero; it can take
	// no more data (tcp.analysis.zero_window).
	AnalysisZeroWindow
	// AnalysisZeroWindowProbe: one byte sent to a side whose window is
	// zero, to learn when it opens (tcp.analysis.zero_window_probe).
	AnalysisZeroWindowProbe
	// AnalysisZeroWindowProbeAck: the answer to a zero window probe
	// (tcp.analysis.zero_window_probe_ack).
	AnalysisZeroWindowProbeAck
	// AnalysisWindowUpdate: an empty segment that only changes the window
	// (tcp.analysis.window_update).
	AnalysisWindowUpdate
	// AnalysisWindowFull: the segment fills the window the other side
	// last offered (tcp.analysis.window_full).
	AnalysisWindowFull
	// AnalysisPortsReused: a SYN with a new initial sequence number on the
	// addresses and ports of a connection seen before
	// (tcp.analysis.reused_ports); a SYN without ACK starts a new flow.
	AnalysisPortsReused
)

// AnalysisMark names one TCP analysis mark as Wireshark does.
type AnalysisMark struct {
	Mark  Analysis
	Field string // its display filter field, tcp.analysis.*
	Tag   string // its tag in the Info column, "[TCP " + Tag + "]"
	Help  string // what it means, in a few words
}

// AnalysisMarks are the TCP analysis marks in the order their tags stand
// in Wireshark's Info column: the reverse of the order Wireshark tells
// them, since each goes in front of the last.
var AnalysisMarks = []AnalysisMark{
	{AnalysisZeroWindowProbeAck, "tcp.analysis.zero_window_probe_ack", "ZeroWindowProbeAck", "the answer to a zero window probe"},
	{AnalysisZeroWindow, "tcp.analysis.zero_window", "ZeroWindow", "the sender's window is zero"},
	{AnalysisZeroWindowProbe, "tcp.analysis.zero_window_probe", "ZeroWindowProbe", "a probe of a zero window"},
	{AnalysisDupAck, "tcp.analysis.duplicate_ack", "Dup ACK", "a duplicate acknowledgement"},
	{AnalysisKeepAliveAck, "tcp.analysis.keep_alive_ack", "Keep-Alive ACK", "the answer to a keep-alive"},
	{AnalysisKeepAlive, "tcp.analysis.keep_alive", "Keep-Alive", "a keep-alive segment"},
	{AnalysisWindowFull, "tcp.analysis.window_full", "Window Full", "a segment that fills the receiver's window"},
	{AnalysisWindowUpdate, "tcp.analysis.window_update", "Window Update", "a segment that only changes the window"},
	{AnalysisAckedUnseen, "tcp.analysis.ack_lost_segment", "ACKed unseen segment", "acknowledges a segment that was not captured"},
	{AnalysisLostSegment, "tcp.analysis.lost_segment", "Previous segment not captured", "a segment before it was not captured"},
	{AnalysisOutOfOrder, "tcp.analysis.out_of_order", "Out-Of-Order", "a segment overtaken on the way"},
	{AnalysisSpuriousRetransmission, "tcp.analysis.spurious_retransmission", "Spurious Retransmission", "a retransmission of data acknowledged already"},
	{AnalysisFastRetransmission, "tcp.analysis.fast_retransmission", "Fast Retransmission", "a retransmission two duplicate ACKs asked for"},
	{AnalysisRetransmission, "tcp.analysis.retransmission", "Retransmission", "a retransmitted segment"},
	{AnalysisPortsReused, "tcp.analysis.reused_ports", "Port numbers reused", "a SYN on the ports of an earlier connection"},
}

// Any reports whether any bit of b is set in a.
func (a Analysis) Any(b Analysis) bool { return a&b != 0 }

// Has reports whether all bits of b are set in a.
func (a Analysis) Has(b Analysis) bool { return a&b == b }

// DupAck tells which duplicate acknowledgement a segment is: the N-th
// repeat of the acknowledgement packet Of sent (Wireshark's "[TCP Dup ACK
// Of#N]", tcp.analysis.duplicate_ack_frame and _num). Zero when unknown.
type DupAck struct{ Of, N uint32 }

// Index is what thingsniff keeps in memory for one packet: 32 bytes. The
// packet's bytes stay in the capture file at Offset; everything shown
// beyond these fields is decoded again from there when needed.
type Index struct {
	Time int64 // capture time, Unix nanoseconds
	// place holds where the packet's bytes start in the capture's store
	// (the low 48 bits: stores of up to 256 TiB, see MaxStore) and its
	// capture interface (the high 16), so that the entry fits 32 bytes.
	place    uint64
	CapLen   uint32 // bytes captured
	OrigLen  uint32 // bytes on the wire
	Flow     uint32 // flow ID, 0 when the packet belongs to no flow
	Proto    Proto
	Flags    Flags
	Analysis Analysis // TCP analysis marks; Proto, Flags and these fill the last 4 bytes
}

// MaxStore is the size of the biggest capture store an Index can point
// into: 256 TiB, far beyond any capture file or spool.
const MaxStore = 1 << placeBits

const placeBits = 48

// IndexOf returns the index entry of a packet whose bytes m describes.
func IndexOf(m Meta, proto Proto, flags Flags) Index {
	return Index{Time: m.Time, place: uint64(m.Offset)&(MaxStore-1) | uint64(m.Iface)<<placeBits,
		CapLen: m.CapLen, OrigLen: m.OrigLen, Proto: proto, Flags: flags}
}

// Offset is where the packet's bytes start in the capture's store.
func (ix Index) Offset() int64 { return int64(ix.place & (MaxStore - 1)) }

// Iface is the packet's capture interface, which gives its link type.
func (ix Index) Iface() uint16 { return uint16(ix.place >> placeBits) }
