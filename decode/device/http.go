package device

import (
	"fmt"
	"net"
	"net/netip"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"thingsniff/decode"
	"thingsniff/decode/httpmsg"
	"thingsniff/decode/stream"
)

// httpFlow reassembles one TCP flow that carries HTTP and parses it.
type httpFlow struct {
	r        *stream.Reassembler
	conv     *httpmsg.Conversation
	events   map[*httpmsg.Message]*Event
	messages int
	closed   bool
	// runs gathers, per direction, body bytes skipped in order, so that
	// a large download's thousands of segments reach the reassembler as
	// one gap (see gather).
	runs [2]skipRun
	// counted is, per direction, the part of a body beyond what is kept,
	// which is only counted (see newHTTPFlow).
	counted [2]seqWindow
}

// seqWindow is the stream bytes [from, to) in TCP sequence numbers.
type seqWindow struct{ from, to uint32 }

// holds reports whether the n bytes at seq lie wholly in w. Serial-number
// arithmetic: the window may straddle the wrap at 2^32.
func (w seqWindow) holds(seq uint32, n int) bool {
	return n > 0 && int32(w.to-w.from) > 0 && int32(seq-w.from) >= 0 && int32(w.to-(seq+uint32(n))) >= 0
}

// skipRun is a run of skipped body bytes not yet handed to the
// reassembler: n bytes from seq, the last in packet last.
type skipRun struct {
	seq  uint32
	n    int
	last uint64
}

// gatherRuns may be turned off by a test, to check that gathering
// changes nothing but the work done.
var gatherRuns = true

// httpBodyKeep is how much of a request body is kept, for finding
// identifying values in forms, and httpResponseKeep of a response body,
// for its preview (with room for a compressed one to yield it); the rest
// is counted, not kept (the follow view and object export read bodies
// whole from the file).
const (
	httpBodyKeep     = 4 << 10
	httpResponseKeep = 1 << 10
)

// payload looks at a packet with payload on a flow the device uses.
func (b *Builder) payload(fs *flowState, p *decode.Packet, f *decode.Flow) {
	d := 1
	if f.FromClient(p) {
		d = 0
	}
	if f.Proto == decode.ProtoUDP {
		if p.Proto == decode.ProtoQUIC && d == 0 && !fs.tried[0] {
			fs.tried[0] = true
			b.quicHello(fs, p, f)
		}
		return
	}
	if f.Proto != decode.ProtoTCP {
		return
	}
	if p.Proto == decode.ProtoMQTT && fs.http == nil && fs.tls == nil {
		b.mqttPayload(fs, p, f)
		return
	}
	// Each direction's first payload may reveal the protocol: a server's
	// "HTTP/1.0 400" answers a request line too odd to recognise.
	if fs.http == nil && fs.tls == nil && !fs.tried[d] {
		fs.tried[d] = true
		switch {
		case looksLikeHTTPFlow(p, f) && b.httpFlows < b.opts.MaxHTTPFlows:
			b.httpFlows++
			fs.http = b.newHTTPFlow(fs)
		case looksLikeTLS(p.Payload):
			fs.tls = &tlsFlow{}
		}
	}
	if fs.tls != nil {
		b.tlsPayload(fs, p, f)
	}
}

// looksLikeHTTPFlow decides from a flow's first payload whether to parse
// it as HTTP: a known method or status line anywhere, and on the usual
// HTTP ports any upper-case method (servers see CCM_POST and the like).
func looksLikeHTTPFlow(p *decode.Packet, f *decode.Flow) bool {
	if decode.LooksLikeHTTP(p.Payload) {
		return true
	}
	switch f.Server.Port() {
	case 80, 8000, 8008, 8080, 3128:
	default:
		return false
	}
	n := 0
	for n < len(p.Payload) && n < 24 {
		c := p.Payload[n]
		if c == ' ' {
			break
		}
		if !(c >= 'A' && c <= 'Z' || c == '_' || c == '-') {
			return false
		}
		n++
	}
	return n > 0 && n < len(p.Payload) && p.Payload[n] == ' '
}

