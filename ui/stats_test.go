package ui

import (
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"thingsniff/decode/stats"
)

// openStats opens the test capture and the statistic kind, and waits
// for the count.
func openStats(t *testing.T, kind string) (*harness, *statsView) {
	t.Helper()
	h := newHarness(t, fyne.NewSize(1100, 700))
	h.open(writeCapture(t, false))
	v := h.u.statsOf()
	v.show(kind)
	h.settle()
	if v.result == nil {
		t.Fatal("no statistics after the count")
	}
	return h, v
}

// rowWhere finds the row on screen whose column col holds want.
func rowWhere(t *testing.T, st *statTable, col, want string) int {
	t.Helper()
	c := -1
	for i, x := range st.t.Columns {
		if x.Name == col {
			c = i
		}
	}
	for r, k := range st.order {
		if strings.TrimSpace(st.t.Rows[k][c]) == want {
			return r
		}
	}
	t.Fatalf("no row of %s with %s %q", st.t.Title, col, want)
	return -1
}

func statCell(st *statTable, row int, col string) string {
	for i, x := range st.t.Columns {
		if x.Name == col {
			return st.t.Rows[st.order[row]][i]
		}
	}
	return ""
}

// TestStatsRowShowsItsPackets: a click on a statistic's row shows as
// many packets as the row counts.
func TestStatsRowShowsItsPackets(t *testing.T) {
	h, v := openStats(t, "conversations")
	conv := v.panes["conversations"].tables[0]
	for _, c := range []struct{ col, val string }{{"b", "203.0.113.80:80"}, {"b", "203.0.113.80"}} {
		r := rowWhere(t, conv, c.col, c.val)
		conv.selected(widget.TableCellID{Row: r})
		h.settle()
		want, _ := strconv.Atoi(statCell(conv, r, "packets"))
		if got := len(h.u.packets.shown); got != want || want == 0 {
			t.Errorf("%s %s: the packet list shows %d packets (filter %q); the row counts %d", c.col, c.val, got, h.u.packets.expr, want)
		}
	}
	ep := v.panes["endpoints"].tables[0]
	r := rowWhere(t, ep, "address", "198.51.100.7")
	ep.selected(widget.TableCellID{Row: r})
	h.settle()
	if want, _ := strconv.Atoi(statCell(ep, r, "packets")); len(h.u.packets.shown) != want {
		t.Errorf("endpoint 198.51.100.7: %d packets shown, the row counts %d", len(h.u.packets.shown), want)
	}
	if h.u.tabs.SelectedIndex() != 0 {
		t.Error("a click on a statistic did not bring the packet list to the front")
	}
}

// TestExpertRowShowsItsPackets: every item of the expert information
// shows, when clicked, as many packets as it counts: its filter selects
// what it counted.
func TestExpertRowShowsItsPackets(t *testing.T) {
	h, v := openStats(t, "expert")
	st := v.panes["expert"].tables[0]
	if len(st.order) == 0 {
		t.Fatal("no expert items for a capture with a reset and a handshake")
	}
	rowWhere(t, st, "summary", "Connection reset (RST)")
	for r := range st.order {
		st.selected(widget.TableCellID{Row: r})
		h.settle()
		want, _ := strconv.Atoi(statCell(st, r, "packets"))
		if got := len(h.u.packets.shown); got != want || want == 0 {
			t.Errorf("%q: the packet list shows %d packets (filter %q); the item counts %d", statCell(st, r, "summary"), got, h.u.packets.expr, want)
		}
	}
}

// TestStatsSortAndExport: a tap on a numeric column title puts the
// busiest row first; the CSV saved holds the rows in the order shown.
func TestStatsSortAndExport(t *testing.T) {
	_, v := openStats(t, "endpoints")
	ep := v.panes["endpoints"].tables[0]
	col := 3 // bytes
	if ep.t.Columns[col].Name != "bytes" {
		t.Fatalf("column %d is %q", col, ep.t.Columns[col].Name)
	}
	ep.sortBy(col)
	most := 0
	for _, row := range ep.t.Rows {
		n, _ := strconv.Atoi(row[col])
		most = max(most, n)
	}
	if got := statCell(ep, 0, "bytes"); got != strconv.Itoa(most) {
		t.Errorf("sorted by bytes, the first row has %s; the most is %d", got, most)
	}
	ep.sortBy(col) // again: ascending
	if got := statCell(ep, len(ep.order)-1, "bytes"); got != strconv.Itoa(most) {
		t.Errorf("sorted by bytes ascending, the last row has %s; want %d", got, most)
	}
	path := filepath.Join(t.TempDir(), "e.csv")
	if err := writeCSV(path, []*stats.Table{ep.sorted()}); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if len(lines) != len(ep.t.Rows)+1 || !strings.HasPrefix(lines[len(lines)-1], statCell(ep, len(ep.order)-1, "type")+","+statCell(ep, len(ep.order)-1, "address")+",") {
		t.Errorf("CSV of %d lines ends %q; want a header and %d rows in the order shown", len(lines), lines[len(lines)-1], len(ep.t.Rows))
	}
}

func TestStatsGolden(t *testing.T) {
	h, _ := openStats(t, "protocols")
	test.AssertRendersToMarkup(t, "stats_protocols.xml", h.w.Canvas())
}

// TestCaptureFilePropertiesDialog opens Statistics → Capture file
// properties with a filter on, as Ctrl+Alt+Shift+C does: the dialog
// names the file's writer and interface, counts every packet and the
// shown ones apart, and Copy puts the same facts on the clipboard.
func TestCaptureFilePropertiesDialog(t *testing.T) {
	h := newHarness(t, fyne.NewSize(1100, 700))
	h.open(writeCapture(t, false))
	h.u.packets.setFilter("tcp")
	h.settle()
	shown := len(h.u.packets.shown)
	h.w.Canvas().(interface{ TypedShortcut(fyne.Shortcut) }).TypedShortcut(propertiesShortcut())
	h.settle()
	top := h.w.Canvas().Overlays().Top()
	if top == nil {
		t.Fatal("no dialog opened")
	}
	var labels []string
	var copyButton *widget.Button
	walk(top, func(o fyne.CanvasObject) {
		switch x := o.(type) {
		case *widget.Label:
			labels = append(labels, x.Text)
		case *widget.Button:
			if x.Text == "Copy" {
				copyButton = x
			}
		}
	})
	text := strings.Join(labels, "\n")
	if !strings.Contains(text, "\nInterface 0") {
		t.Errorf("the dialog has no interface 0:\n%s", text)
	}
	for _, want := range []string{"Capture file properties", "File", "Link type", "Ethernet (1)",
		"Shown by the filter", "tcp", strconv.Itoa(len(testPackets())), strconv.Itoa(shown)} {
		if !slices.Contains(labels, want) {
			t.Errorf("the dialog has no %q:\n%s", want, text)
		}
	}
	if copyButton == nil {
		t.Fatal("no Copy button")
	}
	test.Tap(copyButton)
	clip := h.a.Clipboard().Content()
	if !strings.Contains(clip, "Shown by the filter\n") || !strings.Contains(clip, "Packets:") {
		t.Errorf("the clipboard holds %q", clip)
	}
}
