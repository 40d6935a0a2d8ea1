package ui

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
)

// One theme serves the whole window. A theme override per view made Fyne
// load every font again for each scope (and for each list row it made),
// which took the demo's window from 150 MB to over 800 MB.
func TestNoThemeOverrides(t *testing.T) {
	h := openDemoDevices(t, fyne.NewSize(1200, 800))
	for i := range h.u.tabs.Items {
		h.u.tabs.SelectIndex(i)
		h.settle()
		walk(h.w.Content(), func(o fyne.CanvasObject) {
			if _, ok := o.(*container.ThemeOverride); ok {
				t.Errorf("tab %q holds a theme override", h.u.tabs.Items[i].Text)
			}
		})
	}
	if _, ok := h.a.Settings().Theme().(appTheme); !ok {
		t.Errorf("the app's theme is %T, want appTheme", h.a.Settings().Theme())
	}
	if got := theme.Size(theme.SizeNamePadding); got != densePadding {
		t.Errorf("padding %v, want the dense %v", got, float32(densePadding))
	}
}