// tcpSegment feeds every TCP packet of an HTTP flow to its reassembler,
// payload or not, so FIN and RST end the streams.
func (b *Builder) tcpSegment(fs *flowState, p *decode.Packet, f *decode.Flow) {
	h := fs.http
	if h == nil || h.closed {
		return
	}
	dir := stream.ServerToClient
	if f.FromClient(p) {
		dir = stream.ClientToServer
	}
	// Bytes of a body beyond what is kept are skipped in their place.
	seg := stream.Segment{Dir: dir, Seq: p.Seq, Ack: p.Ack, Flags: streamFlags(p.TCPFlags), Payload: p.Payload, Packet: uint64(p.Num)}
	unwanted := h.counted[dir].holds(p.Seq, len(p.Payload))
	if unwanted {
		seg.Payload, seg.Skip = nil, len(p.Payload)
	}
	if !b.gather(h, seg, unwanted) {
		if err := b.flushRuns(h); err != nil {
			b.closeHTTP(h)
			return
		}
		if err := h.r.Add(seg); err != nil {
			b.closeHTTP(h)
			return
		}
	}
	if f.State == decode.StateClosed || f.State == decode.StateReset {
		b.closeHTTP(h)
	}
}

// streamFlags picks the TCP flags the reassembler heeds.
func streamFlags(t decode.TCPFlags) stream.Flags {
	var fl stream.Flags
	if t.Has(decode.TCPSyn) {
		fl |= stream.SYN
	}
	if t.Has(decode.TCPFin) {
		fl |= stream.FIN
	}
	if t.Has(decode.TCPRst) {
		fl |= stream.RST
	}
	if t.Has(decode.TCPAck) {
		fl |= stream.ACK
	}
	return fl
}

// gather takes the segments that would change nothing but a count, when
// nothing waits out of order in the flow: an ACK without data, and body
// bytes skipped right where their stream goes on, which join the
// direction's run. A run is handed on when it reaches the end of the
// skipped part of its body, so that the message ends at the packet it
// would have ended at, or before any other segment of the flow.
func (b *Builder) gather(h *httpFlow, seg stream.Segment, unwanted bool) bool {
	if !gatherRuns || seg.Flags != stream.ACK || seg.Payload != nil || h.r.Waiting() {
		return false
	}
	d := seg.Dir
	next, ok := h.r.Next(d)
	if !ok {
		return false
	}
	if seg.Skip == 0 {
		return true // an ACK of a started direction, with nothing held back
	}
	run := &h.runs[d]
	if run.n > 0 {
		next = run.seq + uint32(run.n)
	}
	if !unwanted || seg.Seq != next || run.n+seg.Skip > stream.MaxSegment {
		return false
	}
	if run.n == 0 {
		run.seq = seg.Seq
	}
	run.n += seg.Skip
	run.last = seg.Packet
	if seg.Seq+uint32(seg.Skip) == h.counted[d].to {
		if err := b.flushRuns(h); err != nil {
			b.closeHTTP(h)
		}
	}
	return true
}

// flushRuns hands the gathered runs to the reassembler.
func (b *Builder) flushRuns(h *httpFlow) error {
	for d := range h.runs {
		run := &h.runs[d]
		if run.n == 0 {
			continue
		}
		seg := stream.Segment{Dir: stream.Dir(d), Seq: run.seq, Skip: run.n, Packet: run.last}
		*run = skipRun{}
		if err := h.r.Add(seg); err != nil {
			return err
		}
	}
	return nil
}

func (b *Builder) newHTTPFlow(fs *flowState) *httpFlow {
	h := &httpFlow{events: map[*httpmsg.Message]*Event{}}
	cfg := httpmsg.Config{MaxBody: httpBodyKeep, MaxResponseBody: httpResponseKeep, ReuseBody: true,
		OnLength: func(m *httpmsg.Message, d stream.Dir, off, n int64) {
			// The body beyond what is kept is only counted: its segments
			// are skipped in their place, without reassembling them.
			keep := int64(httpBodyKeep)
			if !m.IsRequest {
				keep = httpResponseKeep
			}
			if base, ok := h.r.Base(d); ok && n > keep {
				h.counted[d] = seqWindow{from: base + uint32(off+keep), to: base + uint32(off+n)}
			}
		}}
	h.conv = httpmsg.NewConversation(cfg, func(m *httpmsg.Message) error {
		h.messages++
		b.httpMessage(fs, h, m)
		return nil
	})
	// Conflicting retransmissions do not matter to the story, so no
	// history of delivered bytes is kept (it would cost 128 KiB a flow).
	h.r = stream.NewReassembler(stream.Config{MaxBuffered: 1 << 20, History: -1, Budget: b.budget}, h.conv.Chunk)
	return h
}

