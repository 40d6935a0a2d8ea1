package httpmsg

import (
	"fmt"
	"strings"
	"time"

	"thingsniff/decode/stream"
)

// Param is one name/value pair, in the order it appeared.
type Param struct {
	Name, Value string
}

// Header is one header field with its name in its original case.
type Header struct {
	Name, Value string
}

// SetCookie is one parsed Set-Cookie header.
type SetCookie struct {
	Name, Value string
	// Expires is the parsed Expires attribute (zero when absent or not a
	// date); ExpiresRaw keeps the text.
	Expires    time.Time
	ExpiresRaw string
	// MaxAge is the Max-Age attribute in seconds when HasMaxAge is set.
	MaxAge    int64
	HasMaxAge bool
	Domain    string
	Path      string
	Secure    bool
	HTTPOnly  bool
	SameSite  string
	// Raw is the header value as sent.
	Raw string
}

// ExpiredAt reports whether the cookie was already expired at t: Max-Age
// <= 0, or an Expires before t when there is no Max-Age (which wins).
func (c *SetCookie) ExpiredAt(t time.Time) bool {
	if c.HasMaxAge {
		return c.MaxAge <= 0
	}
	return !c.Expires.IsZero() && c.Expires.Before(t)
}

// Message is one HTTP request or response.
type Message struct {
	// IsRequest tells a request from a response.
	IsRequest bool
	// Index counts the messages of this direction from 0.
	Index int

	// Request line: Method, URI as sent, its Path (without query and
	// fragment; for an absolute URI, the path part) and the query pairs,
	// URL-decoded, in order.
	Method string
	URI    string
	Path   string
	Query  []Param

	// Version is "HTTP/1.1" or "HTTP/1.0".
	Version string

	// Status line.
	StatusCode int
	Reason     string

	// Headers in order, names in original case.
	Headers []Header

	// Convenience copies of common headers.
	Host               string
	UserAgent          string
	Cookies            []Param
	ContentType        string
	ContentLength      int64 // -1 when absent or invalid
	ContentEncoding    string
	TransferEncoding   string
	Chunked            bool
	SetCookies         []SetCookie
	Date               time.Time // zero when absent or not a date
	DispositionName    string    // filename from Content-Disposition
	ContentDisposition string

	// Request is the request this response answers (nil for a request or
	// a response without a parsed request).
	Request *Message

	// Body is the body with transfer coding removed and content coding
	// (gzip, deflate) decompressed, up to Config.MaxBody bytes.
	Body []byte
	// BodySize is the body length on the wire (after de-chunking, before
	// decompression); BodyMissing counts bytes lost in capture gaps.
	BodySize    int64
	BodyMissing int64
	// BodyTruncated says Body holds less than the whole decoded body (a
	// cap was reached or bytes were missing).
	BodyTruncated bool
	// BodyError says why the content coding could not be undone (the
	// Body then holds the bytes as sent).
	BodyError string
	// BodyLimited says the memory budget shared with other messages
	// (Config.Budget) was used up, so Body holds less than MaxBody would
	// have kept.
	BodyLimited bool

	// Packet numbers of the head and of the body (0 when there is no body).
	HeadFirstPacket, HeadLastPacket uint64
	BodyFirstPacket, BodyLastPacket uint64
	// Stream offsets of the head, of the body and of the end of the
	// message in its direction.
	HeadOffset, BodyOffset, EndOffset int64
	// Incomplete says the stream ended or lost sync before the message
	// did.
	Incomplete bool

	badLength bool // Content-Length present but unusable

	budget *stream.Budget // Config.Budget, which kept bytes were taken from
	kept   int64
}

// Release drops the body and gives the bytes it took back to the budget
// (see Config.Budget); the rest of the message stays.
func (m *Message) Release() {
	if m.budget != nil {
		m.budget.Release(m.kept)
		m.budget, m.kept = nil, 0
	}
	m.Body = nil
}

// Header returns the value of the first header with the name, compared
// case-insensitively, or "".
func (m *Message) Header(name string) string {
	for _, h := range m.Headers {
		if strings.EqualFold(h.Name, name) {
			return h.Value
		}
	}
	return ""
}

// LastPacket is the packet that completed the message.
func (m *Message) LastPacket() uint64 {
	return max(m.HeadLastPacket, m.BodyLastPacket)
}

// PacketSpan names the frames m came in: "packet 19", or "packets 19-21"
// with dash between the first and the last.
func (m *Message) PacketSpan(dash string) string {
	if last := m.LastPacket(); last != m.HeadFirstPacket {
		return fmt.Sprintf("packets %d%s%d", m.HeadFirstPacket, dash, last)
	}
	return fmt.Sprintf("packet %d", m.HeadFirstPacket)
}
