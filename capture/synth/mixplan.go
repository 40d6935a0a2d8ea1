package synth

import (
	"encoding/binary"
	"math/rand/v2"
	"strconv"
	"time"
)

// conv is one planned conversation: its endpoints and every frame it will
// send, computed before its first frame is written so that its length is
// known and its numbers are consistent. Slots are reused, so after warm-up
// planning allocates nothing.
type conv struct {
	ep   [4]endpoint
	ops  []op
	pos  int
	ipid [4]uint16
	buf  [3][]byte // payload storage owned by this conversation
	next [2]uint32 // TCP: next sequence number of ep[0] and ep[1]
	win  [2]uint16
	// ackEach: the receiver acknowledges every segment instead of every
	// second one (no delayed ACK).
	ackEach bool
}

func (c *conv) reset() {
	c.ops = c.ops[:0]
	c.pos = 0
	for i := range c.buf {
		c.buf[i] = c.buf[i][:0]
	}
}

func (c *conv) remaining() int { return len(c.ops) - c.pos }

// seg plans a TCP segment from side (0 client, 1 server) and advances that
// side's sequence number.
func (c *conv) seg(side int, flags uint8, payload []byte) {
	o := op{kind: kTCP, src: uint8(side), dst: uint8(1 - side), flags: flags, seq: c.next[side], win: c.win[side], payload: payload}
	if flags&tcpACK != 0 {
		o.ack = c.next[1-side]
	}
	c.ops = append(c.ops, o)
	c.next[side] += uint32(len(payload))
	if flags&(tcpSYN|tcpFIN) != 0 {
		c.next[side]++
	}
}

// udp plans one datagram from ep[src] to ep[dst].
func (c *conv) udp(src, dst uint8, payload []byte) {
	c.ops = append(c.ops, op{kind: kUDP, src: src, dst: dst, payload: payload})
}

// Kinds of conversation in a mix.
const (
	cvHTTP = iota
	cvTLS
	cvBulk
	cvDNS
	cvARP
	cvICMP
	cvStream
	cvDHCP
	cvAnnounce
	cvKinds
)

// kindWeights are how often each kind of conversation starts, tuned so that
// a mix averages about 900 bytes a frame with most bytes in bulk transfers.
func kindWeights() [cvKinds]int {
	return [cvKinds]int{cvHTTP: 18, cvTLS: 22, cvBulk: 6, cvDNS: 30, cvARP: 6, cvICMP: 4, cvStream: 2, cvDHCP: 1, cvAnnounce: 3}
}

// planner holds what planning needs besides the conversation.
type planner struct {
	w     *world
	r     *rand.Rand
	start time.Time
}

func (p *planner) port(h *host) uint16 {
	h.nextPort++
	if h.nextPort < 49152 {
		h.nextPort = 49152
	}
	return h.nextPort
}

