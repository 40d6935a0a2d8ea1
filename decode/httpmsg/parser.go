package httpmsg

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"thingsniff/decode/stream"
)

type state uint8

const (
	sHead       state = iota // reading a head
	sResync                  // after a gap: looking for the next message start
	sBody                    // reading remain body bytes
	sChunkSize               // reading a chunk-size line
	sChunkData               // reading remain chunk bytes
	sChunkEnd                // reading the CRLF after chunk data
	sTrailer                 // reading trailer lines
	sUntilClose              // body runs to the end of the stream
	sDead                    // stopped
)

// ErrTunnel says the connection switched protocols (101 or CONNECT) and
// is no longer HTTP.
var ErrTunnel = errors.New("connection switched to another protocol")

// side parses one direction.
type side struct {
	conv    *Conversation
	dir     stream.Dir
	request bool // this side sends requests
	decided bool // request is known from the first bytes
	lineOK  bool // the head's first line has been checked
	st      state
	head    []byte
	headOff int64
	headPkt uint64
	line    []byte
	cur     *Message
	remain  int64
	raw     []byte
	kept    int64  // bytes of Config.Budget taken for raw
	spare   []byte // the last body's buffer, with Config.ReuseBody
	count   int
	err     error
}

// feed consumes one chunk of this direction.
func (s *side) feed(c stream.Chunk) {
	if s.st == sDead {
		return
	}
	if c.Data == nil {
		switch {
		case c.Gap > 0:
			s.gap(c.Gap, c.LastPacket)
		case c.FIN || c.RST:
			if s.st == sUntilClose {
				// The body ends with the connection, in this packet.
				s.cur.BodyLastPacket = c.LastPacket
				s.finish(c.Offset)
			}
		}
		return
	}
	p, off := c.Data, c.Offset
	for len(p) > 0 && s.st != sDead && s.conv.err == nil {
		n := s.step(p, off, c.FirstPacket, c.LastPacket)
		p, off = p[n:], off+int64(n)
	}
}

// step consumes a prefix of p and returns its length.
func (s *side) step(p []byte, off int64, first, last uint64) int {
	switch s.st {
	case sHead:
		return s.readHead(p, off, first, last)
	case sResync:
		return s.resync(p)
	case sBody, sChunkData:
		n := int(min(int64(len(p)), s.remain))
		s.body(p[:n], off, first, last)
		s.remain -= int64(n)
		if s.remain == 0 {
			if s.st == sBody {
				s.finish(off + int64(n))
			} else {
				s.st = sChunkEnd
			}
		}
		return n
	case sUntilClose:
		s.body(p, off, first, last)
		return len(p)
	case sChunkEnd:
		s.cur.BodyLastPacket = last
		switch p[0] {
		case '\r':
			return 1
		case '\n':
			s.st = sChunkSize
			return 1
		}
		s.stop(fmt.Errorf("chunked body: no line end after chunk data at offset %d", off))
		return len(p)
	case sChunkSize, sTrailer:
		s.cur.BodyLastPacket = last
		i := bytes.IndexByte(p, '\n')
		if i < 0 {
			s.line = append(s.line, p...)
			if len(s.line) > maxChunkLine {
				s.stop(fmt.Errorf("chunked body: line too long at offset %d", off))
			}
			return len(p)
		}
		s.line = append(s.line, p[:i]...)
		l := strings.TrimSpace(string(s.line))
		s.line = s.line[:0]
		if s.st == sChunkSize {
			s.chunkSize(l, off)
		} else if l == "" {
			s.finish(off + int64(i+1))
		} else if name, v, ok := strings.Cut(l, ":"); ok {
			s.cur.Headers = append(s.cur.Headers, Header{Name: strings.TrimSpace(name), Value: strings.TrimSpace(v)})
		}
		return i + 1
	}
	return len(p)
}

func (s *side) chunkSize(l string, off int64) {
	if i := strings.IndexByte(l, ';'); i >= 0 {
		l = strings.TrimSpace(l[:i])
	}
	n, err := strconv.ParseInt(l, 16, 64)
	if err != nil || n < 0 {
		s.stop(fmt.Errorf("chunked body: bad chunk size %q at offset %d", l, off))
		return
	}
	if n == 0 {
		s.st = sTrailer
		return
	}
	s.remain, s.st = n, sChunkData
}

