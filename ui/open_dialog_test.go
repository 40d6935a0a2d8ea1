package ui

import (
	"os"
	"path/filepath"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
)

// itemNamed finds the drawn entry of the Open dialog with the given text.
func itemNamed(t *testing.T, h *harness, text string) *fileItem {
	t.Helper()
	var found *fileItem
	walk(h.w.Canvas().Overlays().Top(), func(o fyne.CanvasObject) {
		if it, ok := o.(*fileItem); ok && it.name.Text == text && found == nil {
			found = it
		}
	})
	if found == nil {
		t.Fatalf("the Open dialog shows no %q", text)
	}
	return found
}

// TestOpenDialog goes through folders with double-clicks (one level per
// double-click, not two), types and pastes paths, and opens a capture
// with the keys.
func TestOpenDialog(t *testing.T) {
	h := newHarness(t, fyne.NewSize(1280, 800))
	root := t.TempDir()
	deep := filepath.Join(root, "a", "b")
	if err := os.MkdirAll(deep, 0o755); err != nil {
		t.Fatal(err)
	}
	capPath := filepath.Join(deep, "thing.pcapng")
	if err := os.WriteFile(capPath, buildCapture(t, false), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "notes.txt"), []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	var opened string
	d := newOpenDialog(h.u, root, func(p string) { opened = p })
	d.dlg.Resize(fyne.NewSize(900, 600))
	d.dlg.Show()
	if len(d.entries) != 1 || d.entries[0].name != "a" {
		t.Fatalf("root lists %v; want the folder only, notes.txt is no capture", d.entries)
	}
	d.all.SetChecked(true)
	if len(d.entries) != 2 {
		t.Errorf("Show all files lists %d entries", len(d.entries))
	}
	d.all.SetChecked(false)

	test.DoubleTap(itemNamed(t, h, "a"+string(filepath.Separator)))
	if d.dir != filepath.Join(root, "a") {
		t.Fatalf("a double-click on a/ went to %s", d.dir)
	}
	test.Tap(itemNamed(t, h, "b"+string(filepath.Separator)))
	if d.dir != filepath.Join(root, "a") || d.path.Text != deep {
		t.Errorf("a click on b/ should only choose it: in %s, path %q", d.dir, d.path.Text)
	}

	// A path typed (or pasted) and Enter.
	d.path.SetText("")
	test.Type(d.path, filepath.Join(root, "nowhere.pcap"))
	d.path.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if !d.problem.Visible() || opened != "" {
		t.Errorf("a missing path: problem shown %v (%q), opened %q", d.problem.Visible(), d.problem.Text, opened)
	}
	d.path.SetText("")
	test.Type(d.path, "b")
	d.path.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if d.dir != deep {
		t.Fatalf("typing b and Enter went to %s", d.dir)
	}

	// The keys: Home chooses the capture, Enter opens it.
	h.w.Canvas().Focus(d.list)
	press(t, h, fyne.KeyHome, fyne.KeyReturn)
	if opened != capPath {
		t.Errorf("Home, Enter opened %q, want %q", opened, capPath)
	}
	if h.w.Canvas().Overlays().Top() != nil {
		t.Error("the dialog stays after opening")
	}
}
