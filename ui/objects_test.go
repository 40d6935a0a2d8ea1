package ui

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"
)

func TestExportObjectsDialog(t *testing.T) {
	h := newHarness(t, fyne.NewSize(1200, 800))
	path := filepath.Join(t.TempDir(), "three.pcapng")
	if err := os.WriteFile(path, buildCaptureN(t, false, 3), 0o600); err != nil {
		t.Fatal(err)
	}
	h.open(path)
	h.u.exportObjectsDialog()
	h.settle()
	d := h.u.objects
	if len(d.objs) != 3 {
		t.Fatalf("%d objects listed, want the three [NO UPDATE] bodies", len(d.objs))
	}
	// Cells carry packet, host, path, type, size and name.
	cell := d.newCell()
	text := func(row, col int) string {
		d.updateCell(widget.TableCellID{Row: row, Col: col}, cell)
		return cell.(*fyne.Container).Objects[0].(*fyne.Container).Objects[1].(*widget.Label).Text
	}
	if got := text(0, ocHost) + " " + text(0, ocPath) + " " + text(0, ocSize); got != "update.example.com /liveupdate.jsp 11 B" {
		t.Errorf("first row %q", got)
	}
	if got := text(0, ocPacket); got != "8" {
		t.Errorf("first object's packet %q, want 8 (the response)", got)
	}
	if !strings.Contains(d.count.Text, "3 of 3 objects chosen") || d.export.Disabled() {
		t.Errorf("count %q, export disabled %v", d.count.Text, d.export.Disabled())
	}
	// Unchoosing the middle one by its checkbox leaves two.
	d.updateCell(widget.TableCellID{Row: 1, Col: ocCheck}, cell)
	check := cell.(*fyne.Container).Objects[1].(*widget.Check)
	check.SetChecked(false)
	if !strings.Contains(d.count.Text, "2 of 3") {
		t.Errorf("count after unchecking one: %q", d.count.Text)
	}
	dir := t.TempDir()
	d.exportTo(dir)
	h.settle()
	var names []string
	for _, o := range d.saved {
		names = append(names, o.SavedAs)
	}
	if want := []string{"liveupdate.jsp", "liveupdate (2).jsp"}; !slices.Equal(names, want) {
		t.Errorf("saved as %q, want %q", names, want)
	}
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(ents) != 2 {
		t.Errorf("%d files in the folder, want 2", len(ents))
	}
	for _, n := range names {
		b, err := os.ReadFile(filepath.Join(dir, n))
		if err != nil || string(b) != "[NO UPDATE]" {
			t.Errorf("%s holds %q (%v)", n, b, err)
		}
	}
	if msg := h.u.status.message.Text; !strings.Contains(msg, "Saved 2 HTTP objects") {
		t.Errorf("status %q", msg)
	}
	// Select all off disables the export.
	d.all.SetChecked(false)
	if !d.export.Disabled() {
		t.Error("nothing chosen, yet export is enabled")
	}
}
