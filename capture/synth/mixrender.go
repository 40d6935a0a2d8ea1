package synth

import "encoding/binary"

// Kinds of frames a conversation step renders.
const (
	kTCP uint8 = iota
	kUDP
	kARP
	kICMP
)

// endpoint is one side of a conversation as it appears in a frame: the MAC
// on this LAN (the gateway's for a remote host), IP address, port and the
// TTL its packets arrive with.
type endpoint struct {
	mac  [6]byte
	ip   [4]byte
	port uint16
	ttl  uint8
}

// op is one frame of a planned conversation.
type op struct {
	kind     uint8
	src, dst uint8  // indexes into conv.ep
	flags    uint8  // TCP flags, ARP opcode or ICMP type
	seq, ack uint32 // TCP numbers; for ICMP id<<16 | sequence
	win      uint16
	payload  []byte
}

// TCP flag bits as on the wire.
const (
	tcpFIN = 0x01
	tcpSYN = 0x02
	tcpRST = 0x04
	tcpPSH = 0x08
	tcpACK = 0x10
)

// render writes the frame of o into dst (reused) with lengths and checksums.
func render(dst []byte, c *conv, o *op) []byte {
	s, d := &c.ep[o.src], &c.ep[o.dst]
	b := append(dst[:0], d.mac[:]...)
	b = append(b, s.mac[:]...)
	if o.kind == kARP {
		b = append(b, 0x08, 0x06, 0, 1, 0x08, 0x00, 6, 4, 0, o.flags)
		b = append(b, s.mac[:]...)
		b = append(b, s.ip[:]...)
		if o.flags == 1 { // request: target MAC unknown, frame to broadcast
			copy(b[0:6], "\xff\xff\xff\xff\xff\xff")
			b = append(b, 0, 0, 0, 0, 0, 0)
		} else {
			b = append(b, d.mac[:]...)
		}
		if o.seq != 0 { // gratuitous: asks about its own address
			return append(b, s.ip[:]...)
		}
		return append(b, d.ip[:]...)
	}
	b = append(b, 0x08, 0x00)
	ip := len(b)
	c.ipid[o.src]++
	var proto byte
	var frag byte
	switch o.kind {
	case kTCP:
		proto, frag = 6, 0x40
	case kUDP:
		proto = 17
	default:
		proto = 1
	}
	b = append(b, 0x45, 0, 0, 0, byte(c.ipid[o.src]>>8), byte(c.ipid[o.src]), frag, 0, s.ttl, proto, 0, 0)
	b = append(b, s.ip[:]...)
	b = append(b, d.ip[:]...)
	l4 := len(b)
	switch o.kind {
	case kTCP:
		b = binary.BigEndian.AppendUint16(b, s.port)
		b = binary.BigEndian.AppendUint16(b, d.port)
		b = binary.BigEndian.AppendUint32(b, o.seq)
		b = binary.BigEndian.AppendUint32(b, o.ack)
		if o.flags&tcpSYN != 0 {
			// MSS 1460, NOP, NOP, SACK permitted
			b = append(b, 7<<4, o.flags, byte(o.win>>8), byte(o.win), 0, 0, 0, 0, 2, 4, 0x05, 0xb4, 1, 1, 4, 2)
		} else {
			b = append(b, 5<<4, o.flags, byte(o.win>>8), byte(o.win), 0, 0, 0, 0)
		}
	case kUDP:
		b = binary.BigEndian.AppendUint16(b, s.port)
		b = binary.BigEndian.AppendUint16(b, d.port)
		b = binary.BigEndian.AppendUint16(b, uint16(8+len(o.payload)))
		b = append(b, 0, 0)
	default:
		b = append(b, o.flags, 0, 0, 0, byte(o.seq>>24), byte(o.seq>>16), byte(o.seq>>8), byte(o.seq))
	}
	b = append(b, o.payload...)
	binary.BigEndian.PutUint16(b[ip+2:], uint16(len(b)-ip))
	binary.BigEndian.PutUint16(b[ip+10:], fold(sum(0, b[ip:l4])))
	if o.kind == kICMP {
		binary.BigEndian.PutUint16(b[l4+2:], fold(sum(0, b[l4:])))
		return b
	}
	// Pseudo-header: addresses, protocol, transport length.
	acc := sum(0, b[ip+12:l4]) + uint64(proto) + uint64(len(b)-l4)
	ck := fold(sum(acc, b[l4:]))
	at := l4 + 16
	if o.kind == kUDP {
		at = l4 + 6
		if ck == 0 {
			ck = 0xffff
		}
	}
	binary.BigEndian.PutUint16(b[at:], ck)
	return b
}
