package ui

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"thingsniff/decode"
)

// drawnTexts is every text the window draws (labels, tab titles,
// buttons), hidden ones left out.
func drawnTexts(h *harness) []string {
	var out []string
	walkShown(h, func(o fyne.CanvasObject) bool {
		if x, ok := o.(*canvas.Text); ok && x.Text != "" {
			out = append(out, x.Text)
		}
		return true
	})
	return out
}

// TestOpeningAnotherFileForgetsTheLastOne follows a stream, sorts and
// filters both tables and lists the HTTP objects, then opens another
// file: no tab keeps the old stream's title, the Stream tab is no longer
// in front, the tables show the new file unsorted and unfiltered, and the
// objects dialog of the old file is gone.
func TestOpeningAnotherFileForgetsTheLastOne(t *testing.T) {
	h := newHarness(t, fyne.NewSize(1280, 800))
	h.open(writeCapture(t, false))
	fv := h.u.flows
	dns := -1
	for r := range len(fv.flows) {
		if f := fv.flows[fv.flowAt(r)]; f.Proto == decode.ProtoUDP && f.Server.Port() == 53 {
			dns = r
		}
	}
	fv.table.Select(widget.TableCellID{Row: dns, Col: fcFollow})
	h.settle()
	title := h.u.stream.tab.Text
	if h.u.tabs.Selected() != h.u.stream.tab || title == "Stream" || !slices.Contains(drawnTexts(h), title) {
		t.Fatalf("following the DNS flow: tab %q in front %v, drawn %v", title, h.u.tabs.Selected() == h.u.stream.tab, drawnTexts(h))
	}
	fv.sortBy(fcBytes)
	test.Type(fv.filter, "udp")
	h.u.packets.sortBy(5)
	h.u.exportObjectsDialog()
	h.settle()

	other := filepath.Join(t.TempDir(), "other.pcapng")
	if err := os.WriteFile(other, buildCaptureN(t, false, 2), 0o600); err != nil {
		t.Fatal(err)
	}
	h.open(other)
	texts := drawnTexts(h)
	if slices.Contains(texts, title) || h.u.stream.tab.Text != "Stream" {
		t.Errorf("the old stream's title %q is still drawn (tab says %q)", title, h.u.stream.tab.Text)
	}
	if h.u.tabs.Selected() == h.u.stream.tab {
		t.Error("the window stays on an empty Stream tab")
	}
	if fv.filter.Text != "" || fv.text != "" || fv.sortCol != -1 || fv.order != nil {
		t.Errorf("flows keep the old file's filter %q / sort column %d", fv.filter.Text, fv.sortCol)
	}
	if rows, _ := fv.length(); rows != len(fv.flows) || rows == 0 {
		t.Errorf("flows show %d of %d", rows, len(fv.flows))
	}
	p := h.u.packets
	if p.sort.col != -1 || p.order != nil || p.n != 2*len(testPackets()) {
		t.Errorf("packets keep the old sort (column %d) or miss rows (%d)", p.sort.col, p.n)
	}
	if h.w.Canvas().Overlays().Top() != nil || h.u.objects != nil {
		t.Error("the old file's Export Objects dialog stays open")
	}
}
