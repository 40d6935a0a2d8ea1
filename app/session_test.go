package app

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"thingsniff/capture"
	"thingsniff/decode"
)

// fakeClock advances by step on every reading, so batching depends on
// the number of readings, not on the machine's speed.
type fakeClock struct {
	t    time.Time
	step time.Duration
}

func (c *fakeClock) Now() time.Time { c.t = c.t.Add(c.step); return c.t }

func openAndWait(t *testing.T, path string) (*Loaded, []Batch) {
	t.Helper()
	var batches []Batch
	clock := &fakeClock{t: time.Unix(0, 0), step: time.Millisecond}
	s := NewSession(Options{Now: clock.Now}, func(b Batch) { batches = append(batches, b) })
	t.Cleanup(s.Close)
	l, err := s.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	l.Wait()
	return l, batches
}

func TestSessionLoadsAndReportsWhoClosed(t *testing.T) {
	path := writeTCPCapture(t, t.TempDir(), serverHangsUp)
	l, batches := openAndWait(t, path)
	if len(batches) == 0 || !batches[len(batches)-1].Done {
		t.Fatalf("no final batch: %+v", batches)
	}
	last := batches[len(batches)-1]
	if last.Err != nil || last.Packets != len(serverHangsUp) || l.Index.Len() != len(serverHangsUp) {
		t.Fatalf("final batch %+v, index %d", last, l.Index.Len())
	}
	flows := map[uint32]decode.Flow{}
	for _, b := range batches {
		for _, f := range b.Flows {
			flows[f.ID] = f
		}
	}
	if len(flows) != 1 {
		t.Fatalf("%d flows, want 1", len(flows))
	}
	f := flows[1]
	if f.ClosedBy != decode.SideServer || f.Close != decode.CloseFIN {
		t.Errorf("closed by %v with %v, want server with FIN", f.ClosedBy, f.Close)
	}
	if got := f.IdleBeforeClose(); got != 42010*time.Millisecond {
		t.Errorf("idle before close %v, want 42.01s", got)
	}
	if f.Packets != [2]uint32{5, 4} || f.State != decode.StateClosed {
		t.Errorf("packets %v state %v", f.Packets, f.State)
	}
	if f.Client.String() != "192.168.137.23:50000" {
		t.Errorf("client %v", f.Client)
	}

	rows := NewRows(l)
	for _, f := range flows {
		rows.SetFlow(f)
	}
	r := rows.Row(3)
	if r.Protocol != "HTTP" || r.Info != "GET /liveupdate.jsp?model=BD-5500 HTTP/1.1" || r.Source != "192.168.137.23" {
		t.Errorf("row 4: %+v", r)
	}
	if r := rows.Row(6); !strings.Contains(r.Info, "80 → 50000 [FIN, ACK] Seq=51 Ack=56") {
		t.Errorf("row 7: %+v", r)
	}
	nodes, data, err := rows.Details(3)
	if err != nil || len(data) == 0 {
		t.Fatal(err)
	}
	joined := strings.Join(nodeTitles(nodes), "\n")
	for _, want := range []string{"Frame 4", "Ethernet II", "Internet Protocol Version 4", "Transmission Control Protocol", "GET /liveupdate.jsp?model=BD-5500 HTTP/1.1"} {
		if !strings.Contains(joined, want) {
			t.Errorf("details lack %q:\n%s", want, joined)
		}
	}
}

func TestSessionDropsBatchesOfAnOlderLoad(t *testing.T) {
	dir := t.TempDir()
	path := writeTCPCapture(t, dir, serverHangsUp)
	var queued []func()
	var got []Batch
	s := NewSession(Options{Dispatch: func(f func()) { queued = append(queued, f) }}, func(b Batch) { got = append(got, b) })
	defer s.Close()
	first, err := s.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	first.Wait()
	second, err := s.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	second.Wait()
	for _, f := range queued {
		f()
	}
	for _, b := range got {
		if b.Gen != second.Gen {
			t.Fatalf("a batch of load %d reached the UI after load %d started", b.Gen, second.Gen)
		}
	}
	if len(got) == 0 {
		t.Fatal("the current load delivered nothing")
	}
}

