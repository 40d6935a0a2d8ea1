package ui

import (
	"strconv"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
)

// headerOf finds the packet list's header cell whose title starts with
// title, as drawn in the window.
func headerOf(t *testing.T, h *harness, title string) *headerButton {
	t.Helper()
	var found *headerButton
	walk(h.u.packets.table, func(o fyne.CanvasObject) {
		if b, ok := o.(*headerButton); ok && found == nil && strings.HasPrefix(b.label.Text, title) {
			found = b
		}
	})
	if found == nil {
		t.Fatalf("no %q header in the packet list", title)
	}
	return found
}

// columnTexts returns a column of the first rows of the packet list, as the
// table would draw them.
func columnTexts(h *harness, col, rows int) []string {
	// The first look asks the row worker for the rows it has not made.
	for r := range rows {
		cellOf(h.u.packets.updateCell, r, col)
	}
	h.settle()
	var out []string
	for r := range rows {
		text, _ := cellOf(h.u.packets.updateCell, r, col)
		out = append(out, text)
	}
	return out
}

// TestPacketsSortByHeader taps the Length title of the packet list: the
// rows sort by length off the UI goroutine, then the other way, then
// back to capture order, with the arrow on the title; the selected
// packet stays selected and the keys move through the sorted rows.
func TestPacketsSortByHeader(t *testing.T) {
	h := newHarness(t, fyne.NewSize(1200, 700))
	h.open(writeLongCapture(t))
	p := h.u.packets
	if err := p.goTo(8); err != nil {
		t.Fatal(err)
	}
	h.settle()
	lengths := func() []int {
		var out []int
		for _, s := range columnTexts(h, 5, 40) {
			v, err := strconv.Atoi(s)
			if err != nil {
				t.Fatalf("length %q: %v", s, err)
			}
			out = append(out, v)
		}
		return out
	}
	started := 0
	p.sortStart = func() { started++ }
	test.Tap(headerOf(t, h, "Length"))
	if started != 1 || p.order != nil {
		t.Fatalf("the tap started %d sorts; order set before the worker finished: %v", started, p.order != nil)
	}
	h.settle()
	asc := lengths()
	for k := 1; k < len(asc); k++ {
		if asc[k] < asc[k-1] {
			t.Fatalf("ascending by length: %v", asc)
		}
	}
	if got := headerOf(t, h, "Length").label.Text; got != "Length ↑" {
		t.Errorf("sorted title %q", got)
	}
	if p.selected != 7 || p.packetAt(p.rowOf(7)) != 7 {
		t.Errorf("packet 8 is no longer selected after the sort (selected %d)", p.selected+1)
	}
	row := p.rowOf(7)
	p.table.TypedKey(&fyne.KeyEvent{Name: fyne.KeyDown})
	if p.selected != p.packetAt(row+1) {
		t.Errorf("Down went to packet %d, want the next sorted row's %d", p.selected+1, p.packetAt(row+1)+1)
	}

	test.Tap(headerOf(t, h, "Length"))
	h.settle()
	desc := lengths()
	for k := 1; k < len(desc); k++ {
		if desc[k] > desc[k-1] {
			t.Fatalf("descending by length: %v", desc)
		}
	}
	if desc[0] <= asc[0] {
		t.Errorf("descending starts at %d, ascending at %d", desc[0], asc[0])
	}
	test.Tap(headerOf(t, h, "Length"))
	h.settle()
	for k, s := range columnTexts(h, 0, 40) {
		if s != strconv.Itoa(k+1) {
			t.Fatalf("third tap: row %d shows packet %s, want capture order", k, s)
		}
	}
	if got := headerOf(t, h, "Length").label.Text; got != "Length" {
		t.Errorf("unsorted title %q", got)
	}

	// A filter keeps the sort: its packets come sorted too.
	test.Tap(headerOf(t, h, "Source"))
	test.Tap(headerOf(t, h, "Source"))
	p.setFilter("tcp")
	h.settle()
	src := columnTexts(h, 2, len(p.shown))
	for k := 1; k < len(src); k++ {
		if addrLess(src[k-1], src[k]) {
			t.Fatalf("filtered rows not descending by source: %q before %q", src[k-1], src[k])
		}
	}
	if len(p.order) != len(p.shown) {
		t.Errorf("sorted %d of the filter's %d packets", len(p.order), len(p.shown))
	}
}

// addrLess compares the test network's dotted addresses by value.
func addrLess(a, b string) bool {
	pa, pb := strings.Split(a, "."), strings.Split(b, ".")
	for k := range min(len(pa), len(pb)) {
		x, _ := strconv.Atoi(pa[k])
		y, _ := strconv.Atoi(pb[k])
		if x != y {
			return x < y
		}
	}
	return false
}
