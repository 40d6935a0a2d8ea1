package ui

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"fyne.io/fyne/v2"

	"thingsniff/app"
)

// visibleMax returns the highest packet-list row on screen.
func (p *packetsView) visibleMax() int {
	p.probing, p.probeMax = true, -1
	p.table.Refresh()
	p.probing = false
	return p.probeMax
}

func TestFollowNewPackets(t *testing.T) {
	h := newHarnessWith(t, fyne.NewSize(1000, 600), app.Options{FirstRows: 100, Interval: time.Nanosecond})
	path := filepath.Join(t.TempDir(), "long.pcapng")
	if err := os.WriteFile(path, buildCaptureN(t, false, 200), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := h.u.Open(path); err != nil {
		t.Fatal(err)
	}
	h.u.session.Current().Wait()
	p := h.u.packets
	batches := 0
	// While nobody scrolls, each batch brings the newest row into view.
	for batches < 4 && h.q.step() {
		batches++
		if got := p.visibleMax(); got < p.n-1 {
			t.Fatalf("after batch %d with %d rows the last row on screen is %d", batches, p.n, got)
		}
	}
	if batches < 4 || p.n >= 200*len(testPackets()) {
		t.Fatalf("want several batches before the end, got %d with %d rows", batches, p.n)
	}
	// Once the user scrolls up, new rows do not pull the view down.
	p.table.ScrollToTop()
	h.q.drain()
	if p.n != 200*len(testPackets()) {
		t.Fatalf("%d rows after the load", p.n)
	}
	if got := p.visibleMax(); got > 60 {
		t.Errorf("the user scrolled to the top, yet row %d is on screen", got)
	}
}