func (b *Builder) closeHTTP(h *httpFlow) {
	if h.closed {
		return
	}
	h.closed = true
	b.httpFlows-- // MaxHTTPFlows counts the flows open at once
	_ = b.flushRuns(h)
	_ = h.r.Close()
	_ = h.conv.Close()
	// Let go of the buffers now: a capture keeps thousands of finished
	// connections, and the report needs none of this.
	h.r, h.conv, h.events = nil, nil, nil
}

// httpMessage turns a parsed request into an event, and a response into
// the fields of its request's event.
func (b *Builder) httpMessage(fs *flowState, h *httpFlow, m *httpmsg.Message) {
	d := fs.dev
	now := b.last
	if m.IsRequest {
		e := &Event{Time: stamp(now), Kind: KindHTTP, Packets: packetSpan(m), Flow: fs.conn.Flow,
			Method: m.Method, Host: m.Host, URI: m.URI, UserAgent: m.UserAgent, Peer: fs.conn.Peer, PeerName: fs.conn.PeerName}
		for _, q := range m.Query {
			e.QueryPairs = append(e.QueryPairs, q.Name+"="+q.Value)
		}
		for _, c := range m.Cookies {
			e.Cookies = append(e.Cookies, c.Name+"="+c.Value)
		}
		e.Summary = "HTTP " + m.Method + " http://" + hostOr(m.Host, fs.conn.Peer) + m.URI + " (clear text)"
		h.events[m] = b.add(d, e)
		if fs.clientIsDevice {
			b.leakFindings(d, e, m)
			b.clockFinding(d, e, m, now)
		}
		if fs.conn.PeerName == "" && m.Host != "" && !isAddress(m.Host) {
			fs.conn.PeerName = m.Host
		}
		return
	}
	e := h.events[m.Request]
	if e == nil {
		e = &Event{Time: stamp(now), Kind: KindHTTP, Flow: fs.conn.Flow, Peer: fs.conn.Peer}
		b.add(d, e)
	}
	delete(h.events, m.Request)
	e.Status = m.StatusCode
	e.ContentType = m.ContentType
	e.Packets = append(e.Packets, uint32(m.LastPacket()))
	for _, c := range m.SetCookies {
		e.SetCookies = append(e.SetCookies, c.Raw)
	}
	// The summary is put together in the builder's scratch buffers:
	// every response adds to one, most with a quoted preview.
	if len(m.Body) > 0 && isText(m.ContentType, m.Body) {
		b.scratch = appendPreview(b.scratch[:0], m.Body, 200)
		e.BodyPreview = string(b.scratch)
	}
	s := append(b.summary[:0], e.Summary...)
	s = append(s, " → "...)
	s = strconv.AppendInt(s, int64(m.StatusCode), 10)
	s = append(s, ' ')
	s = append(s, m.Reason...)
	if e.BodyPreview != "" {
		b.scratch = appendPreview(b.scratch[:0], m.Body, 60)
		s = append(s, ' ')
		s = strconv.AppendQuote(s, string(b.scratch))
	}
	e.Summary, b.summary = string(s), s
	if !fs.clientIsDevice {
		b.clockFinding(d, e, m, now)
	}
	b.cookieFindings(d, e, m, now)
}

// packetSpan is the first packet of a request and the one that completed
// it (where Wireshark shows it), once each.
func packetSpan(m *httpmsg.Message) []uint32 {
	first, last := uint32(m.HeadFirstPacket), uint32(m.LastPacket())
	if first == last || first == 0 {
		return []uint32{last}
	}
	return []uint32{first, last}
}

func hostOr(host, peer string) string {
	if host != "" {
		return host
	}
	return peer
}

