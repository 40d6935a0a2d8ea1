package app

import (
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"thingsniff/app/apptest"
)

// longConversation is a handshake followed by n-3 client segments of one
// byte each, 1 ms apart.
func longConversation(n int) []seg {
	segs := []seg{
		{true, "S", 1000, 0, "", 0},
		{false, "SA", 5000, 1001, "", time.Millisecond},
		{true, "A", 1001, 5001, "", 2 * time.Millisecond},
	}
	for k := range n - 3 {
		segs = append(segs, seg{true, "PA", 1001 + uint32(k), 5001, "x", time.Duration(k+3) * time.Millisecond})
	}
	return segs
}

// rowsOf loads segs and returns Rows that know the final flows, as the
// UI's Rows does after the last batch.
func rowsOf(t *testing.T, segs []seg) *Rows {
	t.Helper()
	l, batches := openAndWait(t, writeTCPCapture(t, t.TempDir(), segs))
	rows := NewRows(l)
	for _, b := range batches {
		for _, f := range b.Flows {
			rows.SetFlow(f)
		}
	}
	return rows
}

// sourceOf returns a row source over rows with all packets readable, its
// dispatch queue and a count of its ready calls.
func sourceOf(rows *Rows) (*RowSource, *apptest.Queue, *int) {
	q := &apptest.Queue{}
	readies := new(int)
	s := NewRowSource(rows, q.Dispatch, func() { *readies++ })
	s.Grow(rows.l.Index.Len())
	return s, q, readies
}

func TestRowsSourceFormatsChunksOnItsWorker(t *testing.T) {
	rows := rowsOf(t, longConversation(2500))
	s, q, readies := sourceOf(rows)
	t.Cleanup(s.Close)

	if _, ok := s.Row(1500); ok {
		t.Fatal("a row was ready before any worker ran")
	}
	// Asking again while the chunk is on its way queues nothing more.
	for range 50 {
		if _, ok := s.Row(1234); ok {
			t.Fatal("a row was ready before its chunk was handed to the UI goroutine")
		}
	}
	s.Wait()
	if got := rows.Decoded(); got != chunkRows {
		t.Fatalf("the worker decoded %d packets, want one chunk of %d", got, chunkRows)
	}
	if n := q.Len(); n != 1 {
		t.Fatalf("the worker dispatched %d times for one chunk, want once", n)
	}
	if _, ok := s.Row(1500); ok {
		t.Fatal("the chunk showed before its dispatched function ran on the UI goroutine")
	}
	q.Drain()
	if *readies != 1 {
		t.Fatalf("ready called %d times, want once", *readies)
	}
	for k := 1000; k < 2000; k++ {
		r, ok := s.Row(k)
		if !ok || r.No != strconv.Itoa(k+1) {
			t.Fatalf("line %d: %+v ready=%v", k, r, ok)
		}
	}
	if got := rows.Decoded(); got != chunkRows {
		t.Fatalf("showing formatted rows decoded %d more packets", got-chunkRows)
	}
	if _, ok := s.Row(999); ok {
		t.Fatal("a line of another chunk was ready")
	}
	// The worker's rows are the ones Rows formats on its own.
	r, _ := s.Row(1500)
	if want := rows.Row(1500); r != want {
		t.Errorf("worker's row %+v\nRows' row    %+v", r, want)
	}
	if !strings.Contains(r.Info, "Seq=1498 ") {
		t.Errorf("row 1501 lacks its relative sequence number: %q", r.Info)
	}
}

