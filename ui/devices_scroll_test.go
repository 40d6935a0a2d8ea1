package ui

import (
	"path/filepath"
	"testing"

	"fyne.io/fyne/v2"

	"thingsniff/capture/synth"
)

// A report that comes while another tab is in front leaves the first device
// selected and in view when the Devices tab comes forward, and a device
// chosen further down stays in view when the tab comes back.
func TestDevicesListShowsTheSelectedDevice(t *testing.T) {
	path := filepath.Join(t.TempDir(), "mix.pcapng")
	if err := synth.WriteMixFile(path, synth.Options{Packets: 20000, Seed: 7}); err != nil {
		t.Fatal(err)
	}
	h := newHarness(t, fyne.NewSize(1400, 900))
	h.open(path)
	v := h.u.devices
	// (A live capture sends newer reports while the tab is behind.)
	v.setReport(v.report)
	h.u.showDevices()
	if len(v.order) < 30 {
		t.Fatalf("%d devices; the test needs more than a screenful", len(v.order))
	}
	if got := v.list.GetScrollOffset(); got != 0 {
		t.Errorf("the list is scrolled to %v with its first device selected; want the top", got)
	}
	last := len(v.order) - 1
	v.list.Select(last)
	h.u.ShowPackets("")
	v.list.ScrollToTop()
	h.u.showDevices()
	if v.list.GetScrollOffset() == 0 {
		t.Error("the last device, selected, is out of view when the tab comes back")
	}
}