// plan fills c with a new conversation of the given kind at time now.
func (p *planner) plan(c *conv, kind int, now time.Duration) {
	c.reset()
	r := p.r
	hi := r.IntN(len(p.w.hosts))
	h := &p.w.hosts[hi]
	c.ep[0] = h.ep
	switch kind {
	case cvHTTP, cvTLS, cvBulk:
		s := &p.w.sites[r.IntN(len(p.w.sites))]
		c.ep[0].port = p.port(h)
		c.ep[1] = s.ep
		c.ep[1].port = 80
		if kind == cvTLS {
			c.ep[1].port = 443
		}
		lan := kind == cvBulk && r.IntN(4) == 0
		if lan { // a transfer to or from another machine on the LAN
			o := &p.w.hosts[(hi+1+r.IntN(len(p.w.hosts)-1))%len(p.w.hosts)]
			c.ep[1] = o.ep
			c.ep[1].port = 5001
		}
		c.next = [2]uint32{r.Uint32(), r.Uint32()}
		c.ackEach = r.IntN(5) < 2
		c.win = [2]uint16{uint16(16384 + r.IntN(48000)), uint16(16384 + r.IntN(48000))}
		c.seg(0, tcpSYN, nil)
		c.seg(1, tcpSYN|tcpACK, nil)
		c.seg(0, tcpACK, nil)
		switch kind {
		case cvHTTP:
			p.http(c, s, now)
		case cvTLS:
			p.tls(c, s)
		case cvBulk:
			n := 20 + r.IntN(600)
			if lan {
				p.bulk(c, r.IntN(2), n)
			} else {
				p.download(c, s, n, now)
			}
		}
		p.close(c)
	case cvDNS:
		s := &p.w.sites[r.IntN(len(p.w.sites))]
		c.ep[0].port = p.port(h)
		c.ep[1] = p.w.gw
		c.ep[1].port = 53
		id := uint16(r.Uint32())
		c.buf[0] = binary.BigEndian.AppendUint16(c.buf[0], id)
		c.buf[0] = append(c.buf[0], s.query[2:]...)
		c.buf[1] = binary.BigEndian.AppendUint16(c.buf[1], id)
		c.buf[1] = append(c.buf[1], s.answer[2:]...)
		c.udp(0, 1, c.buf[0])
		c.udp(1, 0, c.buf[1])
	case cvARP:
		c.ep[1] = p.w.gw
		if r.IntN(3) == 0 {
			c.ep[1] = p.w.hosts[r.IntN(len(p.w.hosts))].ep
		}
		if c.ep[1].ip == c.ep[0].ip || r.IntN(10) == 0 {
			c.ops = append(c.ops, op{kind: kARP, src: 0, dst: 0, flags: 1, seq: 1}) // gratuitous
			break
		}
		c.ops = append(c.ops, op{kind: kARP, src: 0, dst: 1, flags: 1}, op{kind: kARP, src: 1, dst: 0, flags: 2})
	case cvICMP:
		c.ep[1] = p.w.sites[r.IntN(len(p.w.sites))].ep
		if r.IntN(2) == 0 {
			c.ep[1] = p.w.gw
		}
		id := uint32(r.IntN(65536)) << 16
		n := uint32(1 + r.IntN(4))
		for i := uint32(1); i <= n; i++ {
			c.ops = append(c.ops, op{kind: kICMP, src: 0, dst: 1, flags: 8, seq: id | i, payload: p.w.icmp},
				op{kind: kICMP, src: 1, dst: 0, flags: 0, seq: id | i, payload: p.w.icmp})
		}
	case cvStream:
		gi := r.IntN(tsGroups)
		g := byte(1 + gi)
		c.ep[0].port = 5000
		c.ep[0].ttl = 4
		c.ep[1] = endpoint{mac: [6]byte{0x01, 0x00, 0x5e, 0x23, 0x0a, g}, ip: [4]byte{239, 35, 10, g}, port: 10000}
		// Datagrams cycle through the templates so that continuity
		// counters run on.
		k := int(h.tsNext[gi])
		for i := 40 + r.IntN(400); i > 0; i, k = i-1, (k+1)%tsCycle {
			c.udp(0, 1, p.w.ts[k*tsDatagram:(k+1)*tsDatagram])
		}
		h.tsNext[gi] = uint8(k)
	case cvDHCP:
		c.ep[0].ip = [4]byte{}
		c.ep[0].port = 68
		c.ep[1] = endpoint{mac: [6]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, ip: [4]byte{255, 255, 255, 255}, port: 67}
		c.ep[2] = p.w.gw
		c.ep[2].port = 67
		c.ep[3] = endpoint{mac: c.ep[1].mac, ip: c.ep[1].ip, port: 68}
		xid := r.Uint32()
		// Four messages in three buffers: Request and ACK share buf[2].
		c.buf[0] = append(c.buf[0], h.dhcp[0]...)
		c.buf[1] = append(c.buf[1], h.dhcp[1]...)
		c.buf[2] = append(append(c.buf[2], h.dhcp[2]...), h.dhcp[3]...)
		req, ack := c.buf[2][:len(h.dhcp[2])], c.buf[2][len(h.dhcp[2]):]
		for _, m := range [][]byte{c.buf[0], c.buf[1], req, ack} {
			binary.BigEndian.PutUint32(m[4:], xid)
		}
		c.udp(0, 1, c.buf[0])
		c.udp(2, 3, c.buf[1])
		c.udp(0, 1, req)
		c.udp(2, 3, ack)
	default: // cvAnnounce
		if r.IntN(2) == 0 {
			c.ep[0].port = 1900
			c.ep[1] = endpoint{mac: [6]byte{0x01, 0x00, 0x5e, 0x7f, 0xff, 0xfa}, ip: [4]byte{239, 255, 255, 250}, port: 1900}
			c.udp(0, 1, h.ssdp)
		} else {
			c.ep[0].port = 5353
			c.ep[0].ttl = 255
			c.ep[1] = endpoint{mac: [6]byte{0x01, 0x00, 0x5e, 0x00, 0x00, 0xfb}, ip: [4]byte{224, 0, 0, 251}, port: 5353}
			c.udp(0, 1, h.mdns)
		}
	}
}