func TestRowsSourceUsesTheFlowsRecordedBeforeTheChunk(t *testing.T) {
	rows := rowsOf(t, serverHangsUp)
	s, q, _ := sourceOf(rows)
	t.Cleanup(s.Close)
	s.Row(6)
	s.Wait()
	q.Drain()
	r, ok := s.Row(6)
	if !ok || !strings.Contains(r.Info, "80 → 50000 [FIN, ACK] Seq=51 Ack=56") {
		t.Errorf("row 7 %+v ready=%v, want relative numbers from the flow", r, ok)
	}
	if r, _ := s.Row(3); r.Protocol != "HTTP" || r.Info != "GET /liveupdate.jsp?model=BD-5500 HTTP/1.1" {
		t.Errorf("row 4: %+v", r)
	}
}

func TestRowsSourceDropsLateChunksOfAClosedSource(t *testing.T) {
	rows := rowsOf(t, longConversation(1200))
	s, q, readies := sourceOf(rows)
	s.Row(10)
	s.Wait() // the chunk is formatted and on its way to the UI goroutine
	s.Close()
	q.Drain()
	if *readies != 0 || len(s.cache) != 0 {
		t.Fatalf("a closed source took a late chunk: %d ready calls, %d chunks", *readies, len(s.cache))
	}
	if _, ok := s.Row(10); ok {
		t.Fatal("a closed source returned a row")
	}
	d := rows.Decoded()
	s.Wait()
	if q.Len() != 0 || rows.Decoded() != d {
		t.Fatal("a closed source went on working")
	}

	// A source closed while its worker formats stops it: nothing arrives.
	s2, q2, readies2 := sourceOf(rows)
	s2.Row(1100)
	s2.Close()
	s2.Wait()
	q2.Drain()
	if *readies2 != 0 || len(s2.cache) != 0 {
		t.Fatalf("a source closed mid-chunk delivered it: %d ready calls", *readies2)
	}
}

func TestRowsSourceFollowsTheFilteredView(t *testing.T) {
	rows := rowsOf(t, serverHangsUp)
	s, q, _ := sourceOf(rows)
	t.Cleanup(s.Close)
	s.Row(0)
	s.Wait()
	s.Show([]int{2, 5, 8}, []int{2, 5, 8}) // the view changes while a chunk of the old one is on its way
	q.Drain()
	if _, ok := s.Row(0); ok {
		t.Fatal("a chunk of the unfiltered view showed in the filtered one")
	}
	s.Wait()
	q.Drain()
	if s.Len() != 3 {
		t.Fatalf("filtered view has %d lines, want 3", s.Len())
	}
	var got []string
	for k := range 3 {
		r, ok := s.Row(k)
		if !ok {
			t.Fatalf("line %d not ready", k)
		}
		got = append(got, r.No)
	}
	if want := []string{"3", "6", "9"}; !slices.Equal(got, want) {
		t.Errorf("filtered lines are packets %v, want %v", got, want)
	}
	if _, ok := s.Row(3); ok {
		t.Error("a line past the view's end was ready")
	}
	s.Show(nil, nil)
	if s.Len() != len(serverHangsUp) {
		t.Errorf("unfiltered view has %d lines", s.Len())
	}
}

func TestRowsSourceExtendsChunksAsTheCaptureGrows(t *testing.T) {
	rows := rowsOf(t, longConversation(1500))
	s, q, readies := sourceOf(rows)
	t.Cleanup(s.Close)
	s.Grow(400)
	s.Row(0)
	s.Wait()
	q.Drain()
	if _, ok := s.Row(399); !ok || rows.Decoded() != 400 {
		t.Fatalf("first 400 rows: ready=%v, %d decoded", ok, rows.Decoded())
	}
	if _, ok := s.Row(400); ok {
		t.Fatal("a row beyond the readable packets was ready")
	}
	s.Grow(1500)
	if _, ok := s.Row(700); ok {
		t.Fatal("a new row was ready before the worker formatted it")
	}
	if _, ok := s.Row(100); !ok {
		t.Fatal("the rows already formatted went away while the chunk grows")
	}
	s.Wait()
	q.Drain()
	if r, ok := s.Row(999); !ok || r.No != "1000" {
		t.Fatalf("row 1000: %+v ready=%v", r, ok)
	}
	if got := rows.Decoded(); got != 1000 {
		t.Errorf("growing the chunk decoded %d packets in all, want each of its 1000 once", got)
	}
	if *readies != 2 {
		t.Errorf("ready called %d times for two deliveries", *readies)
	}

	// New interfaces may change link types: formatted rows are redone.
	rows.SetInterfaces(rows.l.Interfaces())
	if _, ok := s.Row(5); ok {
		t.Fatal("a row formatted under older interfaces was still shown")
	}
	s.Wait()
	q.Drain()
	if r, ok := s.Row(5); !ok || r.No != "6" {
		t.Fatalf("row 6 after new interfaces: %+v ready=%v", r, ok)
	}
}