// readHead gathers head bytes until the empty line.
func (s *side) readHead(p []byte, off int64, first, last uint64) int {
	if len(s.head) == 0 {
		// Blank lines between messages are allowed (RFC 9112 2.2).
		k := 0
		for k < len(p) && (p[k] == '\r' || p[k] == '\n') {
			k++
		}
		if k > 0 {
			return k
		}
		s.headOff, s.headPkt = off, first
	}
	prev := len(s.head)
	// Take no more than a head can hold: the rest is body or later
	// messages, read again once the head is parsed.
	p = p[:min(len(p), s.conv.cfg.MaxHead+4-prev)]
	// A head that starts in this chunk is read where it lies, and kept
	// only if it goes on in the next one: most heads fit in one.
	h := p
	if prev > 0 {
		s.head = append(s.head, p...)
		h = s.head
	}
	keep := func() int {
		if prev == 0 {
			s.head = append(s.head, p...)
		}
		return len(p)
	}
	if !s.decided {
		// The role comes from the bytes, not the direction: a capture that
		// starts mid-connection may show the server first.
		const v = "HTTP/"
		if len(h) < len(v) && string(h) == v[:len(h)] {
			return keep()
		}
		s.request, s.decided = !bytes.HasPrefix(h, []byte(v)), true
	}
	end, bodyAt := headEnd(h, max(0, prev-3))
	fresh := h[prev:]
	if end >= 0 {
		fresh = h[prev:max(prev, bodyAt)]
	}
	if !plausibleStart(h[:min(len(h), maxMethod+1)], s.request) || hasControl(fresh) {
		return s.notHTTP()
	}
	// A head that goes on in later chunks has its first line checked as
	// soon as it is whole, so that a stream that is not HTTP stops early;
	// a head that ends here is parsed whole just below, first line first.
	if !s.lineOK && end < 0 {
		if i := bytes.IndexByte(h, '\n'); i >= 0 {
			var scratch Message
			if parseHead(&scratch, h[:i], s.request) != nil {
				return s.notHTTP()
			}
			s.lineOK = true
		}
	}
	if end < 0 {
		if len(h) > s.conv.cfg.MaxHead {
			s.stop(fmt.Errorf("head longer than %d bytes at offset %d", s.conv.cfg.MaxHead, s.headOff))
			return len(p)
		}
		return keep()
	}
	used := bodyAt - prev
	m := &Message{Index: s.count, HeadOffset: s.headOff, HeadFirstPacket: s.headPkt, HeadLastPacket: last}
	err := parseHead(m, h[:end], s.request)
	s.head, s.lineOK = s.head[:0], false
	if err != nil {
		return s.notHTTP()
	}
	s.count++
	m.BodyOffset = off + int64(used)
	s.cur, s.raw = m, nil
	s.startBody(m)
	return used
}

func (s *side) notHTTP() int {
	s.stop(fmt.Errorf("%w at offset %d", errNotHTTP, s.headOff))
	return 0 // stop consumes nothing more: the side is dead
}

// hasControl reports control bytes that never occur in a head; they mean
// binary data.
func hasControl(p []byte) bool {
	for _, c := range p {
		if c < 0x20 && c != '\t' && c != '\r' && c != '\n' {
			return true
		}
	}
	return false
}

// headEnd finds the empty line ending a head in b (searching from from):
// it returns the end of the head proper and where the body starts, or -1.
func headEnd(b []byte, from int) (int, int) {
	for i := from; i < len(b); i++ {
		if b[i] != '\n' {
			continue
		}
		switch {
		case i+1 < len(b) && b[i+1] == '\n':
			return i, i + 2
		case i+2 < len(b) && b[i+1] == '\r' && b[i+2] == '\n':
			return i, i + 3
		}
	}
	return -1, -1
}

