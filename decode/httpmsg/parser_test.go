package httpmsg

import (
	"bytes"
	"compress/flate"
	"compress/gzip"
	"compress/zlib"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"thingsniff/decode/stream"
)

// exchange is one side's bytes in capture order.
type exchange struct {
	dir  stream.Dir
	data string
}

// parse feeds the exchanges, each as one chunk (or byte by byte when
// split is set), and returns the messages.
func parse(t *testing.T, cfg Config, split bool, ex ...exchange) ([]*Message, *Conversation) {
	t.Helper()
	var msgs []*Message
	c := NewConversation(cfg, func(m *Message) error {
		msgs = append(msgs, m)
		return nil
	})
	var off [2]int64
	pkt := uint64(0)
	for _, e := range ex {
		pkt++
		parts := []string{e.data}
		if split {
			parts = strings.Split(e.data, "")
		}
		for _, p := range parts {
			ch := stream.Chunk{Dir: e.dir, Data: []byte(p), Offset: off[e.dir], FirstPacket: pkt, LastPacket: pkt}
			off[e.dir] += int64(len(p))
			if err := c.Chunk(ch); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	return msgs, c
}

func req(s string) exchange  { return exchange{stream.ClientToServer, s} }
func resp(s string) exchange { return exchange{stream.ServerToClient, s} }

// summary renders messages compactly for comparison.
func summary(msgs []*Message) string {
	var b strings.Builder
	for _, m := range msgs {
		if m.IsRequest {
			fmt.Fprintf(&b, "[%s %s body=%q]", m.Method, m.URI, m.Body)
		} else {
			to := "-"
			if m.Request != nil {
				to = m.Request.URI
			}
			fmt.Fprintf(&b, "[%d for %s body=%q]", m.StatusCode, to, m.Body)
		}
		if m.Incomplete {
			b.WriteString("!incomplete")
		}
	}
	return b.String()
}

func gz(s string) string {
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	w.Write([]byte(s))
	w.Close()
	return b.String()
}

func zl(s string) string {
	var b bytes.Buffer
	w := zlib.NewWriter(&b)
	w.Write([]byte(s))
	w.Close()
	return b.String()
}

func rawDeflate(s string) string {
	var b bytes.Buffer
	w, _ := flate.NewWriter(&b, flate.BestSpeed)
	w.Write([]byte(s))
	w.Close()
	return b.String()
}

func TestConversation(t *testing.T) {
	gzBody := gz("hello gzip")
	tests := []struct {
		name string
		ex   []exchange
		want string
	}{
		{
			name: "keep-alive",
			ex: []exchange{
				req("GET /a HTTP/1.1\r\nHost: x\r\n\r\n"),
				resp("HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabc"),
				req("POST /b HTTP/1.1\r\nContent-Length: 4\r\n\r\ndata"),
				resp("HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n"),
			},
			want: `[GET /a body=""][200 for /a body="abc"][POST /b body="data"][201 for /b body=""]`,
		},
		{
			name: "pipelining pairs responses in order",
			ex: []exchange{
				req("GET /1 HTTP/1.1\r\n\r\nGET /2 HTTP/1.1\r\n\r\nHEAD /3 HTTP/1.1\r\n\r\nGET /4 HTTP/1.1\r\n\r\n"),
				resp("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\n1HTTP/1.1 404 No\r\nContent-Length: 2\r\n\r\n22" +
					"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\n4"),
			},
			want: `[GET /1 body=""][GET /2 body=""][HEAD /3 body=""][GET /4 body=""]` +
				`[200 for /1 body="1"][404 for /2 body="22"][200 for /3 body=""][200 for /4 body="4"]`,
		},
		{
			name: "chunked body joined, extensions and trailers",
			ex: []exchange{
				req("GET /c HTTP/1.1\r\n\r\n"),
				resp("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\n7\r\n, world\r\n0\r\nX-Trailer: t\r\n\r\n" +
					"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"),
			},
			want: `[GET /c body=""][200 for /c body="hello, world"][200 for - body="ok"]`,
		},
		{
			name: "gzip chunked",
			ex: []exchange{
				req("GET /g HTTP/1.1\r\n\r\n"),
				resp(fmt.Sprintf("HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n%x\r\n%s\r\n%x\r\n%s\r\n0\r\n\r\n",
					5, gzBody[:5], len(gzBody)-5, gzBody[5:])),
			},
			want: `[GET /g body=""][200 for /g body="hello gzip"]`,
		},
		{
			name: "deflate, zlib-wrapped and raw",
			ex: []exchange{
				req("GET /z HTTP/1.1\r\n\r\nGET /r HTTP/1.1\r\n\r\n"),
				resp(fmt.Sprintf("HTTP/1.1 200 OK\r\nContent-Encoding: deflate\r\nContent-Length: %d\r\n\r\n%s", len(zl("zlib!")), zl("zlib!"))),
				resp(fmt.Sprintf("HTTP/1.1 200 OK\r\nContent-Encoding: deflate\r\nContent-Length: %d\r\n\r\n%s", len(rawDeflate("raw!")), rawDeflate("raw!"))),
			},
			want: `[GET /z body=""][GET /r body=""][200 for /z body="zlib!"][200 for /r body="raw!"]`,
		},
		{
			name: "304, 204 and HEAD responses have no body",
			ex: []exchange{
				req("GET /a HTTP/1.1\r\n\r\nDELETE /b HTTP/1.1\r\n\r\nHEAD /c HTTP/1.1\r\n\r\n"),
				resp("HTTP/1.1 304 Not Modified\r\nContent-Length: 50\r\n\r\n" +
					"HTTP/1.1 204 No Content\r\n\r\n" +
					"HTTP/1.1 200 OK\r\nContent-Length: 9999\r\nTransfer-Encoding: chunked\r\n\r\n"),
			},
			want: `[GET /a body=""][DELETE /b body=""][HEAD /c body=""][304 for /a body=""][204 for /b body=""][200 for /c body=""]`,
		},
		{
			name: "100-continue answers the same request as the final response",
			ex: []exchange{
				req("PUT /u HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\n"),
				resp("HTTP/1.1 100 Continue\r\n\r\n"),
				req("abc"),
				resp("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"),
			},
			want: `[100 for /u body=""][PUT /u body="abc"][200 for /u body=""]`,
		},
		{
			name: "body until close, HTTP/1.0",
			ex: []exchange{
				req("GET / HTTP/1.0\r\n\r\n"),
				resp("HTTP/1.0 200 OK\r\n\r\nall the "), resp("rest"),
			},
			want: `[GET / body=""][200 for / body="all the rest"]`,
		},
		{
			name: "bare LF line ends and blank lines between messages",
			ex: []exchange{
				req("GET /lf HTTP/1.1\nHost: h\n\n\r\n\r\nGET /2 HTTP/1.1\n\n"),
				resp("HTTP/1.1 200 OK\nContent-Length: 2\n\nok"),
			},
			want: `[GET /lf body=""][GET /2 body=""][200 for /lf body="ok"]`,
		},
		{
			name: "stream ends inside a body",
			ex: []exchange{
				req("GET /cut HTTP/1.1\r\n\r\n"),
				resp("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc"),
			},
			want: `[GET /cut body=""][200 for /cut body="abc"]!incomplete`,
		},
		{
			name: "101 switches protocols: what follows is not parsed",
			ex: []exchange{
				req("GET /ws HTTP/1.1\r\nUpgrade: websocket\r\n\r\n"),
				resp("HTTP/1.1 101 Switching Protocols\r\n\r\n\x81\x05hello"),
				req("\x81\x85garbage"),
			},
			want: `[GET /ws body=""][101 for /ws body=""]`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, split := range []bool{false, true} {
				msgs, _ := parse(t, Config{}, split, tt.ex...)
				if got := summary(msgs); got != tt.want {
					t.Errorf("split=%v\n got %s\nwant %s", split, got, tt.want)
				}
			}
		})
	}
}

func TestGarbageStopsDirection(t *testing.T) {
	for _, garbage := range []string{"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", "SSH-2.0-OpenSSH_9.0\r\n", "GET\x00/ HTTP/1.1\r\n\r\n", strings.Repeat("A", 100)} {
		msgs, c := parse(t, Config{}, false, req(garbage), resp("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nx"))
		if got := summary(msgs); got != `[200 for - body="x"]` {
			t.Errorf("%q: got %s", garbage, got)
		}
		if err := c.Stopped(stream.ClientToServer); !errors.Is(err, errNotHTTP) {
			t.Errorf("%q: Stopped = %v, want not HTTP", garbage, err)
		}
		if err := c.Stopped(stream.ServerToClient); err != nil {
			t.Errorf("%q: server side stopped: %v", garbage, err)
		}
	}
	_, c := parse(t, Config{MaxHead: 100}, false, req("GET / HTTP/1.1\r\nX: "+strings.Repeat("y", 200)+"\r\n\r\n"))
	if c.Stopped(stream.ClientToServer) == nil {
		t.Error("head over MaxHead accepted")
	}
	_, c = parse(t, Config{}, false, req("GET /a HTTP/1.1\r\n\r\n"), resp("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"))
	if c.Stopped(stream.ServerToClient) == nil {
		t.Error("bad chunk size accepted")
	}
}

func TestHeadFields(t *testing.T) {
	msgs, _ := parse(t, Config{}, false,
		req("GET http://Dev.example/live/update.jsp?model=BD%2D5500&ver=1.2&region=EU&q=a+b&flag#frag HTTP/1.1\r\n"+
			"Host: dev.example\r\nUser-Agent: Thing/1.0\r\nCookie: a=1; b = two\r\nCookie: c=3\r\nX-Folded: one\r\n two\r\n\r\n"),
		resp("HTTP/1.1 200 OK\r\nDate: Sun, 06 Nov 1994 08:49:37 GMT\r\nContent-Type: text/plain; charset=utf-8\r\n"+
			"Set-Cookie: sid=abc; Expires=Wed, 09-Jun-2010 10:18:14 GMT; Path=/; HttpOnly\r\n"+
			"Set-Cookie: pref=x; Max-Age=0; Secure; SameSite=Lax\r\n"+
			"Content-Disposition: attachment; filename=\"fw v2.bin\"\r\nContent-Length: 12\r\n\r\n[NO UPDATE]\n"))
	if len(msgs) != 2 {
		t.Fatalf("got %d messages", len(msgs))
	}
	q, r := msgs[0], msgs[1]
	if q.Method != "GET" || q.Path != "/live/update.jsp" || q.Version != "HTTP/1.1" || q.Host != "dev.example" || q.UserAgent != "Thing/1.0" {
		t.Errorf("request = %+v", q)
	}
	wantQ := []Param{{"model", "BD-5500"}, {"ver", "1.2"}, {"region", "EU"}, {"q", "a b"}, {"flag", ""}}
	if fmt.Sprint(q.Query) != fmt.Sprint(wantQ) {
		t.Errorf("query = %v, want %v", q.Query, wantQ)
	}
	if fmt.Sprint(q.Cookies) != fmt.Sprint([]Param{{"a", "1"}, {"b", "two"}, {"c", "3"}}) {
		t.Errorf("cookies = %v", q.Cookies)
	}
	if v := q.Header("x-folded"); v != "one two" {
		t.Errorf("folded header = %q", v)
	}
	if q.Headers[0].Name != "Host" {
		t.Errorf("header case not kept: %q", q.Headers[0].Name)
	}
	if r.StatusCode != 200 || r.Reason != "OK" || r.ContentType != "text/plain; charset=utf-8" || r.ContentLength != 12 {
		t.Errorf("response = %+v", r)
	}
	if !r.Date.Equal(time.Date(1994, 11, 6, 8, 49, 37, 0, time.UTC)) {
		t.Errorf("date = %v", r.Date)
	}
	if len(r.SetCookies) != 2 {
		t.Fatalf("set-cookies = %+v", r.SetCookies)
	}
	sid, pref := r.SetCookies[0], r.SetCookies[1]
	if sid.Name != "sid" || sid.Value != "abc" || !sid.Expires.Equal(time.Date(2010, 6, 9, 10, 18, 14, 0, time.UTC)) ||
		sid.Path != "/" || !sid.HTTPOnly || sid.HasMaxAge {
		t.Errorf("sid = %+v", sid)
	}
	if !sid.ExpiredAt(r.Date.AddDate(20, 0, 0)) || sid.ExpiredAt(r.Date) {
		t.Error("ExpiredAt wrong for sid")
	}
	if !pref.HasMaxAge || pref.MaxAge != 0 || !pref.Secure || pref.SameSite != "Lax" || !pref.ExpiredAt(r.Date) {
		t.Errorf("pref = %+v", pref)
	}
	if r.DispositionName != "fw v2.bin" {
		t.Errorf("disposition name = %q", r.DispositionName)
	}
	if q.HeadFirstPacket != 1 || r.HeadFirstPacket != 2 || r.BodyFirstPacket != 2 || r.BodyOffset != r.EndOffset-12 || r.HeadOffset != 0 {
		t.Errorf("packets/offsets: req %d, resp head %d body %d, offsets %d %d %d",
			q.HeadFirstPacket, r.HeadFirstPacket, r.BodyFirstPacket, r.HeadOffset, r.BodyOffset, r.EndOffset)
	}
}

func TestParseDate(t *testing.T) {
	want := time.Date(1994, 11, 6, 8, 49, 37, 0, time.UTC)
	for _, s := range []string{
		"Sun, 06 Nov 1994 08:49:37 GMT",
		"Sunday, 06-Nov-94 08:49:37 GMT",
		"Sun Nov  6 08:49:37 1994",
		"Sun, 06-Nov-1994 08:49:37 GMT",
		"06 Nov 1994 08:49:37 +0000",
		"Sun, 6 Nov 1994 8:49:37 GMT",
	} {
		got, ok := ParseDate(s)
		if !ok || !got.Equal(want) {
			t.Errorf("ParseDate(%q) = %v, %v", s, got, ok)
		}
	}
	for _, s := range []string{"", "yesterday", "Sun, 31 Feb 2010 00:00:00 GMT", "0"} {
		if got, ok := ParseDate(s); ok {
			t.Errorf("ParseDate(%q) = %v, want failure", s, got)
		}
	}
}

func TestBodyCapsAndBombs(t *testing.T) {
	var bomb bytes.Buffer
	w := gzip.NewWriter(&bomb)
	zero := make([]byte, 1<<20)
	for range 64 {
		w.Write(zero) // 64 MiB of zeros in about 64 KiB
	}
	w.Close()
	msgs, _ := parse(t, Config{MaxBody: 1 << 20}, false,
		req("GET /bomb HTTP/1.1\r\n\r\n"),
		resp(fmt.Sprintf("HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: %d\r\n\r\n%s", bomb.Len(), bomb.String())))
	r := msgs[1]
	if len(r.Body) != 1<<20 || !r.BodyTruncated || r.BodySize != int64(bomb.Len()) {
		t.Errorf("bomb: body %d bytes, truncated %v, size %d", len(r.Body), r.BodyTruncated, r.BodySize)
	}
	msgs, _ = parse(t, Config{MaxBody: 4}, false, req("GET / HTTP/1.1\r\n\r\n"), resp("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n0123456789"))
	if r := msgs[1]; string(r.Body) != "0123" || !r.BodyTruncated || r.BodySize != 10 {
		t.Errorf("capped body = %q truncated %v size %d", r.Body, r.BodyTruncated, r.BodySize)
	}
	msgs, _ = parse(t, Config{}, false, req("GET / HTTP/1.1\r\n\r\n"),
		resp("HTTP/1.1 200 OK\r\nContent-Encoding: br\r\nContent-Length: 3\r\n\r\nxyz"))
	if r := msgs[1]; string(r.Body) != "xyz" || r.BodyError == "" {
		t.Errorf("unsupported coding: body %q error %q", r.Body, r.BodyError)
	}
	msgs, _ = parse(t, Config{}, false, req("GET / HTTP/1.1\r\n\r\n"),
		resp("HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: 5\r\n\r\nnotgz"))
	if r := msgs[1]; string(r.Body) != "notgz" || r.BodyError == "" {
		t.Errorf("broken gzip: body %q error %q", r.Body, r.BodyError)
	}
}

func TestGapInBodyResyncs(t *testing.T) {
	var msgs []*Message
	c := NewConversation(Config{}, func(m *Message) error { msgs = append(msgs, m); return nil })
	srv := stream.ServerToClient
	head := "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nab"
	c.Chunk(stream.Chunk{Dir: srv, Data: []byte(head), FirstPacket: 1, LastPacket: 1})
	// 8 body bytes and 5 bytes of the next response are missing.
	c.Chunk(stream.Chunk{Dir: srv, Offset: int64(len(head)), Gap: 13, FirstPacket: 2, LastPacket: 2})
	c.Chunk(stream.Chunk{Dir: srv, Offset: int64(len(head)) + 13,
		Data: []byte("1 200 OK\r\nX: y\r\n\r\nHTTP/1.1 404 Not Found\r\nContent-Length: 1\r\n\r\nz"), FirstPacket: 3, LastPacket: 3})
	c.Close()
	if len(msgs) != 2 {
		t.Fatalf("got %d messages: %s", len(msgs), summary(msgs))
	}
	if m := msgs[0]; m.BodyMissing != 8 || !m.BodyTruncated || string(m.Body) != "ab" || m.BodySize != 10 {
		t.Errorf("first: missing %d body %q size %d", m.BodyMissing, m.Body, m.BodySize)
	}
	if m := msgs[1]; m.StatusCode != 404 || string(m.Body) != "z" {
		t.Errorf("after resync: %s", summary(msgs[1:]))
	}
}

func TestEmitErrorStops(t *testing.T) {
	boom := errors.New("full")
	c := NewConversation(Config{}, func(*Message) error { return boom })
	err := c.Chunk(stream.Chunk{Data: []byte("GET / HTTP/1.1\r\n\r\nGET /2 HTTP/1.1\r\n\r\n")})
	if !errors.Is(err, boom) {
		t.Errorf("Chunk = %v", err)
	}
}

// TestResponseBodyCapAndReusedBuffers keeps only the start of response
// bodies and reads each body into the last one's buffer: every message
// must show its own bytes while it is handed on.
func TestResponseBodyCapAndReusedBuffers(t *testing.T) {
	var got []string
	c := NewConversation(Config{MaxBody: 64, MaxResponseBody: 5, ReuseBody: true}, func(m *Message) error {
		got = append(got, fmt.Sprintf("%v %q %d", m.IsRequest, m.Body, m.BodySize))
		return nil
	})
	var off [2]int64
	for _, e := range []exchange{
		req("POST /a HTTP/1.1\r\nContent-Length: 11\r\n\r\nfirst=value"),
		resp("HTTP/1.1 200 OK\r\nContent-Length: 12\r\n\r\nhello, world"),
		req("POST /b HTTP/1.1\r\nContent-Length: 6\r\n\r\nsecond"),
		resp("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n4\r\ndefg\r\n0\r\n\r\n"),
	} {
		c.Chunk(stream.Chunk{Dir: e.dir, Data: []byte(e.data), Offset: off[e.dir]})
		off[e.dir] += int64(len(e.data))
	}
	c.Close()
	want := []string{`true "first=value" 11`, `false "hello" 12`, `true "second" 6`, `false "abcde" 7`}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("got  %q\nwant %q", got, want)
	}
}

