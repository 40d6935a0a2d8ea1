package stream

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"
)

// collect runs segs through a reassembler and returns its chunks (data
// copied) and stats.
func collect(t *testing.T, cfg Config, segs ...Segment) ([]Chunk, Stats) {
	t.Helper()
	var out []Chunk
	r := NewReassembler(cfg, func(c Chunk) error {
		if c.Data != nil {
			c.Data = bytes.Clone(c.Data)
		}
		out = append(out, c)
		return nil
	})
	for _, s := range segs {
		if err := r.Add(s); err != nil {
			t.Fatalf("Add(packet %d): %v", s.Packet, err)
		}
	}
	if err := r.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if r.Buffered() != 0 {
		t.Errorf("Buffered after Close = %d, want 0", r.Buffered())
	}
	return out, r.Stats()
}

// show renders chunks compactly: C"abc"#3 is client data from packet 3,
// S<gap 4> a server gap, ! marks a conflict, ~ a given-up gap, ^ a gap cut
// by the snap length.
func show(chunks []Chunk) string {
	var b strings.Builder
	for i, c := range chunks {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(strings.ToUpper(c.Dir.String()[:1]))
		switch {
		case c.Data != nil:
			fmt.Fprintf(&b, "%q#%d", c.Data, c.LastPacket)
		case c.Gap > 0:
			fmt.Fprintf(&b, "<gap %d>", c.Gap)
		case c.FIN:
			fmt.Fprintf(&b, "<fin>#%d", c.LastPacket)
		case c.RST:
			fmt.Fprintf(&b, "<rst>#%d", c.LastPacket)
		default:
			b.WriteString("<dup>")
		}
		if c.Conflict {
			b.WriteByte('!')
		}
		if c.GivenUp {
			b.WriteByte('~')
		}
		if c.Truncated {
			b.WriteByte('^')
		}
	}
	return b.String()
}

func cli(pkt uint64, seq uint32, data string, fl ...Flags) Segment {
	return seg(ClientToServer, pkt, seq, data, fl...)
}

func srv(pkt uint64, seq uint32, data string, fl ...Flags) Segment {
	return seg(ServerToClient, pkt, seq, data, fl...)
}

func seg(d Dir, pkt uint64, seq uint32, data string, fl ...Flags) Segment {
	s := Segment{Dir: d, Seq: seq, Packet: pkt}
	if data != "" {
		s.Payload = []byte(data)
	}
	for _, f := range fl {
		s.Flags |= f
	}
	return s
}

func acking(s Segment, ack uint32) Segment {
	s.Flags |= ACK
	s.Ack = ack
	return s
}