// startBody picks how the body of a freshly parsed head is delimited.
func (s *side) startBody(m *Message) {
	tunnel := false
	if s.request {
		s.conv.pushRequest(m)
	} else {
		req := s.conv.pairResponse(m)
		m.Request = req
		noBody := m.StatusCode < 200 || m.StatusCode == 204 || m.StatusCode == 304 ||
			(req != nil && strings.EqualFold(req.Method, "HEAD"))
		if m.StatusCode == 101 || (req != nil && strings.EqualFold(req.Method, "CONNECT") && m.StatusCode/100 == 2) {
			noBody, tunnel = true, true
		}
		if noBody {
			s.finish(m.BodyOffset)
			if tunnel {
				s.conv.tunnel()
			}
			return
		}
	}
	switch {
	case m.Chunked:
		s.st = sChunkSize
	case m.ContentLength > 0:
		s.st, s.remain = sBody, m.ContentLength
		if s.conv.cfg.OnLength != nil {
			s.conv.cfg.OnLength(m, s.dir, m.BodyOffset, m.ContentLength)
		}
	case m.ContentLength == 0, s.request:
		s.finish(m.BodyOffset)
	default:
		s.st = sUntilClose
	}
}

// body takes body bytes of the current message.
func (s *side) body(p []byte, off int64, first, last uint64) {
	m := s.cur
	if m.BodyFirstPacket == 0 {
		m.BodyFirstPacket = first
	}
	m.BodyLastPacket = last
	m.BodySize += int64(len(p))
	if s.conv.cfg.OnBody != nil {
		s.conv.cfg.OnBody(m, p)
	}
	if keep := min(s.bodyCap()-int64(len(s.raw)), int64(len(p))); keep > 0 && !m.BodyLimited {
		if s.raw == nil && s.conv.cfg.Budget == nil {
			s.raw = s.spare[:0]
			s.spare = nil
		}
		if need := int64(len(s.raw)) + keep; need > int64(cap(s.raw)) {
			s.grow(m, need)
		}
		if !m.BodyLimited {
			s.raw = append(s.raw, p[:keep]...)
		}
	}
	if m.BodySize > int64(len(s.raw)) {
		m.BodyTruncated = true
	}
}

// grow makes room for need bytes of body in raw: the whole kept part at
// once when the length is known, else doubling. With a budget, the room
// is taken from it first; when it is not there, the message keeps what it
// has and is marked BodyLimited.
func (s *side) grow(m *Message, need int64) {
	want := max(need, min(m.ContentLength, s.bodyCap()))
	b := s.conv.cfg.Budget
	if b != nil {
		// Many bodies may be open at once: grow by doubling, so that an
		// announced length takes nothing until its bytes come.
		want = min(max(need, 2*int64(cap(s.raw)), 4<<10), s.bodyCap())
		if !b.Reserve(want - s.kept) {
			m.BodyLimited, m.BodyTruncated = true, true
			return
		}
		s.kept = want
	}
	raw := make([]byte, len(s.raw), want)
	copy(raw, s.raw)
	s.raw = raw
}

// bodyCap is how many body bytes of the current message are kept.
func (s *side) bodyCap() int64 {
	if c := s.conv.cfg.MaxResponseBody; !s.request && c > 0 && c < s.conv.cfg.MaxBody {
		return c
	}
	return s.conv.cfg.MaxBody
}

// gap handles bytes missing from the stream.
func (s *side) gap(n int64, pkt uint64) {
	switch s.st {
	case sBody, sUntilClose:
		m := s.cur
		k := n
		if s.st == sBody {
			k = min(n, s.remain)
			s.remain -= k
		}
		m.BodyMissing += k
		m.BodySize += k
		m.BodyTruncated = true
		m.BodyLastPacket = pkt
		if s.st == sBody && s.remain == 0 {
			s.finish(m.BodyOffset + m.BodySize)
			if k < n {
				s.st = sResync
			}
		}
	case sHead:
		if len(s.head) > 0 {
			s.head = s.head[:0]
		}
		s.st = sResync
	case sResync, sDead:
	default: // lost inside a chunked body
		s.cur.Incomplete, s.cur.BodyTruncated = true, true
		s.cur.BodyMissing += n
		s.finish(s.cur.BodyOffset + s.cur.BodySize)
		s.st = sResync
	}
}

