package ui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

const prefTheme = "theme" // "light", "dark" or "" for the system's choice

// appTheme is the theme thingsniff draws with: a base theme (Fyne's
// default) made dense, so that a screen holds many rows as an analyzer's
// lists should, and held to the user's light or dark choice when there
// is one. One theme for the whole window, rather than overrides per view:
// Fyne reloads every font for each overridden scope.
type appTheme struct {
	base    fyne.Theme
	variant fyne.ThemeVariant
	fixed   bool // the user chose the variant; else the system's is followed
}

func (t appTheme) Color(n fyne.ThemeColorName, v fyne.ThemeVariant) color.Color {
	if t.fixed {
		v = t.variant
	}
	// Hints and placeholders are read, not merely seen: Fyne's greys were
	// too faint on white (about 2:1); five sixths of the way from the
	// background to the text reads at 4.5:1 or better in both variants. (The two
	// differ by a hair so that each keeps its name in golden markup.)
	switch n {
	case theme.ColorNamePlaceHolder:
		return blend(t.base.Color(theme.ColorNameForeground, v), t.base.Color(theme.ColorNameBackground, v), 0.83)
	case theme.ColorNameDisabled:
		return blend(t.base.Color(theme.ColorNameForeground, v), t.base.Color(theme.ColorNameBackground, v), 0.85)
	}
	return t.base.Color(n, v)
}

// blend mixes a with b, share parts of a.
func blend(a, b color.Color, share float64) color.Color {
	ar, ag, ab, _ := a.RGBA()
	br, bg, bb, _ := b.RGBA()
	mix := func(x, y uint32) uint8 { return uint8((share*float64(x) + (1-share)*float64(y)) / 257) }
	return color.NRGBA{R: mix(ar, br), G: mix(ag, bg), B: mix(ab, bb), A: 0xff}
}
func (t appTheme) Font(s fyne.TextStyle) fyne.Resource     { return t.base.Font(s) }
func (t appTheme) Icon(n fyne.ThemeIconName) fyne.Resource { return t.base.Icon(n) }
func (t appTheme) Size(n fyne.ThemeSizeName) float32 {
	switch n {
	case theme.SizeNameInnerPadding:
		return denseInnerPadding
	case theme.SizeNamePadding:
		return densePadding
	case theme.SizeNameText:
		return t.base.Size(n) - 1
	}
	return t.base.Size(n)
}

// The dense sizes: room around text in cells and buttons, and between
// widgets.
const (
	denseInnerPadding = 3
	densePadding      = 3
)

// applyThemePreference sets the app's theme, with the light or dark
// variant the user chose last time, if any.
func applyThemePreference(a fyne.App) {
	base := a.Settings().Theme()
	if t, ok := base.(appTheme); ok {
		base = t.base
	}
	t := appTheme{base: base}
	switch a.Preferences().String(prefTheme) {
	case "light":
		t.variant, t.fixed = theme.VariantLight, true
	case "dark":
		t.variant, t.fixed = theme.VariantDark, true
	}
	a.Settings().SetTheme(t)
}

// toggleTheme switches between light and dark and remembers the choice.
func toggleTheme(a fyne.App) {
	next := "dark"
	if currentVariant(a) == theme.VariantDark {
		next = "light"
	}
	a.Preferences().SetString(prefTheme, next)
	applyThemePreference(a)
}

func currentVariant(a fyne.App) fyne.ThemeVariant {
	if t, ok := a.Settings().Theme().(appTheme); ok && t.fixed {
		return t.variant
	}
	return a.Settings().ThemeVariant()
}

// tint is a row marking. Tints are translucent so they work on light and
// dark backgrounds alike.
type tint uint8

const (
	tintNone tint = iota
	tintMalformed
	tintReset
	tintRetrans
	tintServer
	tintSelected
)

func (t tint) color() color.Color {
	switch t {
	case tintMalformed:
		return color.NRGBA{R: 0xab, G: 0x47, B: 0xbc, A: 0x60}
	case tintReset:
		return color.NRGBA{R: 0xe5, G: 0x39, B: 0x35, A: 0x60}
	case tintRetrans:
		return color.NRGBA{R: 0x9e, G: 0x9e, B: 0x9e, A: 0x50}
	case tintServer:
		return color.NRGBA{R: 0xff, G: 0xb3, B: 0x00, A: 0x40}
	case tintSelected:
		return color.NRGBA{R: 0x29, G: 0x79, B: 0xff, A: 0x70}
	}
	return color.Transparent
}

func iconPackets() fyne.Resource { return theme.ListIcon() }
func iconFlows() fyne.Resource   { return theme.GridIcon() }

// denseLineHeight is the height of one table row.
func denseLineHeight() float32 {
	text := fyne.MeasureText("Mg", theme.Size(theme.SizeNameText), fyne.TextStyle{Bold: true})
	return text.Height + 2*theme.Size(theme.SizeNameInnerPadding)
}