func TestReassembler(t *testing.T) {
	wrapISN := uint32(0xfffffff8)
	tests := []struct {
		name string
		cfg  Config
		segs []Segment
		want string
	}{
		{
			name: "handshake and exchange in order",
			segs: []Segment{
				cli(1, 100, "", SYN), srv(2, 500, "", SYN, ACK), cli(3, 101, "", ACK),
				cli(4, 101, "GET /"), srv(5, 501, "200 OK"), cli(6, 106, "GET /2"), srv(7, 507, "404"),
			},
			want: `C"GET /"#4 S"200 OK"#5 C"GET /2"#6 S"404"#7`,
		},
		{
			name: "retransmission with the same bytes is dropped",
			segs: []Segment{cli(1, 100, "", SYN), cli(2, 101, "abc"), cli(3, 101, "abc"), cli(4, 104, "def")},
			want: `C"abc"#2 C"def"#4`,
		},
		{
			name: "retransmission with different bytes is flagged, first copy wins",
			segs: []Segment{cli(1, 100, "", SYN), cli(2, 101, "abc"), cli(3, 101, "xyz"), cli(4, 104, "def")},
			want: `C"abc"#2 C<dup>! C"def"#4`,
		},
		{
			name: "partial overlap delivers only the new tail",
			segs: []Segment{cli(1, 100, "", SYN), cli(2, 101, "abcdef"), cli(3, 104, "defgh")},
			want: `C"abcdef"#2 C"gh"#3`,
		},
		{
			name: "partial overlap with different old bytes is flagged",
			segs: []Segment{cli(1, 100, "", SYN), cli(2, 101, "abcdef"), cli(3, 104, "dXfgh")},
			want: `C"abcdef"#2 C"gh"#3!`,
		},
		{
			name: "out of order segments are put in place when the hole fills",
			segs: []Segment{cli(1, 100, "", SYN), cli(2, 107, "ghi"), cli(3, 104, "def"), cli(4, 101, "abc")},
			want: `C"abc"#4 C"def"#3 C"ghi"#2`,
		},
		{
			name: "buffered segments stay separate chunks, like tshark's records",
			segs: []Segment{cli(1, 100, "", SYN), cli(2, 104, "def"), cli(3, 107, "ghi"), cli(4, 101, "abc")},
			want: `C"abc"#4 C"def"#2 C"ghi"#3`,
		},
		{
			name: "overlapping buffered copies: the one the stream reaches goes whole, the other is checked",
			segs: []Segment{cli(1, 100, "", SYN), cli(2, 104, "def"), cli(3, 103, "XYZWV"), cli(4, 101, "ab")},
			want: `C"ab"#4 C"XYZWV"#3 C<dup>!`,
		},
		{
			name: "in-order copy overlapping buffered bytes is delivered whole (as tshark)",
			segs: []Segment{cli(1, 100, "", SYN), cli(2, 104, "dXf"), cli(3, 101, "abcdef"), cli(4, 107, "g")},
			want: `C"abcdef"#3 C<dup>! C"g"#4`,
		},
		{
			name: "buffered copies at one offset: the earlier arrival wins",
			segs: []Segment{cli(1, 100, "", SYN), cli(2, 104, "def"), cli(3, 104, "dXfg"), cli(4, 101, "abc")},
			want: `C"abc"#4 C"def"#2 C"g"#3!`,
		},
		{
			name: "hole acknowledged by the receiver becomes a gap",
			segs: []Segment{
				cli(1, 100, "", SYN), srv(2, 900, "", SYN, ACK), cli(3, 101, "aaa"), cli(4, 107, "ccc"),
				acking(srv(5, 901, ""), 104), acking(srv(6, 901, ""), 110), cli(7, 110, "ddd"),
			},
			want: `C"aaa"#3 C<gap 3> C"ccc"#4 C"ddd"#7`,
		},
		{
			name: "hole never filled becomes a gap at the end",
			segs: []Segment{cli(1, 100, "", SYN), cli(2, 101, "aaa"), cli(3, 110, "ccc"), srv(4, 900, "ok")},
			want: `C"aaa"#2 S"ok"#4 C<gap 6> C"ccc"#3`,
		},
		{
			name: "sequence numbers wrap around 2^32",
			segs: []Segment{
				cli(1, wrapISN, "", SYN), cli(2, wrapISN+1, "0123"), cli(3, wrapISN+9, "89ab"), // wraps to 1
				cli(4, wrapISN+5, "4567"), cli(5, wrapISN+13, "cdef"),
			},
			want: `C"0123"#2 C"4567"#4 C"89ab"#3 C"cdef"#5`,
		},
		{
			name: "no SYN: the first sequence seen starts the stream, older bytes are dropped",
			segs: []Segment{cli(1, 5000, "mid"), srv(2, 7000, "reply"), cli(3, 4990, "0123456789"), cli(4, 5003, "dle")},
			want: `C"mid"#1 S"reply"#2 C"dle"#4`,
		},
		{
			name: "no SYN and a retransmission straddling the start",
			segs: []Segment{cli(1, 5000, "mid"), cli(2, 4998, "xxmidnight")},
			want: `C"mid"#1 C"night"#2`,
		},
		{
			name: "FIN before the data it follows: order restored",
			segs: []Segment{cli(1, 100, "", SYN), cli(2, 101, "abc"), cli(3, 107, "ghi", FIN), cli(4, 104, "def")},
			want: `C"abc"#2 C"def"#4 C"ghi"#3 C<fin>#3`,
		},
		{
			name: "FIN before data that never comes: gap before the FIN's data",
			segs: []Segment{cli(1, 100, "", SYN), cli(2, 101, "abc"), cli(3, 107, "ghi", FIN)},
			want: `C"abc"#2 C<gap 3> C"ghi"#3 C<fin>#3`,
		},
		{
			name: "bare FIN beyond the data: gap up to the FIN",
			segs: []Segment{cli(1, 100, "", SYN), cli(2, 101, "abc"), cli(3, 110, "", FIN)},
			want: `C"abc"#2 C<gap 6> C<fin>#3`,
		},
		{
			name: "RST is marked; later data still counts",
			segs: []Segment{cli(1, 100, "", SYN), cli(2, 101, "abc"), srv(3, 900, "", RST), cli(4, 104, "def")},
			want: `C"abc"#2 S<rst>#3 C"def"#4`,
		},
		{
			name: "FIN is marked when the stream reaches it, in capture order",
			segs: []Segment{
				cli(1, 100, "", SYN), srv(2, 900, "", SYN, ACK), cli(3, 101, "q"), srv(4, 901, "a", FIN), cli(5, 102, "", FIN),
			},
			want: `C"q"#3 S"a"#4 S<fin>#4 C<fin>#5`,
		},
		{
			name: "SYN with data (TCP Fast Open)",
			segs: []Segment{cli(1, 100, "hello", SYN), srv(2, 900, "", SYN, ACK), cli(3, 106, "world")},
			want: `C"hello"#1 C"world"#3`,
		},
		{
			name: "memory cap gives up the oldest hole",
			cfg:  Config{MaxBuffered: 2*fragOverhead + 8},
			segs: []Segment{
				cli(1, 100, "", SYN), cli(2, 101, "a"), cli(3, 103, "cc"), cli(4, 106, "ff"), cli(5, 109, "ii"), cli(6, 102, "b"),
			},
			want: `C"a"#2 C<gap 1>~ C"cc"#3 C<gap 1> C"ff"#4 C<gap 1> C"ii"#5`,
		},
		{
			name: "fragment count cap gives up the oldest hole",
			cfg:  Config{MaxFragments: 1},
			segs: []Segment{cli(1, 100, "", SYN), cli(2, 103, "c"), cli(3, 105, "e")},
			want: `C<gap 2>~ C"c"#2 C<gap 1> C"e"#3`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, _ := collect(t, tt.cfg, tt.segs...)
			if s := show(got); s != tt.want {
				t.Errorf("chunks\n got %s\nwant %s", s, tt.want)
			}
			checkOffsets(t, got)
		})
	}
}

