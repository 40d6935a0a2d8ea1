package httpmsg

import (
	"bytes"
	"fmt"
	"testing"

	"thingsniff/decode/stream"
)

// FuzzHTTP feeds arbitrary bytes to both directions in pieces, with gaps:
// the parser and the body decoder must never panic and must keep their
// caps and offsets sane.
func FuzzHTTP(f *testing.F) {
	f.Add([]byte("GET /a?b=c HTTP/1.1\r\nHost: h\r\n\r\n\xffHTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n"), uint8(7))
	f.Add([]byte("POST / HTTP/1.1\r\nContent-Length: 4\r\n\r\nbody\xffHTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: 3\r\n\r\n\x1f\x8b\x08"), uint8(3))
	f.Add([]byte("HEAD / HTTP/1.1\r\n\r\n\xffHTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nSet-Cookie: a=b; Expires=Thu, 01-Jan-70 00:00:00 GMT\r\n\r\n"), uint8(1))
	f.Fuzz(func(t *testing.T, in []byte, step uint8) {
		const maxBody = 1 << 12
		c := NewConversation(Config{MaxHead: 512, MaxBody: maxBody, MaxResponseBody: maxBody / 4, ReuseBody: step%2 == 0}, func(m *Message) error {
			if len(m.Body) > maxBody {
				t.Fatalf("body of %d bytes over the cap", len(m.Body))
			}
			if m.BodyOffset < m.HeadOffset || m.EndOffset < m.BodyOffset {
				t.Fatalf("offsets head %d body %d end %d", m.HeadOffset, m.BodyOffset, m.EndOffset)
			}
			return nil
		})
		client, server, _ := bytes.Cut(in, []byte{0xff})
		var off [2]int64
		n := int(step%16) + 1
		for i, data := range [][]byte{client, server} {
			d := stream.Dir(i)
			for k := 0; len(data) > 0; k++ {
				if k%5 == 4 {
					c.Chunk(stream.Chunk{Dir: d, Offset: off[d], Gap: int64(n)})
					off[d] += int64(n)
				}
				p := data[:min(n, len(data))]
				data = data[len(p):]
				c.Chunk(stream.Chunk{Dir: d, Offset: off[d], Data: p})
				off[d] += int64(len(p))
			}
		}
		c.Close()
	})
}

// FuzzDecodeBody runs the content decoders on arbitrary bytes under a
// small cap.
func FuzzDecodeBody(f *testing.F) {
	f.Add("gzip", []byte(gz("hello")))
	f.Add("deflate", []byte(zl("hello")))
	f.Add("deflate", []byte(rawDeflate("hello")))
	f.Add("gzip, deflate", []byte{0x1f, 0x8b})
	f.Fuzz(func(t *testing.T, coding string, body []byte) {
		m := &Message{ContentEncoding: coding}
		decodeBody(m, body, 1<<12)
		if len(m.Body) > max(1<<12, len(body)) {
			t.Fatalf("decoded %d bytes over the cap", len(m.Body))
		}
	})
}

// FuzzHTTPPieces checks that how a stream is cut into chunks changes
// nothing: the same bytes, whole or in pieces, give the same messages.
func FuzzHTTPPieces(f *testing.F) {
	f.Add([]byte("GET /a?b=c HTTP/1.1\r\nHost: h\r\n\r\n\xffHTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n"), uint8(7))
	f.Add([]byte("POST / HTTP/1.1\r\nContent-Length: 4\r\n\r\nbodyGET / HTTP/1.0\r\n\r\n\xffHTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabcHTTP/1.1 404 No\r\n\r\n"), uint8(3))
	f.Add([]byte("\r\n\r\nGET / HTTP/1.1\r\n\r\n\xffHTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nSet-Cookie: a=b\r\n\r\n"), uint8(1))
	f.Fuzz(func(t *testing.T, in []byte, step uint8) {
		parse := func(n int) []string {
			var got []string
			c := NewConversation(Config{}, func(m *Message) error {
				got = append(got, fmt.Sprintf("%v %q %q %d %q %q %v", m.IsRequest, m.Method, m.URI, m.StatusCode, m.Headers, m.Body, m.Incomplete))
				return nil
			})
			client, server, _ := bytes.Cut(in, []byte{0xff})
			for i, data := range [][]byte{client, server} {
				var off int64
				for len(data) > 0 {
					p := data[:min(n, len(data))]
					data = data[len(p):]
					c.Chunk(stream.Chunk{Dir: stream.Dir(i), Offset: off, Data: p})
					off += int64(len(p))
				}
			}
			c.Close()
			return got
		}
		whole, pieces := parse(len(in)+1), parse(int(step%16)+1)
		if fmt.Sprint(whole) != fmt.Sprint(pieces) {
			t.Fatalf("whole: %q\npieces: %q", whole, pieces)
		}
	})
}
