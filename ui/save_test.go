package ui

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/storage"
)

func TestSaveAndExport(t *testing.T) {
	h := newHarness(t, fyne.NewSize(1200, 800))
	h.open(writeCapture(t, false))
	dir := t.TempDir()

	all := filepath.Join(dir, "all.pcapng")
	h.u.saveTo(h.u.loaded, all, nil, nil)
	h.settle()
	if msg := h.u.status.message.Text; !strings.Contains(msg, "Saved 13 packets") {
		t.Errorf("status after save: %q", msg)
	}

	h.u.packets.setFilter("tcp")
	h.settle()
	tcp := append([]int(nil), h.u.packets.shown...)
	part := filepath.Join(dir, "tcp.pcap")
	h.u.saveTo(h.u.loaded, part, h.u.packets.shown, nil)
	h.settle()

	// The packet list as CSV: the filter's rows, a header before them.
	list := filepath.Join(dir, "tcp.csv")
	h.u.exportRowsTo(list)
	h.settle()
	if b, err := os.ReadFile(list); err != nil || strings.Count(string(b), "\n") != len(tcp)+1 || !strings.HasPrefix(string(b), "No.,Time,Source") {
		t.Errorf("the exported list (%v):\n%s", err, b)
	}
	if msg := h.u.status.message.Text; !strings.Contains(msg, fmt.Sprintf("Exported %d rows", len(tcp))) {
		t.Errorf("status after the list's export: %q", msg)
	}

	h.open(all)
	if h.u.packets.n != len(testPackets()) {
		t.Errorf("the saved pcapng holds %d packets, want %d", h.u.packets.n, len(testPackets()))
	}
	h.open(part)
	if h.u.packets.n != len(tcp) {
		t.Errorf("the exported pcap holds %d packets, want the %d TCP ones", h.u.packets.n, len(tcp))
	}
	if f := h.u.loaded.Format; !strings.HasPrefix(f, "pcap") || strings.HasPrefix(f, "pcapng") {
		t.Errorf("a .pcap name should give pcap, got %q", f)
	}
}

// TestChosenPathClosesAndPassesThePath runs a file dialog's callback as
// the dialog would: with a file it opened, and with nothing (cancelled).
func TestChosenPathClosesAndPassesThePath(t *testing.T) {
	h := newHarness(t, fyne.NewSize(800, 600))
	path := filepath.Join(t.TempDir(), "chosen.pcapng")
	w, err := storage.Writer(storage.NewFileURI(path))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	then := chosenPath[fyne.URIWriteCloser](h.u, func(p string) { got = append(got, p) })
	then(w, nil)
	then(nil, nil)
	if len(got) != 1 || got[0] != path {
		t.Fatalf("paths passed on: %q, want only %q", got, path)
	}
	if err := w.Close(); err == nil {
		t.Error("the dialog's writer was left open")
	}
}