// checkOffsets verifies that each direction's chunks tile the stream.
func checkOffsets(t *testing.T, chunks []Chunk) {
	t.Helper()
	var next [2]int64
	for i, c := range chunks {
		if c.Data == nil && c.Gap == 0 {
			continue
		}
		if c.Offset != next[c.Dir] {
			t.Errorf("chunk %d (%s) at offset %d, want %d", i, c.Dir, c.Offset, next[c.Dir])
		}
		next[c.Dir] = c.Offset + c.Len()
	}
}

func TestReassemblerStats(t *testing.T) {
	_, st := collect(t, Config{},
		cli(1, 100, "", SYN), cli(2, 101, "abc"), cli(3, 101, "xbc"), cli(4, 110, "zz"),
		srv(5, 900, "", FIN), srv(6, 900, "", RST))
	c, s := st[ClientToServer], st[ServerToClient]
	if c.Segments != 4 || c.Bytes != 5 || c.Duplicate != 3 || c.Conflicts != 1 || c.Gaps != 1 || c.GapBytes != 6 {
		t.Errorf("client stats = %+v", c)
	}
	if !s.FIN || s.FINPacket != 5 || !s.RST || s.RSTPacket != 6 || s.Bytes != 0 {
		t.Errorf("server stats = %+v", s)
	}
}

func TestReassemblerTruncated(t *testing.T) {
	s := cli(2, 101, "abc")
	s.WireLen = 10
	got, _ := collect(t, Config{}, cli(1, 100, "", SYN), s, cli(3, 111, "z"), acking(srv(4, 900, ""), 112))
	if g, w := show(got), `C"abc"#2 C<gap 7>^ C"z"#3`; g != w {
		t.Errorf("got %s, want %s", g, w)
	}
}

func TestBudgetShared(t *testing.T) {
	b := NewBudget(3*fragOverhead + 30)
	var chunks [2][]Chunk
	var rs [2]*Reassembler
	for i := range rs {
		rs[i] = NewReassembler(Config{Budget: b}, func(c Chunk) error {
			if c.Data != nil {
				c.Data = bytes.Clone(c.Data)
			}
			chunks[i] = append(chunks[i], c)
			return nil
		})
		rs[i].Add(cli(1, 100, "", SYN))
	}
	ten := strings.Repeat("x", 10)
	// Flow 0 buffers two fragments; flow 1 then finds the budget short and
	// must give up its own hole, not flow 0's.
	rs[0].Add(cli(2, 111, ten))
	rs[0].Add(cli(3, 131, ten))
	rs[1].Add(cli(2, 111, ten))
	rs[1].Add(cli(3, 131, ten))
	if b.Used() > b.Limit() {
		t.Fatalf("budget used %d over limit %d", b.Used(), b.Limit())
	}
	if len(chunks[0]) != 0 {
		t.Errorf("flow 0 emitted %s before its holes filled", show(chunks[0]))
	}
	if g, w := show(chunks[1]), `C<gap 10>~ C"xxxxxxxxxx"#2`; g != w {
		t.Errorf("flow 1: got %s, want %s", g, w)
	}
	for _, r := range rs {
		r.Close()
	}
	if b.Used() != 0 {
		t.Errorf("budget used after Close = %d, want 0", b.Used())
	}
}