func isText(ct string, body []byte) bool {
	ct = strings.ToLower(ct)
	if strings.HasPrefix(ct, "text/") || strings.Contains(ct, "json") || strings.Contains(ct, "xml") || strings.Contains(ct, "form-urlencoded") {
		return true
	}
	if ct != "" {
		return false
	}
	for _, c := range body[:min(len(body), 256)] {
		if c < 0x09 || (c > 0x0d && c < 0x20) || c == 0x7f {
			return false
		}
	}
	return true
}

// appendPreview appends the first n bytes of b with runs of white space
// made one space (as strings.Fields and Join would make them), and "…"
// when there was more.
func appendPreview(out, b []byte, n int) []byte {
	// In one pass; runs of plain ASCII are copied whole.
	b = b[:min(len(b), n*2)]
	start := len(out)
	space := false
	for i := 0; i < len(b); {
		size := 1
		if c := b[i]; c < utf8.RuneSelf {
			if asciiSpace[c] {
				space = len(out) > start
				i++
				continue
			}
			for i+size < len(b) && b[i+size] < utf8.RuneSelf && !asciiSpace[b[i+size]] {
				size++
			}
		} else {
			var r rune
			if r, size = utf8.DecodeRune(b[i:]); unicode.IsSpace(r) {
				space = len(out) > start
				i += size
				continue
			}
		}
		if space {
			out = append(out, ' ')
			space = false
		}
		out = append(out, b[i:i+size]...) // invalid bytes stay as sent
		i += size
	}
	if len(out)-start > n {
		out = append(out[:start+n], "…"...)
	}
	return out
}

// asciiSpace marks the ASCII bytes unicode.IsSpace calls space.
var asciiSpace = [utf8.RuneSelf]bool{'\t': true, '\n': true, '\v': true, '\f': true, '\r': true, ' ': true}

// cookieFindings flags cookies that had already expired when the server
// set them (against its Date header, else the capture clock).
func (b *Builder) cookieFindings(d *Device, e *Event, m *httpmsg.Message, now int64) {
	ref, refName := m.Date, "the response's Date"
	if ref.IsZero() {
		ref, refName = stamp(now), "the capture time"
	}
	for _, c := range m.SetCookies {
		if !c.ExpiredAt(ref) {
			continue
		}
		age := "it had Max-Age 0"
		if !c.HasMaxAge {
			age = fmt.Sprintf("it had expired %s before %s (Expires %s)", humanAge(ref.Sub(c.Expires)), refName, c.ExpiresRaw)
		}
		d.find(Finding{Kind: "expired-cookie", Severity: Warning, Time: e.Time, Packets: e.Packets, Flow: e.Flow,
			Text: fmt.Sprintf("%s set cookie %s that was already expired: %s", hostOr(e.Host, e.Peer), c.Name, age),
			key:  hostOr(e.Host, e.Peer) + " " + c.Name})
	}
}

// clockFinding flags a Date header, sent by the device, far from the
// capture clock.
func (b *Builder) clockFinding(d *Device, e *Event, m *httpmsg.Message, now int64) {
	if m.Date.IsZero() {
		return
	}
	skew := m.Date.Sub(stamp(now))
	if skew < 0 {
		skew = -skew
	}
	if skew < b.opts.ClockSkew {
		return
	}
	dir := "behind"
	if m.Date.After(stamp(now)) {
		dir = "ahead of"
	}
	d.find(Finding{Kind: "clock", Severity: Warning, Time: e.Time, Packets: e.Packets, Flow: e.Flow,
		Text: fmt.Sprintf("its clock is %s %s the capture clock (HTTP Date %s)", humanAge(skew), dir, m.Date.Format(time.RFC1123))})
}

// humanAge writes an age as durations are written (FormatDuration), in
// years from a year on.
func humanAge(d time.Duration) string {
	if d >= 365*24*time.Hour {
		return fmt.Sprintf("%.1f years", d.Hours()/24/365.25)
	}
	return decode.FormatDuration(d)
}

// isAddress reports whether a Host header is an address, not a name.
func isAddress(host string) bool {
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	_, err := netip.ParseAddr(strings.Trim(host, "[]"))
	return err == nil
}
