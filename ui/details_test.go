package ui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

// Field and bytes point at each other: choosing the DNS ID in the tree
// marks its 2 bytes, and tapping a byte in the hex dump (its hex digits
// or its character) chooses the line of the tree that describes it.
func TestDetailsFieldsAndBytesSelectEachOther(t *testing.T) {
	h := newHarness(t, fyne.NewSize(1200, 800))
	h.open(writeCapture(t, false))
	p := h.u.packets
	query := -1
	for i := 0; i < 20; i++ {
		if strings.HasPrefix(h.u.rows.Row(i).Info, "Standard query 0x1234") {
			query = i
			break
		}
	}
	if query < 0 {
		t.Fatal("no DNS query row in the test capture")
	}
	p.table.Select(widget.TableCellID{Row: query, Col: 2})
	d := p.details
	idOf := func(prefix string) widget.TreeNodeID {
		for id, n := range d.nodes {
			if strings.HasPrefix(n.Title, prefix) {
				return id
			}
		}
		t.Fatalf("no %q line in the tree", prefix)
		return ""
	}
	// Tree to bytes: the ID is bytes 42-43 (after Ethernet, IPv4, UDP).
	d.tree.Select(idOf("Transaction ID: 0x1234"))
	if d.hex.start != 42 || d.hex.end != 44 {
		t.Errorf("the DNS ID marks bytes [%d,%d), want [42,44)", d.hex.start, d.hex.end)
	}
	// Bytes to tree: tap a byte of the question's name in the text
	// column, then the ID's second byte and an IPv4 byte in the hex digits.
	var chosen []string
	d.tree.OnSelected = func(id widget.TreeNodeID) {
		chosen = append(chosen, d.nodes[id].Title)
		d.selected(id)
	}
	tap := func(b int, ascii bool) {
		hexCol, asciiCol := hexCols(b % hexBytesALine)
		col := hexCol
		if ascii {
			col = asciiCol
		}
		pos := d.hex.grid.PositionForCursorLocation(b/hexBytesALine, col).Add(fyne.NewPos(2, 2))
		test.TapAt(d.hex.grid, pos)
	}
	tap(55, true)  // inside "update" of the question's name
	tap(43, false) // the ID's second byte
	tap(15, false) // the IPv4 header's TOS byte
	want := []string{"Name: update.example.com", "Transaction ID: 0x1234", "Differentiated Services Field: "}
	if len(chosen) != len(want) {
		t.Fatalf("taps chose %q, want %q", chosen, want)
	}
	for i := range want {
		if !strings.HasPrefix(chosen[i], want[i]) {
			t.Errorf("tap %d chose %q, want %q", i+1, chosen[i], want[i])
		}
	}
	if d.hex.start != 15 || d.hex.end != 16 {
		t.Errorf("after the last tap bytes [%d,%d) are marked, want [15,16)", d.hex.start, d.hex.end)
	}
}
