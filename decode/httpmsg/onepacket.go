package httpmsg

import "bytes"

// ParseHead reads the HTTP request or response head at the start of one
// packet's payload, as a display filter does: ok is false unless the
// bytes begin with a request or status line and hold the whole head (up
// to the empty line). Bodies, continuations and heads that span packets
// are left to the Conversation, which follows the stream.
func ParseHead(b []byte) (*Message, bool) {
	end := bytes.Index(b, []byte("\r\n\r\n"))
	if lf := bytes.Index(b, []byte("\n\n")); lf >= 0 && (end < 0 || lf < end) {
		end = lf
	}
	if end < 0 {
		return nil, false
	}
	request := !bytes.HasPrefix(b, []byte("HTTP/"))
	if !plausibleStart(b, request) {
		return nil, false
	}
	m := &Message{IsRequest: request}
	if parseHead(m, b[:end], request) != nil {
		return nil, false
	}
	return m, true
}
