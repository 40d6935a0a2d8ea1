package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// listTable is a widget.Table used as a list of records: the arrow,
// page, Home and End keys select whole rows, as in Wireshark, rather
// than move a cell focus that Space then selects.
type listTable struct {
	widget.Table
	// move selects the row that key leads to and reports whether it did.
	move func(key fyne.KeyName) bool
}

func newListTable(length func() (int, int), create func() fyne.CanvasObject, update func(widget.TableCellID, fyne.CanvasObject)) *listTable {
	t := &listTable{}
	t.Length, t.CreateCell, t.UpdateCell = length, create, update
	t.ExtendBaseWidget(t)
	return t
}

// TypedKey selects rows with the navigation keys.
func (t *listTable) TypedKey(e *fyne.KeyEvent) {
	switch e.Name {
	case fyne.KeyUp, fyne.KeyDown, fyne.KeyPageUp, fyne.KeyPageDown, fyne.KeyHome, fyne.KeyEnd:
		if t.move != nil && t.move(e.Name) {
			return
		}
	}
	t.Table.TypedKey(e)
}

// denseRowPitch is the distance from one table row to the next: a
// dense line (cells and headers both say so) and the separator.
func denseRowPitch() float32 {
	return denseLineHeight() + theme.Size(theme.SizeNamePadding)
}