func TestReassemblerEmitError(t *testing.T) {
	boom := errors.New("disk full")
	r := NewReassembler(Config{}, func(Chunk) error { return boom })
	if err := r.Add(cli(1, 100, "abc")); !errors.Is(err, boom) {
		t.Fatalf("Add = %v, want %v", err, boom)
	}
	if err := r.Add(cli(2, 103, "def")); !errors.Is(err, boom) {
		t.Errorf("second Add = %v, want the first error", err)
	}
	if err := r.Close(); !errors.Is(err, boom) {
		t.Errorf("Close = %v", err)
	}
	if err := r.Add(cli(3, 106, "x")); err == nil {
		t.Error("Add after Close succeeded")
	}
}

func TestHistoryGrowsAndChecks(t *testing.T) {
	var h history
	h.max = 16 << 10
	var all []byte
	for i := range 3000 {
		p := []byte(fmt.Sprintf("<%d>", i))
		h.write(int64(len(all)), p)
		all = append(all, p...)
	}
	if len(h.buf) != h.max {
		t.Fatalf("history size %d, want %d", len(h.buf), h.max)
	}
	tail := int64(len(all)) - 100
	if !h.matches(tail, all[tail:]) {
		t.Error("recent bytes do not match themselves")
	}
	bad := bytes.Clone(all[tail:])
	bad[50] ^= 1
	if h.matches(tail, bad) {
		t.Error("changed byte not detected")
	}
	old := bytes.Clone(all[:10])
	old[0] ^= 1
	if !h.matches(0, old) {
		t.Error("bytes no longer kept must count as matching")
	}
}

func TestDatagrams(t *testing.T) {
	var got []string
	u := NewDatagrams(func(c Chunk) error {
		got = append(got, fmt.Sprintf("%s@%d:%s#%d", c.Dir, c.Offset, c.Data, c.FirstPacket))
		return nil
	})
	u.Add(ClientToServer, []byte("q1"), 1)
	u.Add(ServerToClient, []byte("answer"), 2)
	u.Add(ClientToServer, []byte("q2"), 3)
	want := "client@0:q1#1 server@0:answer#2 client@2:q2#3"
	if g := strings.Join(got, " "); g != want {
		t.Errorf("got %s, want %s", g, want)
	}
}

// TestNextAndWaiting checks what a caller may ask before handing on a
// segment: where a direction goes on, and whether anything is held back
// (a skipped segment out of order waits too).
func TestNextAndWaiting(t *testing.T) {
	r := NewReassembler(Config{}, func(Chunk) error { return nil })
	if _, ok := r.Next(ClientToServer); ok {
		t.Fatal("a direction that has not started has a next sequence number")
	}
	add := func(s Segment) {
		t.Helper()
		if err := r.Add(s); err != nil {
			t.Fatal(err)
		}
	}
	add(Segment{Dir: ClientToServer, Seq: 99, Flags: SYN, Packet: 1})
	add(Segment{Dir: ClientToServer, Seq: 100, Payload: []byte("GET / HTTP/1.1\r\n"), Packet: 2})
	if next, ok := r.Next(ClientToServer); !ok || next != 116 {
		t.Errorf("Next = %d, %v; want 116, true", next, ok)
	}
	if r.Waiting() {
		t.Error("waiting with nothing out of order")
	}
	add(Segment{Dir: ClientToServer, Seq: 200, Skip: 50, Packet: 3})
	if !r.Waiting() {
		t.Error("a skipped segment beyond a hole does not wait")
	}
	if next, _ := r.Next(ClientToServer); next != 116 {
		t.Errorf("Next moved to %d before the hole filled", next)
	}
	add(Segment{Dir: ClientToServer, Seq: 116, Skip: 84, Packet: 4})
	if next, _ := r.Next(ClientToServer); next != 250 || r.Waiting() {
		t.Errorf("after the hole filled: Next %d, Waiting %v; want 250, false", next, r.Waiting())
	}
	_ = r.Close()
	if _, ok := r.Next(ClientToServer); ok {
		t.Error("a closed reassembler still takes segments")
	}
}
