package decode

import (
	"net/netip"
	"time"

	"github.com/gopacket/gopacket/layers"
)

// Side names one end of a flow.
type Side uint8

// Flow ends. The client is the side that sent the first SYN; without one,
// the side that sent the first packet.
const (
	SideNone Side = iota
	SideClient
	SideServer
)

func (s Side) String() string {
	switch s {
	case SideClient:
		return "client"
	case SideServer:
		return "server"
	}
	return ""
}

// CloseKind says how a TCP connection ended.
type CloseKind uint8

// Ways a TCP connection ends, as the first closing segment shows.
const (
	CloseNone CloseKind = iota
	CloseFIN
	CloseRST
)

func (c CloseKind) String() string {
	switch c {
	case CloseFIN:
		return "fin"
	case CloseRST:
		return "rst"
	}
	return ""
}

// TCPState is a coarse connection state as seen from the wire.
type TCPState uint8

// Connection states. Half-closed means one side has sent FIN.
const (
	StateNone TCPState = iota
	StateSynSent
	StateSynReceived
	StateEstablished
	StateHalfClosed
	StateClosed
	StateReset
)

var stateNames = [...]string{"", "SYN sent", "SYN received", "established", "half-closed", "closed", "reset"}

func (s TCPState) String() string {
	if int(s) < len(stateNames) {
		return stateNames[s]
	}
	return ""
}

// Flow is one bidirectional conversation: a TCP connection, a UDP
// exchange between two endpoints, or an ICMP echo session (keyed by id).
// Index 0 of the two-element arrays is client to server.
type Flow struct {
	ID      uint32
	Proto   Proto // ProtoTCP, ProtoUDP, ProtoICMP or ProtoICMPv6
	Client  netip.AddrPort
	Server  netip.AddrPort
	Packets [2]uint32
	Bytes   [2]uint64 // frame bytes on the wire, as Wireshark's conversation table counts
	Payload [2]uint64 // transport payload bytes sent, by the IP headers (Header.SentLen)
	First   int64     // Unix nanoseconds
	Last    int64
	// FirstPacket and LastPacket are 1-based packet numbers.
	FirstPacket, LastPacket uint32

	State    TCPState
	ClosedBy Side
	Close    CloseKind
	// CloseTime is when the first FIN or RST was seen; LastData when the
	// last packet carrying payload was seen before it (First if none).
	CloseTime, LastData int64
	ClosePacket         uint32
	Retransmissions     uint32
	// App is the application protocol seen on the flow (HTTP, TLS, DNS...).
	App Proto
	// BaseSeq is the first TCP sequence number seen in each direction, for
	// relative sequence numbers as Wireshark shows them (known once
	// baseKnown: from the direction's first segment, or from the other
	// side's first acknowledgement when that came first).
	BaseSeq   [2]uint32
	baseKnown [2]bool
	// synScale is, per direction, the window scale its first SYN offered:
	// 0 when no SYN was seen, -1 for a SYN without the option, else the
	// shift + 1 (see WindowShift).
	synScale [2]int8

	// Per direction: what TCP analysis compares each segment with.
	side    [2]tcpSide
	finSent [2]bool
	sawSyn  bool
	// synTime is when the first SYN was seen; irtt the handshake's
	// round trip (SYN to the ACK of SYN-ACK), 0 until known.
	synTime, irtt int64
}

// tcpSide is one direction's state for TCP analysis, as Wireshark keeps it.
type tcpSide struct {
	seen             bool // a segment was sent this way
	nextSeq, lastAck uint32
	window           uint16 // as the header gives it, not scaled
	// maxToBeAcked is how far an acknowledgement of this side may go
	// without covering data the capture missed; 0 until known.
	maxToBeAcked uint32
	// dupAcks counts the duplicate ACKs sent since the acknowledgement
	// last moved on, in packet lastNonDup.
	dupAcks, lastNonDup uint32
	lastSegTime         int64    // when nextSeq last moved on
	lastAckTime         int64    // when the side last sent a segment
	last                Analysis // the marks of its last segment
}

// fullShift is how far the other side shifts the window direction d
// advertises, for telling a full window: Wireshark checks it only once
// d's SYN was seen, or the other's SYN turned scaling off.
func (f *Flow) fullShift(d int) (uint8, bool) {
	if s, ok := f.WindowShift(d); ok {
		return s, true
	}
	return 0, f.synScale[d] < 0 || f.synScale[1-d] < 0
}

// WindowShift returns how far the windows that direction d (0 client to
// server) advertises are shifted, as Wireshark tells it: known once that
// direction's SYN offered window scaling, and off for both once either
// SYN left the option out.
func (f *Flow) WindowShift(d int) (shift uint8, ok bool) {
	if f.synScale[d] <= 0 || f.synScale[1-d] < 0 {
		return 0, false
	}
	return uint8(f.synScale[d] - 1), true
}

// dir is the index of h's direction in a Flow's two-element arrays: 0
// client to server (h.ToServer), 1 back.
func (h *Header) dir() int {
	if h.ToServer {
		return 0
	}
	return 1
}

// Relative returns a segment's sequence and acknowledgment numbers as
// Wireshark shows them: relative to the first byte of the side that
// sent them and of the other side (the acknowledgment as sent while that
// is not known). h.ToServer must be set.
func (f *Flow) Relative(h *Header) (seq, ack uint32) {
	d := h.dir()
	seq, ack = h.Seq-f.BaseSeq[d], h.Ack
	if o := 1 - d; f.baseKnown[o] {
		ack -= f.BaseSeq[o]
	}
	return seq, ack
}

