package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
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
	// menu, when set, opens a context menu at a right click, after the
	// click selected the row under it (as Wireshark does).
	menu func(at fyne.Position)
	// rightClick is set while a right click selects a row, so that
	// OnSelected can tell it from a left click (which may act).
	rightClick bool
}

func newListTable(length func() (int, int), create func() fyne.CanvasObject, update func(widget.TableCellID, fyne.CanvasObject)) *listTable {
	t := &listTable{}
	t.Length, t.CreateCell, t.UpdateCell = length, create, update
	t.ExtendBaseWidget(t)
	return t
}

// showColumns gives the table a header row of column titles (header
// buttons, which update fills in) and cols' widths: the packet list, the
// flows table and the HTTP objects dialog set up their columns alike.
func (t *listTable) showColumns(cols []column, update func(widget.TableCellID, fyne.CanvasObject)) {
	t.ShowHeaderRow = true
	t.CreateHeader = func() fyne.CanvasObject { return newHeaderButton() }
	t.UpdateHeader = update
	for i, c := range cols {
		t.SetColumnWidth(i, c.width)
	}
}

// Tapped selects the cell and gives the table the keyboard focus. The
// Table's own Tapped asks the driver for the canvas of the inner Table,
// which the real driver does not know (it knows this outer widget), so
// the focus stayed where it was and the keys went elsewhere.
func (t *listTable) Tapped(e *fyne.PointEvent) {
	t.Table.Tapped(e)
	if c := fyne.CurrentApp().Driver().CanvasForObject(t); c != nil {
		c.Focus(t)
	}
}

// TappedSecondary selects the row under a right click and opens the
// table's context menu there.
func (t *listTable) TappedSecondary(e *fyne.PointEvent) {
	if t.menu == nil {
		return
	}
	t.rightClick = true
	t.Tapped(e)
	t.rightClick = false
	t.menu(e.AbsolutePosition)
}

// TypedKey selects rows with the navigation keys (and gives Enter to
// move, for tables where it opens the row).
func (t *listTable) TypedKey(e *fyne.KeyEvent) {
	switch e.Name {
	case fyne.KeyUp, fyne.KeyDown, fyne.KeyPageUp, fyne.KeyPageDown, fyne.KeyHome, fyne.KeyEnd, fyne.KeyReturn, fyne.KeyEnter:
		if t.move != nil && t.move(e.Name) {
			return
		}
	}
	t.Table.TypedKey(e)
}

// navTarget is the row (or item) a navigation key leads to from cur (-1
// for none) among n, with page rows to a page; ok is false for other keys.
func navTarget(key fyne.KeyName, cur, n, page int) (next int, ok bool) {
	next = cur
	switch key {
	case fyne.KeyUp:
		next--
	case fyne.KeyDown:
		next++
	case fyne.KeyPageUp:
		next -= page
	case fyne.KeyPageDown:
		next += page
	case fyne.KeyHome:
		next = 0
	case fyne.KeyEnd:
		next = n - 1
	default:
		return cur, false
	}
	return min(max(next, 0), n-1), true
}

// tablePage is how many rows a page key moves in a table of dense rows.
func tablePage(t *listTable) int { return max(1, int(t.Size().Height/denseRowPitch())-2) }

// denseRowPitch is the distance from one table row to the next: a
// dense line (cells and headers both say so) and the separator.
func denseRowPitch() float32 {
	return denseLineHeight() + theme.Size(theme.SizeNamePadding)
}

// keyList is a widget.List whose arrow, page, Home and End keys select
// items (and so show what a selection shows), as in listTable, rather
// than move a focus that Space then selects. Its OnSelected and
// OnUnselected shadow the List's, which it keeps to learn the selection.
type keyList struct {
	widget.List
	// OnSelected and OnUnselected are called as the List's are.
	OnSelected   func(widget.ListItemID)
	OnUnselected func(widget.ListItemID)
	// OnEnter, when set, is called with the selected item on Enter.
	OnEnter func(widget.ListItemID)
	cur     widget.ListItemID // the selected item, -1 for none
}

func newKeyList(length func() int, create func() fyne.CanvasObject, update func(widget.ListItemID, fyne.CanvasObject)) *keyList {
	l := &keyList{cur: -1}
	l.Length, l.CreateItem, l.UpdateItem = length, create, update
	l.List.OnSelected = func(id widget.ListItemID) {
		l.cur = id
		l.takeFocus()
		if l.OnSelected != nil {
			l.OnSelected(id)
		}
	}
	l.List.OnUnselected = func(id widget.ListItemID) {
		if l.cur == id {
			l.cur = -1
		}
		if l.OnUnselected != nil {
			l.OnUnselected(id)
		}
	}
	l.ExtendBaseWidget(l)
	return l
}

// takeFocus gives the list the keyboard focus when an item is chosen, as
// a click should: the List's items ask the driver for the canvas of the
// inner List, which the real driver does not know, so a click left the
// focus where it was. A text field being typed in keeps it (a filter
// that chooses the first match as one types).
func (l *keyList) takeFocus() {
	c := fyne.CurrentApp().Driver().CanvasForObject(l)
	if c == nil || c.Focused() == fyne.Focusable(l) {
		return
	}
	if _, typing := c.Focused().(*widget.Entry); typing {
		return
	}
	c.Focus(l)
}

// TypedKey selects items with the navigation keys.
func (l *keyList) TypedKey(e *fyne.KeyEvent) {
	n := 0
	if l.Length != nil {
		n = l.Length()
	}
	if n == 0 {
		l.List.TypedKey(e)
		return
	}
	if e.Name == fyne.KeyReturn || e.Name == fyne.KeyEnter {
		if l.OnEnter != nil && l.cur >= 0 && l.cur < n {
			l.OnEnter(l.cur)
		}
		return
	}
	next, ok := navTarget(e.Name, l.cur, n, l.page())
	if !ok {
		l.List.TypedKey(e)
		return
	}
	if next != l.cur {
		l.Select(next)
	}
	l.ScrollTo(next)
}

// page is how many items a page key moves: the items that fit, less one
// that stays in view, measured on a fresh item.
func (l *keyList) page() int {
	h := float32(0)
	if l.CreateItem != nil {
		h = l.CreateItem().MinSize().Height + theme.Size(theme.SizeNamePadding)
	}
	if h <= 0 {
		return 1
	}
	return max(1, int(l.Size().Height/h)-1)
}

// withScrollRoom pads o for a vertical scroller: a margin on the left and,
// on the right, room for the scroll bar as well, so wrapped text (a
// device's lease, its story in plain words) ends before the pane's edge.
func withScrollRoom(o fyne.CanvasObject) fyne.CanvasObject {
	return container.New(scrollRoom{}, o)
}

type scrollRoom struct{}

func (scrollRoom) insets() (left, right, vert float32) {
	p := theme.Padding()
	return 2 * p, 2*p + theme.ScrollBarSize(), p
}

func (r scrollRoom) MinSize(objs []fyne.CanvasObject) fyne.Size {
	l, rt, v := r.insets()
	s := objs[0].MinSize()
	return fyne.NewSize(s.Width+l+rt, s.Height+2*v)
}

func (r scrollRoom) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	l, rt, v := r.insets()
	objs[0].Move(fyne.NewPos(l, v))
	objs[0].Resize(fyne.NewSize(size.Width-l-rt, size.Height-2*v))
}
