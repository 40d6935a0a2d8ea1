package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"thingsniff/app"
)

// Columns of app.HexDump's lines: a 4-digit offset and two spaces, 16
// bytes of "xx " with one more space after the eighth, a space, then the
// bytes as ASCII.
const (
	hexFirstCol   = 6
	hexASCIICol   = hexFirstCol + 16*3 + 1 + 1
	hexBytesALine = 16
)

// hexView shows one packet's bytes in a monospaced grid and highlights
// the byte range of the chosen details node; tapping a byte (in the hex
// or the text column) calls onByte with its index.
type hexView struct {
	grid   *hexGrid
	onByte func(i int)
	data   []byte
	mark   widget.TextGridStyle
	// start and end are the highlighted range, for tests.
	start, end int
}

// hexGrid is a TextGrid that tells where it was tapped.
type hexGrid struct {
	widget.TextGrid
	tapped func(row, col int)
}

func newHexGrid() *hexGrid {
	g := &hexGrid{}
	g.ExtendBaseWidget(g)
	return g
}

// Tapped finds the cell under the pointer.
func (g *hexGrid) Tapped(ev *fyne.PointEvent) {
	if g.tapped != nil {
		g.tapped(g.CursorLocationForPosition(ev.Position))
	}
}

// byteAt returns the index of the byte shown at a grid cell, or -1 for a
// cell that shows none (the offset, the gaps).
func byteAt(row, col, n int) int {
	i := -1
	switch {
	case col >= hexASCIICol && col < hexASCIICol+hexBytesALine:
		i = col - hexASCIICol
	case col >= hexFirstCol && col < hexASCIICol-1:
		c := col - hexFirstCol
		if c >= 8*3 {
			c-- // the gap after the eighth byte
		}
		if c < 0 || c%3 == 2 {
			return -1
		}
		i = c / 3
	}
	if i < 0 || i >= hexBytesALine {
		return -1
	}
	if b := row*hexBytesALine + i; b < n {
		return b
	}
	return -1
}

func newHexView() *hexView {
	h := &hexView{grid: newHexGrid()}
	h.grid.tapped = func(row, col int) {
		if b := byteAt(row, col, len(h.data)); b >= 0 && h.onByte != nil {
			h.onByte(b)
		}
	}
	// NewTextGrid turns scrolling off, which would make the grid as tall
	// as the packet; its own scroller also draws only the visible lines.
	h.grid.Scroll = fyne.ScrollBoth
	h.mark = &widget.CustomTextGridStyle{BGColor: tintSelected.color()}
	return h
}

func (h *hexView) set(data []byte) {
	h.data = data
	h.start, h.end = 0, 0
	h.grid.SetText(app.HexDump(data))
	// The grid makes its scroller when first laid out (sized).
	if h.grid.Size().Height > 0 {
		h.grid.ScrollToTop()
	}
}

// hexCols returns the grid columns of byte i of a line: its two hex
// digits start at hex, its character is at ascii.
func hexCols(i int) (hex, ascii int) {
	hex = hexFirstCol + 3*i
	if i >= 8 {
		hex++
	}
	return hex, hexASCIICol + i
}

// highlight marks bytes [start, end) and clears any earlier mark.
func (h *hexView) highlight(start, end int) {
	h.paint(h.start, h.end, nil)
	start, end = max(start, 0), min(end, len(h.data))
	if start >= end {
		h.start, h.end = 0, 0
		h.grid.Refresh()
		return
	}
	h.start, h.end = start, end
	h.paint(start, end, h.mark)
	h.grid.Refresh()
}

func (h *hexView) paint(start, end int, style widget.TextGridStyle) {
	for b := start; b < end; b++ {
		row := b / hexBytesALine
		if row >= len(h.grid.Rows) {
			return
		}
		cells := h.grid.Rows[row].Cells
		hex, ascii := hexCols(b % hexBytesALine)
		for _, c := range []int{hex, hex + 1, ascii} {
			if c < len(cells) {
				cells[c].Style = style
			}
		}
		// Join the marks of neighbouring bytes on one line.
		if b+1 < end && (b+1)%hexBytesALine != 0 && hex+2 < len(cells) {
			cells[hex+2].Style = style
			if b%hexBytesALine == 7 && hex+3 < len(cells) {
				cells[hex+3].Style = style
			}
		}
	}
}