// WindowSize is the window a segment of the flow advertises, scaled as
// its direction's SYN asked (never on a SYN itself), or as sent when the
// scale is not known.
func (f *Flow) WindowSize(h *Header) int {
	w := int(h.Window)
	if f == nil || h.TCPFlags.Has(TCPSyn) {
		return w
	}
	if s, ok := f.WindowShift(h.dir()); ok {
		w <<= s
	}
	return w
}

// Duration is the time between the flow's first and last packet.
func (f *Flow) Duration() time.Duration { return time.Duration(f.Last - f.First) }

// IdleBeforeClose is how long the flow carried no data before the first FIN
// or RST; zero when it has not closed.
func (f *Flow) IdleBeforeClose() time.Duration {
	if f.Close == CloseNone {
		return 0
	}
	return time.Duration(f.CloseTime - f.LastData)
}

// TotalPackets is the packet count in both directions.
func (f *Flow) TotalPackets() uint32 { return f.Packets[0] + f.Packets[1] }

// TotalBytes is the frame byte count in both directions.
func (f *Flow) TotalBytes() uint64 { return f.Bytes[0] + f.Bytes[1] }

// Encrypted reports whether the flow carried TLS or QUIC (whose
// payload beyond the Initial packets is encrypted).
func (f *Flow) Encrypted() bool { return f.App == ProtoTLS || f.App == ProtoQUIC }

// flowKey is a canonical (smaller endpoint first) five-tuple.
type flowKey struct {
	a, b   [16]byte
	pa, pb uint16
	proto  uint8
}

func endpointLess(a [16]byte, pa uint16, b [16]byte, pb uint16) bool {
	for i := range a {
		if a[i] != b[i] {
			return a[i] < b[i]
		}
	}
	return pa < pb
}

// flowKey4 is an IPv4 flow's canonical five-tuple packed into 16 bytes:
// most of any capture is IPv4, and this key hashes and compares in a
// fraction of the general one's time.
type flowKey4 struct {
	addrs uint64 // the smaller endpoint's address in the high half
	rest  uint64 // ports (the smaller endpoint's first) and protocol
}

// flowPorts returns what identifies p's flow besides its addresses: the
// ports (the echo id for ICMP) and the IP protocol; ok is false for a
// packet that belongs to no flow.
func flowPorts(p *Header) (sp, dp uint16, proto uint8, ok bool) {
	switch p.Proto {
	case ProtoICMP, ProtoICMPv6:
		if !isEcho(p) {
			return 0, 0, 0, false
		}
		return p.ICMPID, p.ICMPID, uint8(p.IPProto), true
	}
	if p.IPProto != layers.IPProtocolTCP && p.IPProto != layers.IPProtocolUDP || p.Fragment {
		return 0, 0, 0, false
	}
	if p.SrcPort == 0 && p.DstPort == 0 && p.PayloadLen == 0 && p.TCPFlags == 0 {
		return 0, 0, 0, false
	}
	return p.SrcPort, p.DstPort, uint8(p.IPProto), true
}

// key4 returns the IPv4 flow key and whether the source is its smaller
// endpoint (the key's a side).
func key4(src [4]byte, sp uint16, dst [4]byte, dp uint16, proto uint8) (flowKey4, bool) {
	s := uint64(src[0])<<24 | uint64(src[1])<<16 | uint64(src[2])<<8 | uint64(src[3])
	d := uint64(dst[0])<<24 | uint64(dst[1])<<16 | uint64(dst[2])<<8 | uint64(dst[3])
	if s<<16|uint64(sp) < d<<16|uint64(dp) {
		return flowKey4{addrs: s<<32 | d, rest: uint64(sp)<<24 | uint64(dp)<<8 | uint64(proto)}, true
	}
	return flowKey4{addrs: d<<32 | s, rest: uint64(dp)<<24 | uint64(sp)<<8 | uint64(proto)}, false
}

// key6 returns the general flow key and whether the source is its a side.
func key6(s [16]byte, sp uint16, d [16]byte, dp uint16, proto uint8) (flowKey, bool) {
	if endpointLess(s, sp, d, dp) {
		return flowKey{a: s, pa: sp, b: d, pb: dp, proto: proto}, true
	}
	return flowKey{a: d, pa: dp, b: s, pb: sp, proto: proto}, false
}

func isEcho(p *Header) bool {
	if p.Proto == ProtoICMP {
		return p.ICMPType == layers.ICMPv4TypeEchoRequest || p.ICMPType == layers.ICMPv4TypeEchoReply
	}
	return p.ICMPType == layers.ICMPv6TypeEchoRequest || p.ICMPType == layers.ICMPv6TypeEchoReply
}

func transportProto(p *Header) Proto {
	switch p.IPProto {
	case layers.IPProtocolTCP:
		return ProtoTCP
	case layers.IPProtocolUDP:
		return ProtoUDP
	case layers.IPProtocolICMPv4:
		return ProtoICMP
	}
	return ProtoICMPv6
}

// seqAfter reports whether a comes after b in TCP's modular sequence space.
func seqAfter(a, b uint32) bool { return int32(a-b) > 0 }

// FromClient reports whether p, a packet of this flow, was sent by the client.
func (f *Flow) FromClient(p *Packet) bool {
	return netipPort(&p.Header, true) == f.Client
}
