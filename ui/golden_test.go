package ui

import (
	"image/png"
	"os"
	"path/filepath"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

func TestWelcomeGolden(t *testing.T) {
	h := newHarness(t, fyne.NewSize(1000, 700))
	test.AssertRendersToMarkup(t, "welcome.xml", h.w.Canvas())
}

func TestPacketsGolden(t *testing.T) {
	h := newHarness(t, fyne.NewSize(1000, 700))
	h.open(writeCapture(t, false))
	h.u.packets.table.ScrollToTop()
	h.u.packets.table.Select(widget.TableCellID{Row: 6, Col: 0})
	test.AssertRendersToMarkup(t, "packets.xml", h.w.Canvas())
}

func TestFlowsGolden(t *testing.T) {
	h := newHarness(t, fyne.NewSize(1000, 700))
	h.open(writeCapture(t, false))
	h.u.tabs.SelectIndex(1)
	test.AssertRendersToMarkup(t, "flows.xml", h.w.Canvas())
}

// TestSnapshots draws the main views with the real theme into PNG files
// in $THINGSNIFF_SNAPSHOTS, for a person to look at. It checks nothing.
func TestSnapshots(t *testing.T) {
	eachSnapshotVariant(t, func() *harness { return newHarness(t, fyne.NewSize(1360, 860)) }, func(h *harness, shoot func(string)) {
		shoot("welcome")
		h.open(writeCapture(t, false))
		h.u.packets.table.ScrollToTop()
		h.u.packets.table.Select(widget.TableCellID{Row: 6, Col: 0})
		d := h.u.packets.details
		d.tree.Select(d.kids[""][2])
		shoot("packets")
		h.u.tabs.SelectIndex(1)
		h.u.flows.sortBy(fcBytes)
		h.settle()
		shoot("flows")
	})
}

// eachSnapshotVariant opens a window with open, in the light and then the
// dark variant of the real theme, and lets draw show what it wants with a
// shoot that writes the window as drawn into
// $THINGSNIFF_SNAPSHOTS/<what>-<variant>.png, for a person to look at;
// without that variable the test is skipped. The snapshots of the main
// views and of the Devices tab are drawn through it.
func eachSnapshotVariant(t *testing.T, open func() *harness, draw func(h *harness, shoot func(what string))) {
	dir := os.Getenv("THINGSNIFF_SNAPSHOTS")
	if dir == "" {
		t.Skip("set THINGSNIFF_SNAPSHOTS to a folder to draw the views")
	}
	for _, v := range []fyne.ThemeVariant{theme.VariantLight, theme.VariantDark} {
		h := open()
		h.a.Settings().SetTheme(appTheme{base: theme.DefaultTheme(), variant: v, fixed: true})
		name := map[fyne.ThemeVariant]string{theme.VariantLight: "light", theme.VariantDark: "dark"}[v]
		draw(h, func(what string) {
			f, err := os.Create(filepath.Join(dir, what+"-"+name+".png"))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			if err := png.Encode(f, h.w.Canvas().Capture()); err != nil {
				t.Fatal(err)
			}
		})
	}
}
