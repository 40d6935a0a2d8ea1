package httpmsg

import (
	"strings"
	"testing"

	"thingsniff/decode/stream"
)

// TestWriteMessageOfAFlow reassembles a flow and writes its messages as
// `thingsniff follow --format http` does.
func TestWriteMessageOfAFlow(t *testing.T) {
	segs := []stream.Segment{
		{Dir: stream.ClientToServer, Seq: 10, Flags: stream.SYN, Packet: 1},
		{Dir: stream.ServerToClient, Seq: 50, Flags: stream.SYN | stream.ACK, Packet: 2},
		{Dir: stream.ClientToServer, Seq: 11, Payload: []byte("GET /liveupdate.jsp?model=BD HTTP/1.1\r\nHost: u.example\r\n\r\n"), Packet: 3},
		{Dir: stream.ServerToClient, Seq: 51, Payload: []byte("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 11\r\n\r\n[NO UPDATE]"), Packet: 4},
		{Dir: stream.ServerToClient, Seq: 146, Payload: []byte("HTTP/1.1 200 OK\r\nContent-Type: image/png\r\nContent-Length: 4\r\n\r\n\x89PNG"), Packet: 5},
	}
	var b strings.Builder
	conv := NewConversation(Config{}, func(m *Message) error { return WriteMessage(&b, m, 1000) })
	r := stream.NewReassembler(stream.Config{}, conv.Chunk)
	for _, s := range segs {
		if err := r.Add(s); err != nil {
			t.Fatal(err)
		}
	}
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	if err := conv.Close(); err != nil {
		t.Fatal(err)
	}
	want := "--- request 1, packet 3 ---\nGET /liveupdate.jsp?model=BD HTTP/1.1\nHost: u.example\n\n" +
		"--- response 1, packet 4 ---\nHTTP/1.1 200 OK\nContent-Type: text/plain\nContent-Length: 11\n\n[NO UPDATE]\n" +
		"--- response 2, packet 5 ---\nHTTP/1.1 200 OK\nContent-Type: image/png\nContent-Length: 4\n\n[4 bytes of image/png]\n"
	if got := b.String(); got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
}

func TestIsText(t *testing.T) {
	for _, c := range []struct {
		ct   string
		body string
		want bool
	}{
		{"text/html; charset=utf-8", "\x00", true},
		{"application/json", "{}", true},
		{"image/png", "abc", false},
		{"", "plain words\n", true},
		{"", "\x89PNG\x00", false},
		{"application/octet-stream", "ok", true},
	} {
		if got := IsText(c.ct, []byte(c.body)); got != c.want {
			t.Errorf("IsText(%q, %q) = %v", c.ct, c.body, got)
		}
	}
}