func TestSessionReportsTruncation(t *testing.T) {
	dir := t.TempDir()
	path := writeTCPCapture(t, dir, serverHangsUp)
	b, _ := os.ReadFile(path)
	cut := filepath.Join(dir, "cut.pcapng")
	os.WriteFile(cut, b[:len(b)-30], 0o644)
	l, batches := openAndWait(t, cut)
	last := batches[len(batches)-1]
	var te *capture.TruncatedError
	if !errors.As(last.Err, &te) {
		t.Fatalf("want a TruncatedError, got %v", last.Err)
	}
	if l.Index.Len() != len(serverHangsUp)-1 || te.Packets != len(serverHangsUp)-1 {
		t.Fatalf("%d packets before the cut (error says %d), want %d", l.Index.Len(), te.Packets, len(serverHangsUp)-1)
	}
}

func TestFilterAndSave(t *testing.T) {
	dir := t.TempDir()
	l, _ := openAndWait(t, writeTCPCapture(t, dir, serverHangsUp))
	cases := map[string][]int{
		"fin":                    {6, 7},
		"http":                   {3, 4},
		"tcp !http":              {0, 1, 2, 5, 6, 7, 8},
		"host 192.168.137.1 syn": {0, 1},
		"port 80 liveupdate":     {3},
		"flow 1 ok":              {4},
		"flow 2":                 nil,
		"frame 2,5-6":            {1, 4, 5},
		"packets 7 fin":          {6},
	}
	for expr, want := range cases {
		got, err := Filter(context.Background(), l, expr, l.Index.Len())
		if err != nil {
			t.Fatalf("%q: %v", expr, err)
		}
		if len(got) != len(want) || (len(want) > 0 && !equalInts(got, want)) {
			t.Errorf("%q: %v, want %v", expr, got, want)
		}
	}
	if _, err := Filter(context.Background(), l, "host nowhere", 1); err == nil {
		t.Error("a bad address was accepted")
	}
	for _, format := range []string{"pcapng", "pcap"} {
		out := filepath.Join(dir, "fins."+format)
		if err := SaveAs(l, out, format, []int{6, 7}); err != nil {
			t.Fatal(err)
		}
		l2, _ := openAndWait(t, out)
		if l2.Index.Len() != 2 {
			t.Fatalf("%s: saved %d packets, want 2", format, l2.Index.Len())
		}
		if a, b := l2.Index.At(0), l.Index.At(6); a.Time != b.Time || a.OrigLen != b.OrigLen || a.Flags != b.Flags {
			t.Errorf("%s: saved packet differs: %+v vs %+v", format, a, b)
		}
	}
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestStreamShowsPacketsWhileTheSenderIsQuiet feeds a capture through a
// pipe that stays open: the packets must reach the UI without waiting for
// more data or the end of the stream.
func TestStreamShowsPacketsWhileTheSenderIsQuiet(t *testing.T) {
	path := writeTCPCapture(t, t.TempDir(), serverHangsUp)
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	batches := make(chan Batch, 100)
	s := NewSession(Options{SpoolDir: t.TempDir(), Interval: 10 * time.Millisecond}, func(b Batch) { batches <- b })
	pr, pw := io.Pipe()
	go pw.Write(data) // the writer never closes: a live capture that went quiet
	l, err := s.OpenStream(pr, "stdin")
	if err != nil {
		t.Fatal(err)
	}
	deadline := time.After(30 * time.Second)
	for {
		select {
		case b := <-batches:
			if b.Done {
				t.Fatalf("the stream ended: %+v", b)
			}
			if b.Packets == len(serverHangsUp) {
				if got := NewRows(l).Row(3).Info; !strings.Contains(got, "GET /liveupdate.jsp") {
					t.Errorf("row 4 of the stream: %q", got)
				}
				pw.Close()
				s.Close()
				return
			}
		case <-deadline:
			t.Fatal("the packets of a quiet stream never reached the UI")
		}
	}
}

// nodeTitles lists the titles of a details tree, depth first.
func nodeTitles(nodes []decode.Node) []string {
	var titles []string
	for _, n := range nodes {
		titles = append(titles, n.Title)
		titles = append(titles, nodeTitles(n.Children)...)
	}
	return titles
}
