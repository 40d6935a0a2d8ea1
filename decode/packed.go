package decode

import (
	"net/netip"

	"github.com/gopacket/gopacket/layers"
)

// Packed is a packet's Header packed into plain bytes, with its Meta: what
// a Parser on one goroutine hands forward to an Engine on another
// (Engine.AddPacked), a piece of a capture at a time. It holds no
// pointers (a netip.Addr does), so that millions of them cost the
// garbage collector nothing, and it is half a Header's size.
type Packed struct {
	Offset, Time     int64
	src, dst         [16]byte
	capLen, origLen  uint32
	payloadLen       uint32
	sentLen, ipLen   uint32
	seq, ack         uint32
	fragID           uint32
	fragOffset       uint16
	srcPort, dstPort uint16
	window           uint16
	icmpID, icmpSq   uint16
	tcpFlags         TCPFlags
	iface            uint16
	ipProto          layers.IPProtocol
	fragProto        layers.IPProtocol
	icmpType         uint8
	icmpCode         uint8
	proto            Proto
	windowScale      uint8
	cast             Flags
	bits             uint16
}

// Packed's bits.
const (
	packHasMAC = 1 << iota
	packHasIP
	packMalformed
	packFragment
	packFragMore
	packFragValid
	packSrcValid
	packSrc4
	packDstValid
	packDst4
	packCut
	packTunneled
)

// Pack packs h, a packet decoded from the bytes that m describes.
func (h *Header) Pack(m Meta) Packed {
	p := Packed{Offset: m.Offset, Time: m.Time, capLen: m.CapLen, origLen: m.OrigLen, iface: m.Iface,
		payloadLen: uint32(h.PayloadLen), sentLen: uint32(h.SentLen), ipLen: uint32(h.IPLen), seq: h.Seq, ack: h.Ack, fragID: h.Frag.ID, fragOffset: uint16(h.Frag.Offset),
		srcPort: h.SrcPort, dstPort: h.DstPort, window: h.Window, icmpID: h.ICMPID, icmpSq: h.ICMPSq,
		tcpFlags: h.TCPFlags, ipProto: h.IPProto, fragProto: h.Frag.Proto, icmpType: h.ICMPType, icmpCode: h.ICMPCode,
		proto: h.Proto, windowScale: h.WindowScale, cast: h.Cast}
	p.bits = bit(h.HasMAC, packHasMAC) | bit(h.HasIP, packHasIP) | bit(h.Malformed, packMalformed) |
		bit(h.Fragment, packFragment) | bit(h.Frag.More, packFragMore) | bit(h.Frag.Valid, packFragValid) |
		bit(h.Src.IsValid(), packSrcValid) | bit(h.Src.Is4(), packSrc4) | bit(h.Dst.IsValid(), packDstValid) |
		bit(h.Dst.Is4(), packDst4) | bit(h.Cut, packCut) | bit(h.Tunneled, packTunneled)
	p.src, p.dst = h.Src.As16(), h.Dst.As16()
	return p
}

// bit is b when on is true, else 0.
func bit(on bool, b uint16) uint16 {
	if on {
		return b
	}
	return 0
}

// Fragment reports whether the packet is an IP fragment (whose payload
// goes with it to Engine.AddPacked).
func (p *Packed) Fragment() bool { return p.bits&packFragment != 0 }

// Meta returns where the packet's bytes lie.
func (p *Packed) Meta() Meta {
	return Meta{Offset: p.Offset, Time: p.Time, CapLen: p.capLen, OrigLen: p.origLen, Iface: p.iface}
}

// unpack fills h from p; Num, Flow and ToServer are left zero.
func (p *Packed) unpack(h *Header) {
	*h = Header{Time: p.Time, CapLen: int(p.capLen), OrigLen: int(p.origLen),
		HasMAC: p.bits&packHasMAC != 0, HasIP: p.bits&packHasIP != 0, Malformed: p.bits&packMalformed != 0,
		Cast: p.cast, Src: unpackAddr(p.src, p.bits, packSrcValid, packSrc4), Dst: unpackAddr(p.dst, p.bits, packDstValid, packDst4),
		IPProto: p.ipProto, Fragment: p.bits&packFragment != 0,
		Frag:    Frag{ID: p.fragID, Offset: int(p.fragOffset), Proto: p.fragProto, More: p.bits&packFragMore != 0, Valid: p.bits&packFragValid != 0},
		SrcPort: p.srcPort, DstPort: p.dstPort, TCPFlags: p.tcpFlags, Seq: p.seq, Ack: p.ack, Window: p.window, WindowScale: p.windowScale,
		ICMPType: p.icmpType, ICMPCode: p.icmpCode, ICMPID: p.icmpID, ICMPSq: p.icmpSq,
		PayloadLen: int(p.payloadLen), SentLen: int(p.sentLen), IPLen: int(p.ipLen), Cut: p.bits&packCut != 0,
		Tunneled: p.bits&packTunneled != 0, Proto: p.proto}
}

func unpackAddr(b [16]byte, bits, valid, is4 uint16) netip.Addr {
	switch {
	case bits&valid == 0:
		return netip.Addr{}
	case bits&is4 != 0:
		return netip.AddrFrom4([4]byte(b[12:]))
	}
	return netip.AddrFrom16(b)
}