func TestRowsSourceKeepsFewChunksAndEvictsTheLeastRecent(t *testing.T) {
	rows := rowsOf(t, longConversation((maxChunks+1)*chunkRows))
	s, q, _ := sourceOf(rows)
	t.Cleanup(s.Close)
	load := func(c int) {
		t.Helper()
		s.Row(c * chunkRows)
		s.Wait()
		q.Drain()
		if _, ok := s.Row(c * chunkRows); !ok {
			t.Fatalf("chunk %d did not arrive", c)
		}
	}
	for c := range maxChunks {
		load(c)
	}
	load(0) // chunk 0 is shown again: chunk 1 is now the least recent
	load(maxChunks)
	if len(s.cache) != maxChunks {
		t.Fatalf("%d chunks cached, want %d", len(s.cache), maxChunks)
	}
	if _, ok := s.cache[1]; ok {
		t.Error("the least recently shown chunk was kept")
	}
	if _, ok := s.cache[0]; !ok {
		t.Error("a recently shown chunk was evicted")
	}
}

func TestRowsSourceDropsWorkScrolledFarAway(t *testing.T) {
	rows := rowsOf(t, longConversation(10*chunkRows))
	s, q, _ := sourceOf(rows)
	t.Cleanup(s.Close)
	// Hold the worker back, so the queue can be seen as requests arrive.
	s.mu.Lock()
	s.running = true
	s.mu.Unlock()
	queued := func() []int {
		s.mu.Lock()
		defer s.mu.Unlock()
		var cs []int
		for _, j := range s.want {
			cs = append(cs, j.chunk)
		}
		if len(s.busy) != len(cs) {
			t.Errorf("%d chunks marked busy, %d queued", len(s.busy), len(cs))
		}
		return cs
	}
	for _, k := range []int{0, 1500, 9500, 8500, 7500, 6500} {
		s.Row(k)
	}
	// 0 and 1 were dropped when the user jumped to 9; 9 when they
	// scrolled back to 6.
	if got, want := queued(), []int{8, 7, 6}; !slices.Equal(got, want) {
		t.Fatalf("queued chunks %v, want %v", got, want)
	}
	s.Row(8000) // chunk 8 is on screen again: it goes first
	if got, want := queued(), []int{7, 6, 8}; !slices.Equal(got, want) {
		t.Fatalf("queued chunks %v, want %v", got, want)
	}
	s.Row(5500) // 8 is now too far
	s.Row(4500) // and 7
	if got, want := queued(), []int{6, 5, 4}; !slices.Equal(got, want) {
		t.Fatalf("queued chunks %v, want %v", got, want)
	}

	// Let the worker go: the newest request is served first.
	go s.work()
	s.Wait()
	if got := rows.Decoded(); got != 3*chunkRows {
		t.Errorf("the worker decoded %d packets for three chunks", got)
	}
	var order []int
	for q.Step() {
		for c := range s.cache {
			if !slices.Contains(order, c) {
				order = append(order, c)
			}
		}
	}
	if want := []int{4, 5, 6}; !slices.Equal(order, want) {
		t.Errorf("chunks arrived in order %v, want %v", order, want)
	}
}