var requestStarts = [][]byte{
	[]byte("GET "), []byte("POST "), []byte("HEAD "), []byte("PUT "), []byte("DELETE "),
	[]byte("OPTIONS "), []byte("PATCH "), []byte("CONNECT "), []byte("TRACE "),
}

// resync skips bytes after a gap up to what looks like the start of the
// next message at the start of a line.
func (s *side) resync(p []byte) int {
	best := -1
	if s.request || !s.decided {
		for _, m := range requestStarts {
			if i := lineStartIndex(p, m); i >= 0 && (best < 0 || i < best) {
				best = i
			}
		}
	}
	if !s.request || !s.decided {
		if i := lineStartIndex(p, []byte("HTTP/1.")); i >= 0 && (best < 0 || i < best) {
			best = i
		}
	}
	if best < 0 {
		// Keep a possible partial match at the end for the next chunk?
		// Messages rarely straddle that way; skipping is safe.
		return len(p)
	}
	s.st = sHead
	return best
}

func lineStartIndex(p, pat []byte) int {
	for from := 0; ; {
		i := bytes.Index(p[from:], pat)
		if i < 0 {
			return -1
		}
		i += from
		if i == 0 || p[i-1] == '\n' {
			return i
		}
		from = i + 1
	}
}

// finish completes the current message and hands it on.
func (s *side) finish(end int64) {
	m := s.cur
	s.cur = nil
	if s.st != sDead {
		s.st = sHead
	}
	if m == nil {
		return
	}
	m.EndOffset = end
	if m.BodySize == 0 {
		m.BodyOffset = min(m.BodyOffset, end)
	}
	s.decode(m)
	if s.conv.cfg.ReuseBody && s.conv.cfg.Budget == nil && cap(s.raw) > 0 {
		defer func(b []byte) { s.spare = b[:0] }(s.raw) // once m has been handed on
	}
	s.raw = nil
	s.conv.out(m)
}

// decode sets m.Body from raw. With a budget, decompressed bytes are
// taken from it too: a content-coded body is decompressed up to what is
// left of it, and m holds what it took until m.Release.
func (s *side) decode(m *Message) {
	b := s.conv.cfg.Budget
	if b == nil {
		decodeBody(m, s.raw, s.conv.cfg.MaxBody)
		return
	}
	limit := min(s.conv.cfg.MaxBody, b.Available())
	decodeBody(m, s.raw, limit)
	m.budget, m.kept = b, s.kept
	s.kept = 0
	if len(m.Body) > 0 && (len(s.raw) == 0 || &m.Body[0] != &s.raw[0]) {
		// Decompressed into a buffer of its own: raw goes, the output
		// stays, and takes its room from the budget instead.
		b.Release(m.kept)
		m.kept = 0
		if b.Reserve(int64(cap(m.Body))) {
			m.kept = int64(cap(m.Body))
		} else {
			m.Body, m.BodyLimited, m.BodyTruncated = nil, true, true
		}
	}
	if m.BodyTruncated && limit < s.conv.cfg.MaxBody && len(contentCodings(m.ContentEncoding)) > 0 && int64(len(m.Body)) >= limit {
		m.BodyLimited = true
	}
}

// stop gives up this direction; a message in progress is handed on as
// incomplete.
func (s *side) stop(err error) {
	if s.st == sDead {
		return
	}
	s.st = sDead
	s.err = fmt.Errorf("parse HTTP %s: %w", s.dir, err)
	s.head, s.line = nil, nil
	if s.cur != nil {
		s.cur.Incomplete = true
		s.finish(s.cur.BodyOffset + s.cur.BodySize)
	}
}

// end is called when the stream closes.
func (s *side) end() {
	if s.cur == nil {
		return
	}
	if s.st != sUntilClose {
		s.cur.Incomplete = true
	}
	s.finish(s.cur.BodyOffset + s.cur.BodySize)
}
