package synth

import (
	"time"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
)

// tcpFlags name the flags of one segment.
type tcpFlags uint8

const (
	fFIN tcpFlags = 1 << iota
	fSYN
	fRST
	fPSH
	fACK
)

// conn is one TCP connection of the story; it keeps both sides' next
// sequence numbers so that every segment's seq and ack are consistent.
type conn struct {
	s        *scene
	cli, srv node
	cport    uint16
	sport    uint16
	next     [2]uint32 // next sequence number of client (0) and server (1)
	win      [2]uint16
}

// Sides of a connection.
const (
	client = 0
	server = 1
)

func (s *scene) conn(cli, srv node, cport, sport uint16, ciss, siss uint32) *conn {
	return &conn{s: s, cli: cli, srv: srv, cport: cport, sport: sport,
		next: [2]uint32{ciss, siss}, win: [2]uint16{29200, 64240}}
}

// seg emits one segment from side with the given flags and payload; the ack
// number is the other side's next sequence number unless the segment is the
// opening SYN.
func (c *conn) seg(at time.Duration, side int, f tcpFlags, payload []byte) {
	a, b, sp, dp := c.cli, c.srv, c.cport, c.sport
	if side == server {
		a, b, sp, dp = c.srv, c.cli, c.sport, c.cport
	}
	ip := c.s.ip4(a.ip, b.ip, a.ttl, layers.IPProtocolTCP, true)
	t := &layers.TCP{
		SrcPort: layers.TCPPort(sp), DstPort: layers.TCPPort(dp),
		Seq: c.next[side], Window: c.win[side] >> 7, // scaled by 7 after the handshake
		FIN: f&fFIN != 0, SYN: f&fSYN != 0, RST: f&fRST != 0, PSH: f&fPSH != 0, ACK: f&fACK != 0,
	}
	if t.ACK {
		t.Ack = c.next[1-side]
	}
	if t.SYN {
		t.Window = c.win[side]
		t.Options = []layers.TCPOption{
			{OptionType: layers.TCPOptionKindMSS, OptionLength: 4, OptionData: []byte{0x05, 0xb4}},
			{OptionType: layers.TCPOptionKindNop},
			{OptionType: layers.TCPOptionKindWindowScale, OptionLength: 3, OptionData: []byte{7}},
			{OptionType: layers.TCPOptionKindNop},
			{OptionType: layers.TCPOptionKindNop},
			{OptionType: layers.TCPOptionKindSACKPermitted, OptionLength: 2},
		}
	}
	if err := t.SetNetworkLayerForChecksum(ip); err != nil && c.s.err == nil {
		c.s.err = err
	}
	ls := []gopacket.SerializableLayer{eth(a.mac, b.mac, layers.EthernetTypeIPv4), ip, t}
	if len(payload) > 0 {
		ls = append(ls, gopacket.Payload(payload))
	}
	c.s.emit(at, ls...)
	c.next[side] += uint32(len(payload))
	if t.SYN || t.FIN {
		c.next[side]++
	}
}

// open emits the three-way handshake starting at at, rtt apart.
func (c *conn) open(at, rtt time.Duration) {
	c.seg(at, client, fSYN, nil)
	c.seg(at+rtt, server, fSYN|fACK, nil)
	c.seg(at+rtt+rtt/50, client, fACK, nil)
}

// send emits data from side in segments of at most 1460 bytes, and returns
// the time of the last one.
func (c *conn) send(at time.Duration, side int, data []byte) time.Duration {
	for len(data) > 0 {
		n := min(len(data), 1460)
		f := fACK
		if n == len(data) {
			f |= fPSH
		}
		c.seg(at, side, f, data[:n])
		data = data[n:]
		if len(data) > 0 {
			at += 120 * time.Microsecond
		}
	}
	return at
}

// retrySYN emits the client's SYN again after each of the given offsets, as
// a client does whose SYN went unanswered.
func (c *conn) retrySYN(at time.Duration, after ...time.Duration) {
	iss := c.next[client]
	c.seg(at, client, fSYN, nil)
	for _, d := range after {
		c.next[client] = iss
		c.seg(at+d, client, fSYN, nil)
	}
}

// ack emits a bare acknowledgement from side.
func (c *conn) ack(at time.Duration, side int) { c.seg(at, side, fACK, nil) }

// close emits an orderly close begun by side: FIN, the peer's FIN+ACK, and
// the last ACK.
func (c *conn) close(at, rtt time.Duration, side int) {
	c.seg(at, side, fFIN|fACK, nil)
	c.seg(at+rtt, 1-side, fFIN|fACK, nil)
	c.seg(at+rtt+rtt/50, side, fACK, nil)
}
