package ui

import (
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
