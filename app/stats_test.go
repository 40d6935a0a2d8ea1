package app

import (
	"context"
	"slices"
	"testing"
	"time"

	"thingsniff/capture"
	"thingsniff/capture/synth"
	"thingsniff/decode/stats"
)

// TestStatsOfALoadMatchTheCommand: the window's statistics (a pass of
// their own joined with the load's device timelines) are the headless
// command's (one pass feeding both), and the I/O series the window draws
// from the index counts every packet once.
func TestStatsOfALoadMatchTheCommand(t *testing.T) {
	path := mixFile(t, synth.Options{Packets: 20_000, Seed: 3})
	s := NewSession(Options{Devices: true, Dispatch: func(f func()) { f() }}, nil)
	defer s.Close()
	l, err := s.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	l.Wait()
	got, err := l.Stats(context.Background(), stats.Options{})
	if err != nil {
		t.Fatal(err)
	}
	c, err := capture.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	want, err := BuildStats(c, stats.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, kind := range stats.Kinds {
		g, _ := got.Tables(kind)
		w, _ := want.Tables(kind)
		for i := range w {
			if !slices.EqualFunc(g[i].Rows, w[i].Rows, slices.Equal) {
				t.Errorf("%s: the window's %d rows differ from the command's %d", w[i].Title, len(g[i].Rows), len(w[i].Rows))
			}
		}
	}
	if len(want.DNS) == 0 || len(want.HTTPRequests) == 0 || len(want.Senders) == 0 {
		t.Errorf("the mix gave %d DNS names, %d HTTP requests and %d senders; it has all three", len(want.DNS), len(want.HTTPRequests), len(want.Senders))
	}

	n := l.Index.Len()
	first, last := l.TimeSpan(n)
	io := l.IOSeries(nil, n, 100*time.Millisecond, 50)
	var packets, bytes uint64
	for _, b := range io.Buckets {
		packets += b.All.Packets
		bytes += b.All.Bytes
	}
	if packets != uint64(n) || bytes != want.Bytes || len(io.Buckets) > 50 {
		t.Errorf("the I/O series counts %d packets, %d bytes in %d buckets; the capture has %d, %d (cap 50)", packets, bytes, len(io.Buckets), n, want.Bytes)
	}
	if time.Duration(last-first) > io.Interval*time.Duration(len(io.Buckets)) {
		t.Errorf("%d buckets of %v do not span the capture's %v", len(io.Buckets), io.Interval, time.Duration(last-first))
	}
	some := []int{0, 5, n - 1}
	if io := l.IOSeries(some, n, time.Second, 1000); io.Buckets[0].First != 1 {
		t.Errorf("a series of packets 1, 6 and %d starts at packet %d", n, io.Buckets[0].First)
	}
}
