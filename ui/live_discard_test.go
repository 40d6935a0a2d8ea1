package ui

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

// overlayText is the text of the labels in the top overlay.
func overlayText(w fyne.Window) string {
	top := w.Canvas().Overlays().Top()
	if top == nil {
		return ""
	}
	var b strings.Builder
	walk(top, func(o fyne.CanvasObject) {
		if l, ok := o.(*widget.Label); ok {
			b.WriteString(l.Text + "\n")
		}
	})
	return b.String()
}

// TestLiveCaptureAsksBeforeDiscard replaces a live capture by another
// file, as Open recent does: the window asks first, Cancel keeps the
// capture running, Discard stops it and opens the file, and a capture
// saved whole is replaced without a question.
func TestLiveCaptureAsksBeforeDiscard(t *testing.T) {
	h := newHarness(t, fyne.NewSize(1200, 800))
	c := h.u.live
	c.sys.helper = fakeHelperScript(t)
	want := len(testPackets())
	other := writeCapture(t, true)
	c.start("veth0", "")
	h.waitUntil("the capture's rows", func() bool { return h.u.packets.n == want && c.lc != nil })
	live := h.u.loaded

	openOther := h.u.guarded("open another capture", func() { h.u.Open(other) })
	openOther()
	if text := overlayText(h.w); !strings.Contains(text, "is not saved") || !strings.Contains(text, "open another capture") {
		t.Fatalf("no question before the live capture is replaced; overlay says %q", text)
	}
	test.Tap(overlayButton(t, h.w, "Cancel"))
	h.q.Drain()
	if h.u.loaded != live || !c.running() {
		t.Fatal("Cancel replaced or stopped the live capture")
	}

	openOther()
	lc := c.lc
	test.Tap(overlayButton(t, h.w, "Discard"))
	<-lc.Done()
	h.waitUntil("the capture's end", func() bool { return !c.running() })
	h.settle()
	if h.u.loaded == live || h.u.packets.n != want-1 {
		t.Fatalf("Discard did not open the other file (%d packets)", h.u.packets.n)
	}

	// Captured again and saved whole: nothing is lost, nothing asked.
	c.start("veth0", "")
	h.waitUntil("the second capture's rows", func() bool { return h.u.packets.n == want && c.lc != nil })
	lc = c.lc
	c.stop()
	<-lc.Done()
	h.waitUntil("the capture's end", func() bool { return !c.running() })
	h.u.session.Current().Wait()
	h.settle()
	h.u.saveTo(h.u.loaded, filepath.Join(t.TempDir(), "kept.pcapng"), nil, nil)
	h.settle()
	openOther()
	h.settle()
	if top := h.w.Canvas().Overlays().Top(); top != nil {
		t.Errorf("a saved capture still asks: %q", overlayText(h.w))
	}
	if h.u.packets.n != want-1 {
		t.Errorf("the other file did not open after a save (%d packets)", h.u.packets.n)
	}
}

// TestRecoveryDialogClosesWhenAllAreDeleted deletes every offered spool:
// the files go, and the dialog closes instead of staying open and empty.
func TestRecoveryDialogClosesWhenAllAreDeleted(t *testing.T) {
	h := newHarness(t, fyne.NewSize(1200, 800))
	dir := t.TempDir()
	var spools []string
	for _, name := range []string{"thingsniff-spool-1.pcap", "thingsniff-spool-2.pcap"} {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, buildCapture(t, true), 0o600); err != nil {
			t.Fatal(err)
		}
		spools = append(spools, p)
	}
	h.u.OfferRecovery(dir)
	test.Tap(overlayButton(t, h.w, "Delete"))
	if h.w.Canvas().Overlays().Top() == nil || len(h.u.live.recovery) != 1 {
		t.Fatalf("after one Delete of two: dialog shown %v, offered %v", h.w.Canvas().Overlays().Top() != nil, h.u.live.recovery)
	}
	test.Tap(overlayButton(t, h.w, "Delete"))
	if top := h.w.Canvas().Overlays().Top(); top != nil {
		t.Errorf("the dialog stays open with nothing to recover: %q", overlayText(h.w))
	}
	for _, p := range spools {
		if _, err := os.Stat(p); !os.IsNotExist(err) {
			t.Errorf("%s not deleted: %v", p, err)
		}
	}
}
