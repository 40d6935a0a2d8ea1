package ui

import (
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
)

func TestSaveAndExport(t *testing.T) {
	h := newHarness(t, fyne.NewSize(1200, 800))
	h.open(writeCapture(t, false))
	dir := t.TempDir()

	all := filepath.Join(dir, "all.pcapng")
	h.u.saveTo(h.u.loaded, all, nil)
	h.settle()
	if msg := h.u.status.message.Text; !strings.Contains(msg, "Saved 13 packets") {
		t.Errorf("status after save: %q", msg)
	}

	h.u.packets.setFilter("tcp")
	h.settle()
	tcp := append([]int(nil), h.u.packets.shown...)
	part := filepath.Join(dir, "tcp.pcap")
	h.u.saveTo(h.u.loaded, part, h.u.packets.shown)
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
