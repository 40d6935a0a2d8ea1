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
	_, last := p.visibleRows()
	return last
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
	if p.follow.Checked {
		t.Fatal("a saved file should open at its first packet, not follow the newest")
	}
	// The user asks to follow, as a live capture or a pipe does itself.
	p.follow.SetChecked(true)
	batches := 0
	// While nobody scrolls, each batch brings the newest row into view.
	for batches < 4 && h.q.Step() {
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
	h.q.Drain()
	if p.n != 200*len(testPackets()) {
		t.Fatalf("%d rows after the load", p.n)
	}
	if got := p.visibleMax(); got > 60 {
		t.Errorf("the user scrolled to the top, yet row %d is on screen", got)
	}
	if p.follow.Checked {
		t.Error("scrolling up should turn Follow new packets off")
	}
}

func TestKeysAndGoToKeepSelectionInView(t *testing.T) {
	h := newHarness(t, fyne.NewSize(1000, 600))
	path := filepath.Join(t.TempDir(), "long.pcapng")
	if err := os.WriteFile(path, buildCaptureN(t, false, 300), 0o600); err != nil {
		t.Fatal(err)
	}
	h.open(path)
	p := h.u.packets
	inView := func(row int) bool {
		first, last := p.visibleRows()
		return row >= first && row <= last
	}
	key := func(k fyne.KeyName) { p.table.TypedKey(&fyne.KeyEvent{Name: k}) }
	key(fyne.KeyHome)
	if p.selected != 0 || !inView(0) {
		t.Fatalf("Home selected packet %d", p.selected+1)
	}
	key(fyne.KeyDown)
	key(fyne.KeyDown)
	if p.selected != 2 {
		t.Errorf("two Downs from the first packet selected packet %d", p.selected+1)
	}
	key(fyne.KeyEnd)
	last := p.n - 1
	if p.selected != last || !inView(last) {
		t.Errorf("End selected packet %d (want %d), on screen: %v", p.selected+1, last+1, inView(last))
	}
	key(fyne.KeyPageUp)
	if p.selected >= last || !inView(p.selected) {
		t.Errorf("Page Up went to packet %d, on screen: %v", p.selected+1, inView(p.selected))
	}
	for _, no := range []int{2000, 17, 3800} {
		if err := p.goTo(no); err != nil {
			t.Fatal(err)
		}
		if p.selected != no-1 || !inView(no-1) {
			t.Errorf("go to %d selected %d, on screen: %v", no, p.selected+1, inView(no-1))
		}
	}
}
