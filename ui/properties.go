package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"thingsniff/app"
)

// propertiesShortcut is Ctrl+Alt+Shift+C, Wireshark's for Capture File
// Properties.
func propertiesShortcut() *desktop.CustomShortcut {
	return &desktop.CustomShortcut{KeyName: fyne.KeyC, Modifier: fyne.KeyModifierShortcutDefault | fyne.KeyModifierAlt | fyne.KeyModifierShift}
}

// propertiesDialog is Statistics → Capture file properties: what the
// file says of itself (who wrote it on what, its interfaces with their
// filters and drops, its comments) and totals over its packets and over
// those the filter shows. Reading them reads the whole file, so it runs
// in the background and the dialog opens when they are ready.
func (u *UI) propertiesDialog() {
	l := u.loaded
	if l == nil {
		u.status.setMessage("Open a capture first.")
		return
	}
	shown, filter := u.packets.shown, u.packets.expr
	u.status.setMessage("Reading the capture file's properties…")
	u.background(func() func() {
		facts := l.Facts(shown, filter)
		return func() {
			if u.loaded != l {
				return
			}
			u.status.setMessage("")
			u.showFacts(facts)
		}
	})
}

// showFacts shows a capture's facts, a heading for each group, with a
// button that copies them as `thingsniff info` prints them.
func (u *UI) showFacts(facts []app.FileFact) {
	// One form for every group, so that names and values line up
	// through the whole dialog; a group's heading stands in the names'
	// column.
	form := container.New(layout.NewFormLayout())
	group := ""
	for k, f := range facts {
		if f.Group != group || k == 0 {
			group = f.Group
			form.Add(widget.NewLabelWithStyle(group, fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
			form.Add(layout.NewSpacer())
		}
		val := widget.NewLabel(f.Value)
		val.Wrapping = fyne.TextWrapWord
		val.Selectable = true
		form.Add(widget.NewLabelWithStyle(f.Name, fyne.TextAlignTrailing, fyne.TextStyle{}))
		form.Add(val)
	}
	text := app.FactsText(facts)
	var d *dialog.CustomDialog
	copyButton := widget.NewButtonWithIcon("Copy", theme.ContentCopyIcon(), func() {
		u.app.Clipboard().SetContent(text)
		u.status.setMessage("The capture file's properties are on the clipboard.")
	})
	closeButton := widget.NewButton("Close", func() { d.Hide() })
	d = dialog.NewCustomWithoutButtons("Capture file properties", container.NewVScroll(form), u.win)
	d.SetButtons([]fyne.CanvasObject{copyButton, closeButton})
	d.Resize(fyne.NewSize(min(720, u.win.Canvas().Size().Width-40), min(640, u.win.Canvas().Size().Height-40)))
	d.Show()
}
