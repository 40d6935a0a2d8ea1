package ui

import (
	"context"
	"strings"

	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"fyne.io/fyne/v2"

	"thingsniff/decode"
)

// followFind finds text in the followed stream, line by line as the view
// shows it, off the UI goroutine: a 100 MB stream is read back from its
// file rather than held as text.
type followFind struct {
	v       *followView
	entry   *widget.Entry
	label   *widget.Label
	cancel  context.CancelFunc
	seq     uint64
	row     int // row of the last match, -1 for none
	content fyne.CanvasObject
}

func newFollowFind(v *followView) *followFind {
	f := &followFind{v: v, row: -1}
	f.entry = widget.NewEntry()
	f.entry.SetPlaceHolder("Find in the stream (Enter finds the next)")
	f.entry.OnSubmitted = func(string) { f.search(true) }
	f.entry.OnChanged = func(string) { f.row = -1; f.label.SetText("") }
	prev := widget.NewButtonWithIcon("", theme.MoveUpIcon(), func() { f.search(false) })
	next := widget.NewButtonWithIcon("", theme.MoveDownIcon(), func() { f.search(true) })
	f.label = widget.NewLabel("")
	f.content = container.NewPadded(container.NewBorder(nil, nil, widget.NewIcon(theme.SearchIcon()),
		container.NewHBox(prev, next, container.New(fixedWidth(170), f.label)), f.entry))
	return f
}

// reset forgets the last match (the lines changed under it).
func (f *followFind) reset() {
	f.stop()
	f.row = -1
	f.label.SetText("")
}

func (f *followFind) stop() {
	if f.cancel != nil {
		f.cancel()
		f.cancel = nil
	}
	f.seq++
}

// search looks for the entry's text after (or before) the last match and
// selects the line it is on.
func (f *followFind) search(forward bool) {
	q := strings.ToLower(f.entry.Text)
	v := f.v
	if q == "" || v.data == nil {
		return
	}
	f.stop()
	from := f.row
	if v.mode == modeHTTP {
		f.found(v.http.find(q, from, forward), forward)
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	f.cancel = cancel
	seq, lines, file, mode := f.seq, v.lines, v.data.file, v.mode
	f.label.SetText("Finding…")
	v.u.background(func() func() {
		buf := make([]byte, maxLineBytes)
		row := scanRows(lines.total, from, forward, func(i int) bool {
			if i%4096 == 0 && ctx.Err() != nil {
				return true
			}
			text, _, _ := lines.lineText(file, i, mode, buf)
			return containsFold(text, q)
		})
		if ctx.Err() != nil {
			return nil
		}
		return func() {
			if seq == f.seq {
				f.cancel = nil
				cancel()
				f.found(row, forward)
			}
		}
	})
}

// scanRows tries rows after (forward) or before from, wrapping around,
// and returns the first for which match is true, or -1.
func scanRows(total, from int, forward bool, match func(int) bool) int {
	for k := 1; k <= total; k++ {
		i := from + k
		if !forward {
			i = from - k
		}
		i = ((i % total) + total) % total
		if match(i) {
			return i
		}
	}
	return -1
}

// containsFold reports whether text holds q, which is lower-case.
func containsFold(text, q string) bool {
	return strings.Contains(strings.ToLower(text), q)
}

// found selects the matching row and scrolls to it.
func (f *followFind) found(row int, forward bool) {
	if row < 0 {
		f.label.SetText("Not found")
		return
	}
	wrapped := (forward && f.row >= 0 && row <= f.row) || (!forward && f.row >= 0 && row >= f.row)
	f.row = row
	msg := "Line " + decode.Thousands(row+1)
	if wrapped {
		msg += " (wrapped)"
	}
	f.label.SetText(msg)
	if f.v.mode == modeHTTP {
		f.v.http.reveal(row)
		return
	}
	f.v.list.Select(row)
	f.v.list.ScrollTo(row)
}