// send plans data from side in full-size segments, every one or every
// second one acknowledged; now and then a segment is sent twice (a retransmission)
// or two segments swap places (out of order), as the receiver would still
// see a consistent stream.
func (p *planner) send(c *conv, side int, data []byte) {
	for len(data) > 0 {
		n := min(len(data), 1460)
		first := len(c.ops)
		c.seg(side, tcpACK, data[:n])
		data = data[n:]
		if c.ackEach && len(data) > 0 {
			c.seg(1-side, tcpACK, nil)
			continue
		}
		if len(data) > 0 {
			m := min(len(data), 1460)
			c.seg(side, tcpACK, data[:m])
			data = data[m:]
			switch x := p.r.IntN(200); {
			case x == 0:
				c.ops[first], c.ops[first+1] = c.ops[first+1], c.ops[first]
			case x == 1:
				c.ops = append(c.ops, c.ops[first])
				c.ops[first+1], c.ops[first+2] = c.ops[first+2], c.ops[first+1]
			}
		}
		if len(data) == 0 {
			c.ops[len(c.ops)-1].flags |= tcpPSH
		}
		c.seg(1-side, tcpACK, nil)
	}
}

// bulk plans a transfer of n full segments (the last one shorter) from side.
func (p *planner) bulk(c *conv, side, n int) {
	p.stream(c, side, n*1460-p.r.IntN(1400))
}

// stream plans size bytes from side, slices of one random block so that a
// transfer copies nothing.
func (p *planner) stream(c *conv, side, size int) {
	for size > 0 {
		off := int(c.next[side]) % (len(p.w.bulk) - 64*1460)
		k := min(size, 64*1460)
		p.send(c, side, p.w.bulk[off:off+k])
		size -= k
	}
}

// download plans an HTTP GET of a file of about n full segments: the
// response head, then the body in full-size frames.
func (p *planner) download(c *conv, s *site, n int, now time.Duration) {
	r := p.r
	b := append(c.buf[0], "GET /files/"...)
	b = strconv.AppendInt(b, int64(r.IntN(1000000)), 16)
	b = append(b, ".bin HTTP/1.1\r\nHost: "...)
	b = append(b, s.name...)
	b = append(b, "\r\nUser-Agent: Wget/1.21.3\r\nAccept: */*\r\nConnection: Keep-Alive\r\n\r\n"...)
	c.buf[0] = b
	c.seg(0, tcpACK|tcpPSH, b)
	size := n*1460 - r.IntN(1400)
	h := append(c.buf[1], "HTTP/1.1 200 OK\r\nDate: "...)
	h = p.start.Add(now).UTC().AppendFormat(h, httpDate)
	h = append(h, "\r\nServer: nginx\r\nContent-Type: application/octet-stream\r\nContent-Length: "...)
	h = strconv.AppendInt(h, int64(size), 10)
	h = append(h, "\r\n\r\n"...)
	c.buf[1] = h
	c.seg(1, tcpACK|tcpPSH, h)
	p.stream(c, 1, size)
}

