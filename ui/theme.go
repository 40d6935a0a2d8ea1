package ui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

const prefTheme = "theme" // "light", "dark" or "" for the system's choice

// variantTheme is Fyne's default theme held to one variant, so the user's
// light/dark choice wins over the system's.
type variantTheme struct {
	fyne.Theme
	variant fyne.ThemeVariant
}

func (t variantTheme) Color(n fyne.ThemeColorName, _ fyne.ThemeVariant) color.Color {
	return t.Theme.Color(n, t.variant)
}

// applyThemePreference sets the theme the user chose last time, if any.
func applyThemePreference(a fyne.App) {
	switch a.Preferences().String(prefTheme) {
	case "light":
		a.Settings().SetTheme(variantTheme{theme.DefaultTheme(), theme.VariantLight})
	case "dark":
		a.Settings().SetTheme(variantTheme{theme.DefaultTheme(), theme.VariantDark})
	}
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
	if t, ok := a.Settings().Theme().(variantTheme); ok {
		return t.variant
	}
	return a.Settings().ThemeVariant()
}

// denseTheme tightens the padding of tables and trees so that a screen
// holds many rows, as a packet list should. It asks the app's current
// theme for everything else, so it follows light/dark changes.
type denseTheme struct{}

func (denseTheme) base() fyne.Theme { return fyne.CurrentApp().Settings().Theme() }

func (d denseTheme) Color(n fyne.ThemeColorName, v fyne.ThemeVariant) color.Color {
	return d.base().Color(n, v)
}
func (d denseTheme) Font(s fyne.TextStyle) fyne.Resource     { return d.base().Font(s) }
func (d denseTheme) Icon(n fyne.ThemeIconName) fyne.Resource { return d.base().Icon(n) }
func (d denseTheme) Size(n fyne.ThemeSizeName) float32 {
	switch n {
	case theme.SizeNameInnerPadding:
		return 3
	case theme.SizeNamePadding:
		return 2
	case theme.SizeNameText:
		return d.base().Size(n) - 1
	}
	return d.base().Size(n)
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

// denseLineHeight is the height of one table row under denseTheme.
func denseLineHeight() float32 {
	d := denseTheme{}
	text := fyne.MeasureText("Mg", d.Size(theme.SizeNameText), fyne.TextStyle{Bold: true})
	return text.Height + 2*d.Size(theme.SizeNameInnerPadding)
}
