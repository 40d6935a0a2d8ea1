package ui

import (
	"image/color"
	"math"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// luminance is a colour's relative luminance (WCAG 2).
func luminance(c color.Color) float64 {
	r, g, b, _ := c.RGBA()
	lin := func(v uint32) float64 {
		x := float64(v) / 0xffff
		if x <= 0.03928 {
			return x / 12.92
		}
		return math.Pow((x+0.055)/1.055, 2.4)
	}
	return 0.2126*lin(r) + 0.7152*lin(g) + 0.0722*lin(b)
}

func contrast(a, b color.Color) float64 {
	la, lb := luminance(a), luminance(b)
	return (max(la, lb) + 0.05) / (min(la, lb) + 0.05)
}

// TestNothingCramped checks what was clipped or faint: hints and
// placeholders read at 4.5:1 or better in both variants, the stream's
// selectors show their longest choice, the Go to field its placeholder
// for a million packets, and the View menu leaves room for its shortcuts.
func TestNothingCramped(t *testing.T) {
	h := newHarness(t, fyne.NewSize(1280, 800))
	th := appTheme{base: theme.DefaultTheme()}
	for _, v := range []fyne.ThemeVariant{theme.VariantLight, theme.VariantDark} {
		bg := th.Color(theme.ColorNameBackground, v)
		for _, n := range []fyne.ThemeColorName{theme.ColorNamePlaceHolder, theme.ColorNameDisabled} {
			if c := contrast(th.Color(n, v), bg); c < 4.5 {
				t.Errorf("%s on the background of variant %d: contrast %.1f:1, want 4.5:1", n, v, c)
			}
		}
	}

	h.open(writeCapture(t, false))
	v := h.u.stream
	for _, s := range []*widget.Select{v.modes, v.shows} {
		for _, o := range s.Options {
			if need := fyne.MeasureText(o, theme.TextSize(), fyne.TextStyle{}).Width; s.Size().Width < need+theme.IconInlineSize() {
				t.Errorf("the selector is %.0f wide, %q needs %.0f and its arrow", s.Size().Width, o, need)
			}
		}
	}

	h.u.packets.n = 1_000_000
	h.u.goToDialog()
	var entry *widget.Entry
	walk(h.w.Canvas().Overlays().Top(), func(o fyne.CanvasObject) {
		if e, ok := o.(*widget.Entry); ok {
			entry = e
		}
	})
	if entry == nil {
		t.Fatal("no Go to field")
	}
	if need := fyne.MeasureText(entry.PlaceHolder, theme.TextSize(), fyne.TextStyle{}).Width; entry.Size().Width < need+2*theme.InnerPadding() {
		t.Errorf("the Go to field is %.0f wide, its placeholder %q needs %.0f", entry.Size().Width, entry.PlaceHolder, need)
	}

	for _, m := range h.u.newMainMenu().Items {
		for _, it := range m.Items {
			if it.Shortcut == nil {
				continue
			}
			plain := fyne.MeasureText(trimRoom(it.Label), theme.TextSize(), fyne.TextStyle{}).Width
			padded := fyne.MeasureText(it.Label, theme.TextSize(), fyne.TextStyle{}).Width
			text := "Ctrl+"
			if cs, ok := it.Shortcut.(*desktop.CustomShortcut); ok {
				if cs.Modifier&fyne.KeyModifierShift != 0 {
					text += "Shift+"
				}
				text += string(cs.KeyName)
			}
			keys := fyne.MeasureText(text, theme.TextSize(), fyne.TextStyle{}).Width
			if padded-plain < keys*0.8 {
				t.Errorf("menu item %q leaves %.0f for its shortcut", it.Label, padded-plain)
			}
		}
	}
}

// trimRoom drops what roomForShortcut added.
func trimRoom(label string) string {
	for len(label) >= 3 && label[len(label)-3:] == "\u2002" {
		label = label[:len(label)-3]
	}
	return label
}

// TestDevicesNotClipped: a device's MAC leads its line in the list (a
// narrow list cuts the addresses after it, not the MAC), and the
// device's facts and story end before the scroll bar.
func TestDevicesNotClipped(t *testing.T) {
	h := openDemoDevices(t, fyne.NewSize(1280, 800))
	v := h.u.devices
	r := v.rows[v.order[v.rowOf(playerMAC)]]
	if len(r.address) < len(playerMAC) || r.address[:len(playerMAC)] != playerMAC {
		t.Errorf("the player's line %q does not start with its MAC", r.address)
	}
	for _, sc := range []*container.Scroll{v.detail.scroll, v.detail.whoScroll} {
		inner := sc.Content.(*fyne.Container).Objects[0]
		if right := sc.Content.Size().Width - inner.Position().X - inner.Size().Width; right < theme.ScrollBarSize() {
			t.Errorf("text ends %.0f from the pane's edge, under the scroll bar", right)
		}
	}
}
