package dfilter

import (
	"bytes"
	"net/netip"

	"thingsniff/decode"
	"thingsniff/decode/httpmsg"
)

// An HTTP message is told, as Wireshark tells it, on the packet that
// completes it: the last segment of its head, or of its body when the
// body's length is known (Content-Length, chunked). heads follows each
// TCP direction of the packets a Matcher sees, in order, holding the
// head being gathered and counting the body bytes still to come. It
// holds at most maxHTTPDirs heads of at most maxHTTPHead bytes: a
// head longer than that, or a direction beyond, is not told.
type heads struct {
	dirs map[dirKey]*pending
}

const (
	maxHTTPHead = 16 << 10
	maxHTTPDirs = 1024 // with maxHTTPHead: at most 16 MB held
	// untilClose is the bodyEnd of a response whose body ends with the
	// connection.
	untilClose = -2
)

type dirKey struct {
	flow uint32
	src  netip.AddrPort
}

type pending struct {
	head    []byte
	msg     *httpmsg.Message // parsed head, waiting for its body
	bodyEnd int64            // body bytes still to come; -1 chunked
	tail    []byte           // last bytes of a chunked body
}

// see takes the next packet of a direction and returns the message it
// completes, if any.
func (h *heads) see(p *decode.Packet, flow uint32) *httpmsg.Message {
	b := p.Payload
	fin := p.TCPFlags&(decode.TCPFin|decode.TCPRst) != 0
	if len(b) == 0 && !fin || h.dirs == nil && len(b) == 0 {
		return nil
	}
	if h.dirs == nil {
		h.dirs = map[dirKey]*pending{}
	}
	k := dirKey{flow, netip.AddrPortFrom(p.Src, p.SrcPort)}
	st := h.dirs[k]
	if st != nil && st.bodyEnd == untilClose && fin {
		delete(h.dirs, k)
		return st.msg
	}
	if len(b) == 0 {
		return nil
	}
	if st == nil {
		if !startsHTTP(b) {
			return nil
		}
		if len(h.dirs) >= maxHTTPDirs {
			clear(h.dirs) // forget all rather than grow: heads in flight are lost
		}
		st = &pending{}
		h.dirs[k] = st
	}
	if st.msg != nil {
		m := h.body(k, st, b)
		if m == nil && st.bodyEnd == untilClose && fin {
			delete(h.dirs, k)
			return st.msg
		}
		return m
	}
	st.head = append(st.head, b...)
	end := headEnd(st.head)
	if end < 0 {
		if len(st.head) > maxHTTPHead {
			delete(h.dirs, k)
		}
		return nil
	}
	m, ok := httpmsg.ParseHead(st.head)
	if !ok {
		delete(h.dirs, k)
		return nil
	}
	rest := st.head[end:]
	st.head = nil
	st.msg = m
	switch {
	case m.Chunked:
		st.bodyEnd = -1
	case m.StatusCode == 304 || m.StatusCode == 204 || m.StatusCode/100 == 1 || m.IsRequest && m.ContentLength < 0:
		st.bodyEnd = 0
	case m.ContentLength >= 0:
		st.bodyEnd = m.ContentLength
	case len(rest) == 0 && p.TCPFlags&(decode.TCPFin|decode.TCPRst) != 0:
		st.bodyEnd = 0
	case !m.IsRequest:
		// No length: the body ends when the server closes.
		st.bodyEnd = untilClose
		if fin {
			delete(h.dirs, k)
			return m
		}
		return nil
	default:
		st.bodyEnd = 0
	}
	return h.body(k, st, rest)
}

// body counts body bytes b of the message in st; it returns the message
// once its body is complete.
func (h *heads) body(k dirKey, st *pending, b []byte) *httpmsg.Message {
	done := false
	switch {
	case st.bodyEnd == untilClose:
		return nil
	case st.bodyEnd > 0:
		st.bodyEnd -= int64(len(b))
		done = st.bodyEnd <= 0
	case st.bodyEnd == 0:
		done = true
	default:
		st.tail = append(st.tail, b...)
		if len(st.tail) > 7 {
			st.tail = append(st.tail[:0], st.tail[len(st.tail)-7:]...)
		}
		done = bytes.HasSuffix(st.tail, []byte("0\r\n\r\n"))
	}
	if !done {
		return nil
	}
	m := st.msg
	delete(h.dirs, k)
	return m
}

// startsHTTP reports whether b begins a request or status line.
func startsHTTP(b []byte) bool {
	if bytes.HasPrefix(b, []byte("HTTP/1.")) {
		return true
	}
	sp := bytes.IndexByte(b, ' ')
	if sp < 3 || sp > 10 {
		return false
	}
	for _, c := range b[:sp] {
		if c < 'A' || c > 'Z' {
			return false
		}
	}
	return true
}

// headEnd returns the offset after the empty line that ends a head, or -1.
func headEnd(b []byte) int {
	if i := bytes.Index(b, []byte("\r\n\r\n")); i >= 0 {
		return i + 4
	}
	if i := bytes.Index(b, []byte("\n\n")); i >= 0 {
		return i + 2
	}
	return -1
}