// http plans one to three request/response exchanges on a keep-alive
// connection. Requests are written to buf[0], responses to buf[1]; a slice
// taken before the buffer grows still holds its bytes, so ops may keep it.
func (p *planner) http(c *conv, s *site, now time.Duration) {
	r := p.r
	for n := 1 + r.IntN(3); n > 0; n-- {
		start := len(c.buf[0])
		b := append(c.buf[0], "GET /"...)
		b = append(b, [...]string{"index.html", "api/v1/status", "img/logo.png", "news", "search"}[r.IntN(5)]...)
		b = append(b, "?id="...)
		b = strconv.AppendInt(b, int64(r.IntN(100000)), 10)
		b = append(b, " HTTP/1.1\r\nHost: "...)
		b = append(b, s.name...)
		b = append(b, "\r\nUser-Agent: Mozilla/5.0 (X11; Linux x86_64) Gecko/20100101 Firefox/128.0\r\nAccept: */*\r\nAccept-Encoding: identity\r\nConnection: keep-alive\r\n\r\n"...)
		c.buf[0] = b
		c.seg(0, tcpACK|tcpPSH, b[start:])

		hs := len(c.buf[1])
		h := c.buf[1]
		body := 200 + r.IntN(24000)
		if r.IntN(8) == 0 {
			h = append(h, "HTTP/1.1 404 Not Found\r\nDate: "...)
			body = 120
		} else {
			h = append(h, "HTTP/1.1 200 OK\r\nDate: "...)
		}
		h = p.start.Add(now).UTC().AppendFormat(h, httpDate)
		h = append(h, "\r\nServer: nginx\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: "...)
		h = strconv.AppendInt(h, int64(body), 10)
		h = append(h, "\r\n\r\n"...)
		h = append(h, p.w.text[:body]...)
		c.buf[1] = h
		p.send(c, 1, h[hs:])
	}
}

// tls plans a TLS 1.3 handshake and some encrypted records each way.
func (p *planner) tls(c *conv, s *site) {
	r := p.r
	c.buf[0] = appendClientHello(c.buf[0], r, s.name, alpnH2HTTP11)
	hello := len(c.buf[0])
	c.buf[0] = appendAppData(appendChangeCipherSpec(c.buf[0]), r, 53)
	fin := len(c.buf[0])
	c.buf[0] = appendAppData(c.buf[0], r, 200+r.IntN(600))
	c.buf[1] = appendServerHello13(c.buf[1], r, 2500+r.IntN(2500))
	sh := len(c.buf[1])
	for k := 1 + r.IntN(12); k > 0; k-- {
		c.buf[1] = appendAppData(c.buf[1], r, 500+r.IntN(16000))
	}
	c.seg(0, tcpACK|tcpPSH, c.buf[0][:hello])
	p.send(c, 1, c.buf[1][:sh])
	c.seg(0, tcpACK|tcpPSH, c.buf[0][hello:fin])
	c.seg(0, tcpACK|tcpPSH, c.buf[0][fin:])
	p.send(c, 1, c.buf[1][sh:])
}

// close plans the end of a TCP connection: FIN from either side, or a
// reset from either side.
func (p *planner) close(c *conv) {
	switch x := p.r.IntN(20); {
	case x < 2:
		c.seg(x, tcpRST|tcpACK, nil)
	default:
		side := 0
		if x >= 13 {
			side = 1
		}
		c.seg(side, tcpFIN|tcpACK, nil)
		c.seg(1-side, tcpFIN|tcpACK, nil)
		c.seg(side, tcpACK, nil)
	}
}
