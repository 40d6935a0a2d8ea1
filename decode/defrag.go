package decode

import (
	"net/netip"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
)

// Limits on IP reassembly, so that a hostile capture cannot hold memory:
// a datagram is at most 64 KiB and at most maxPendingDatagrams wait at once
// (the oldest is dropped first).
const (
	maxDatagram         = 65535
	maxPendingDatagrams = 256
)

type fragKey struct {
	src, dst netip.Addr
	id       uint32
	proto    layers.IPProtocol
}

type fragBuf struct {
	key   fragKey
	data  []byte
	have  []bool // per 8-byte block
	total int    // datagram length once the last fragment is seen, else -1
	seq   uint64
}

// defragmenter joins IPv4 and IPv6 fragments. Like Wireshark, the packet
// that completes a datagram carries the transport header and payload of
// the whole datagram; the other fragments stay "IP fragment" rows.
type defragmenter struct {
	pending map[fragKey]*fragBuf
	seq     uint64
	out     []byte
}

// add stores one fragment and returns the whole datagram's payload when
// this fragment completes it. The returned slice is valid until the next call.
func (d *defragmenter) add(key fragKey, offset int, more bool, payload []byte) ([]byte, bool) {
	end := offset + len(payload)
	if end > maxDatagram || (more && len(payload)%8 != 0) {
		return nil, false
	}
	if d.pending == nil {
		d.pending = map[fragKey]*fragBuf{}
	}
	b := d.pending[key]
	if b == nil {
		if len(d.pending) >= maxPendingDatagrams {
			d.evictOldest()
		}
		d.seq++
		b = &fragBuf{key: key, total: -1, seq: d.seq}
		d.pending[key] = b
	}
	if len(b.data) < end {
		grown := make([]byte, end)
		copy(grown, b.data)
		b.data = grown
		have := make([]bool, (end+7)/8)
		copy(have, b.have)
		b.have = have
	}
	copy(b.data[offset:end], payload)
	for i := offset / 8; i < (end+7)/8; i++ {
		b.have[i] = true
	}
	if !more {
		b.total = end
	}
	if b.total < 0 {
		return nil, false
	}
	for i := 0; i < (b.total+7)/8; i++ {
		if !b.have[i] {
			return nil, false
		}
	}
	delete(d.pending, key)
	d.out = append(d.out[:0], b.data[:b.total]...)
	return d.out, true
}

func (d *defragmenter) evictOldest() {
	var oldest *fragBuf
	for _, b := range d.pending {
		if oldest == nil || b.seq < oldest.seq {
			oldest = b
		}
	}
	if oldest != nil {
		delete(d.pending, oldest.key)
	}
}

// decodeTransport decodes a TCP or UDP header and payload that reassembly
// (or a first fragment cut by the snapshot length) produced.
func (p *Parser) decodeTransport(data []byte, proto layers.IPProtocol, out *Packet) {
	var err error
	switch proto {
	case layers.IPProtocolUDP:
		if err = p.udp.DecodeFromBytes(data, gopacket.NilDecodeFeedback); err == nil {
			out.Proto, out.IPProto = ProtoUDP, proto
			out.SrcPort, out.DstPort = uint16(p.udp.SrcPort), uint16(p.udp.DstPort)
			out.Payload = p.udp.Payload
		}
	case layers.IPProtocolTCP:
		if err = p.tcp.DecodeFromBytes(data, gopacket.NilDecodeFeedback); err == nil {
			out.Proto, out.IPProto = ProtoTCP, proto
			out.SrcPort, out.DstPort = uint16(p.tcp.SrcPort), uint16(p.tcp.DstPort)
			out.Seq, out.Ack, out.Window = p.tcp.Seq, p.tcp.Ack, p.tcp.Window
			out.TCPFlags = tcpFlags(&p.tcp)
			out.Payload = p.tcp.Payload
		}
	default:
		return
	}
	if err != nil {
		out.Err, out.Malformed = err, true
		return
	}
	out.Fragment = false
	out.PayloadLen = len(out.Payload)
	out.SentLen = out.PayloadLen
	if proto == layers.IPProtocolUDP && int(p.udp.Length)-8 > out.SentLen {
		out.SentLen = int(p.udp.Length) - 8 // a first fragment cut short
	}
	out.Proto = appProto(out)
}
