package httpmsg

import "testing"

func TestParseHead(t *testing.T) {
	m, ok := ParseHead([]byte("GET /liveupdate.jsp?model=BD HTTP/1.1\r\nHost: liveupdate.samsung.example\r\nUser-Agent: x\r\n\r\nbody"))
	if !ok || !m.IsRequest || m.Method != "GET" || m.Host != "liveupdate.samsung.example" || m.URI != "/liveupdate.jsp?model=BD" {
		t.Errorf("request: %v %+v", ok, m)
	}
	m, ok = ParseHead([]byte("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n"))
	if !ok || m.IsRequest || m.StatusCode != 404 || m.ContentLength != 0 {
		t.Errorf("response: %v %+v", ok, m)
	}
	for _, b := range []string{"GET / HTTP/1.1\r\nHost: a\r\n", "\x16\x03\x01\x00\x10", "hello world\r\n\r\n", "HTTP/1.1 abc\r\n\r\n", ""} {
		if _, ok := ParseHead([]byte(b)); ok {
			t.Errorf("%q taken for a whole head", b)
		}
	}
}

// FuzzParseHead: any bytes are a head or not, without panicking.
func FuzzParseHead(f *testing.F) {
	f.Add([]byte("GET / HTTP/1.1\r\nHost: a\r\n\r\n"))
	f.Add([]byte("HTTP/1.0 200 OK\n\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		if m, ok := ParseHead(b); ok && m == nil {
			t.Fatal("ok without a message")
		}
	})
}