// TestBudgetCapsBodiesAcrossConversations opens bodies on many
// conversations that share one budget: together they keep no more than
// it, a body that did not fit says so, and released bytes can be kept
// again.
func TestBudgetCapsBodiesAcrossConversations(t *testing.T) {
	budget := stream.NewBudget(64 << 10)
	var got []*Message
	cfg := Config{MaxBody: 1 << 20, Budget: budget}
	body := strings.Repeat("x", 10<<10)
	var convs []*Conversation
	for range 10 {
		c := NewConversation(cfg, func(m *Message) error { got = append(got, m); return nil })
		head := fmt.Sprintf("HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n", 10*len(body))
		if err := c.Chunk(stream.Chunk{Dir: stream.ServerToClient, Data: []byte(head + body)}); err != nil {
			t.Fatal(err)
		}
		convs = append(convs, c)
	}
	if used := (64<<10 - budget.Available()); used > 64<<10 {
		t.Fatalf("ten open bodies keep %d bytes, over the budget of %d", used, 64<<10)
	}
	for _, c := range convs {
		c.Close()
	}
	limited, whole := 0, 0
	for _, m := range got {
		if m.BodySize != int64(len(body)) {
			t.Errorf("message %d: size %d, want %d (sizes are counted beyond the budget)", m.Index, m.BodySize, len(body))
		}
		switch {
		case m.BodyLimited && m.BodyTruncated && len(m.Body) < len(body):
			limited++
		case !m.BodyLimited && len(m.Body) == len(body):
			whole++
		default:
			t.Errorf("message kept %d bytes, limited %v", len(m.Body), m.BodyLimited)
		}
	}
	if limited == 0 || whole == 0 {
		t.Errorf("%d bodies kept whole and %d limited; want some of each", whole, limited)
	}
	for _, m := range got {
		m.Release()
	}
	if used := (64<<10 - budget.Available()); used != 0 {
		t.Errorf("after every message was released the budget still holds %d bytes", used)
	}

	// A compressed body is decompressed only as far as the budget goes.
	var zipped bytes.Buffer
	w := gzip.NewWriter(&zipped)
	w.Write(make([]byte, 1<<20))
	w.Close()
	small := stream.NewBudget(128 << 10)
	msgs, _ := parse(t, Config{MaxBody: 4 << 20, Budget: small}, false, req("GET / HTTP/1.1\r\n\r\n"),
		resp(fmt.Sprintf("HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: %d\r\n\r\n%s", zipped.Len(), zipped.String())))
	if r := msgs[1]; !r.BodyLimited || !r.BodyTruncated || int64(cap(r.Body)) > 128<<10 || (128<<10-small.Available()) > 128<<10 {
		t.Errorf("gzip body under a 128 KiB budget: %d bytes kept (cap %d), limited %v, budget used %d", len(r.Body), cap(r.Body), r.BodyLimited, (128<<10 - small.Available()))
	}
}
