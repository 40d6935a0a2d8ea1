package ui

import (
	"context"
	"fmt"
	"image/color"
	"sort"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"thingsniff/app"
	"thingsniff/decode"
)

// column is one column of a table: its title, width and alignment.
type column struct {
	title string
	width float32
	align fyne.TextAlign
}

// packetColumns are Wireshark's packet-list columns.
func packetColumns() []column {
	return []column{
		{"No.", 72, fyne.TextAlignTrailing},
		{"Time", 118, fyne.TextAlignTrailing},
		{"Source", 190, fyne.TextAlignLeading},
		{"Destination", 190, fyne.TextAlignLeading},
		{"Protocol", 84, fyne.TextAlignLeading},
		{"Length", 70, fyne.TextAlignTrailing},
		{"Info", 500, fyne.TextAlignLeading},
	}
}

// packetsView is the packet list with its filter bar above and the
// selected packet's details below.
type packetsView struct {
	u       *UI
	cols    []column
	table   *listTable
	list    *fyne.Container // the table, its last column filling the width
	filter  *widget.Entry
	bar     *filterBar
	count   *widget.Label
	follow  *widget.Check
	details *detailsView
	content fyne.CanvasObject

	n        int    // packets readable
	shown    []int  // packet indexes the filter let through, ascending; nil shows all
	expr     string // the filter behind shown
	exprN    int    // how many packets the filter looked at
	selected int    // packet index on show in the details, -1 for none
	cancel   context.CancelFunc
	seq      uint64 // filter runs, so a late result of an older run is dropped
	// sort is the column order the header asked for; order is the view
	// in that order (nil while unsorted or sorting) and rowPos maps a
	// packet to its row in it (-1 when not in the view).
	sort      packetSort
	order     []int
	rowPos    []int32
	sortN     int // packets readable when order was made
	sortStop  context.CancelFunc
	sortSeq   uint64
	sortStart func() // tests: told when a sort starts
	sortDone  func() // the bench: told when sorted rows show
	// src formats the rows of u.rows (srcOf) on a worker and mirrors the
	// view: n readable packets, shown when filtered.
	src   *app.RowSource
	srcOf *app.Rows
	// probeMax is the highest row drawn during a probe: it tells whether
	// the bottom row was on screen before new rows came.
	probeMin, probeMax int
	probing            bool
	// startAtTop keeps the next capture's list at its first rows (a
	// saved file, or the demo, which tells a story from its start).
	startAtTop bool
}

func newPacketsView(u *UI) *packetsView {
	p := &packetsView{u: u, cols: packetColumns(), selected: -1}
	p.table = newListTable(p.length, newTintedCell, p.updateCell)
	p.table.move = p.move
	p.table.menu = p.openRowMenu
	p.table.showColumns(p.cols, p.updateHeader)
	p.table.OnSelected = func(id widget.TableCellID) { p.selectRow(id.Row) }

	p.bar = newFilterBar(u, p.applyFilter)
	p.filter = p.bar.field()
	p.filter.ActionItem = widget.NewButtonWithIcon("", theme.ContentClearIcon(), func() { p.setFilter("") })
	apply := widget.NewButtonWithIcon("Apply", theme.SearchIcon(), func() { p.bar.submit(p.filter.Text, p.applyFilter) })
	p.count = widget.NewLabel("")
	p.follow = widget.NewCheck("Follow new packets", nil)
	p.follow.SetChecked(true)
	stream := widget.NewButtonWithIcon("Follow stream", theme.MailForwardIcon(), u.followSelected)
	bar := container.NewBorder(nil, nil, widget.NewIcon(theme.SearchIcon()),
		container.NewHBox(p.bar.recent, apply, p.count, p.follow, stream), p.bar.entry)

	p.details = newDetailsView()
	p.details.menu = p.openLineMenu
	p.list = container.New(&fillColumn{table: p.table, col: len(p.cols) - 1, cols: p.cols}, p.table)
	split := container.NewVSplit(p.list, p.details.content)
	split.Offset = 0.55
	p.content = container.NewBorder(container.NewPadded(container.NewVBox(bar, p.bar.message)), nil, nil, nil, split)
	return p
}

// newTintedCell is a table cell: a label over a background that marks
// the row.
func newTintedCell() fyne.CanvasObject {
	l := widget.NewLabel("")
	l.Truncation = fyne.TextTruncateEllipsis
	return container.New(denseCell{}, canvas.NewRectangle(color.Transparent), l)
}

// denseCell stacks a cell's background and label and says the cell is
// one dense line high whatever theme measures it: the table takes its
// row pitch from a template cell measured outside the table's theme.
type denseCell struct{}

func (denseCell) MinSize(objs []fyne.CanvasObject) fyne.Size {
	w := float32(0)
	for _, o := range objs {
		w = max(w, o.MinSize().Width)
	}
	return fyne.NewSize(w, denseLineHeight())
}

func (denseCell) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	for _, o := range objs {
		o.Move(fyne.NewPos(0, 0))
		o.Resize(size)
	}
}

func setCell(o fyne.CanvasObject, text string, align fyne.TextAlign, bg color.Color, style fyne.TextStyle) {
	c := o.(*fyne.Container)
	r := c.Objects[0].(*canvas.Rectangle)
	if r.FillColor != bg {
		r.FillColor = bg
		r.Refresh()
	}
	l := c.Objects[1].(*widget.Label)
	if l.Text == text && l.Alignment == align && l.TextStyle == style {
		return
	}
	l.Alignment, l.TextStyle = align, style
	l.SetText(text)
}

func (p *packetsView) updateHeader(id widget.TableCellID, o fyne.CanvasObject) {
	h := o.(*headerButton)
	if id.Col < 0 || id.Col >= len(p.cols) {
		return
	}
	col := id.Col
	h.onTap = func() { p.sortBy(col) }
	h.label.Alignment = p.cols[col].align
	h.label.SetText(p.cols[col].title + p.sort.arrow(col))
}

// view is the packets the table shows, in row order: sorted, filtered,
// or nil for all packets in capture order.
func (p *packetsView) view() []int {
	if p.order != nil {
		return p.order
	}
	return p.shown
}

func (p *packetsView) length() (int, int) {
	if v := p.view(); v != nil {
		return len(v), len(p.cols)
	}
	return p.n, len(p.cols)
}

// packetAt maps a table row to a packet index.
func (p *packetsView) packetAt(row int) int {
	if v := p.view(); v != nil {
		if row < len(v) {
			return v[row]
		}
		return -1
	}
	if row < p.n {
		return row
	}
	return -1
}

// rowOf maps a packet index to its table row, -1 when filtered out.
func (p *packetsView) rowOf(i int) int {
	if p.order != nil {
		if i < len(p.rowPos) {
			return int(p.rowPos[i])
		}
		return -1
	}
	if p.shown == nil {
		if i < p.n {
			return i
		}
		return -1
	}
	k := sort.SearchInts(p.shown, i)
	if k < len(p.shown) && p.shown[k] == i {
		return k
	}
	return -1
}

func (p *packetsView) updateCell(id widget.TableCellID, o fyne.CanvasObject) {
	if p.probing {
		if id.Row > p.probeMax {
			p.probeMax = id.Row
		}
		if p.probeMin < 0 || id.Row < p.probeMin {
			p.probeMin = id.Row
		}
	}
	i := p.packetAt(id.Row)
	src := p.source()
	if i < 0 || src == nil {
		setCell(o, "", fyne.TextAlignLeading, color.Transparent, fyne.TextStyle{})
		return
	}
	// Only strings made on the worker are assigned here; a row whose
	// chunk is still being formatted stays blank until ready refreshes.
	row, ok := src.Row(id.Row)
	if !ok {
		bg := pendingColor()
		if i == p.selected {
			bg = tintSelected.color()
		}
		setCell(o, "", p.cols[id.Col].align, bg, fyne.TextStyle{})
		return
	}
	setCell(o, row.Text(app.SortColumn(id.Col)), p.cols[id.Col].align, p.rowTint(i, row).color(), fyne.TextStyle{})
}

// pendingColor marks a row whose chunk is on its way: a faint neutral
// grey, unlike any tint that says something about the packet.
func pendingColor() color.Color { return color.NRGBA{R: 0x80, G: 0x80, B: 0x80, A: 0x18} }

// source returns the row source of the capture on show, making a new one
// (and stopping the old one's worker) when the capture changed.
func (p *packetsView) source() *app.RowSource {
	if p.srcOf != p.u.rows {
		if p.src != nil {
			p.src.Close()
		}
		p.src, p.srcOf = nil, p.u.rows
		if p.u.rows != nil {
			p.src = app.NewRowSource(p.u.rows, p.u.dispatch, p.chunkReady)
			p.src.Grow(p.n)
			p.src.Show(p.view(), p.shown)
		}
	}
	return p.src
}

// chunkReady redraws the rows on screen after the worker delivered a
// chunk of rows (one call per chunk).
func (p *packetsView) chunkReady() { p.table.Refresh() }

// notBad are the TCP analysis marks Wireshark's "Bad TCP" colouring
// leaves out.
const notBad = decode.AnalysisWindowUpdate | decode.AnalysisKeepAlive | decode.AnalysisKeepAliveAck

func (p *packetsView) rowTint(i int, row app.Row) tint {
	switch {
	case i == p.selected:
		return tintSelected
	case row.Flags.Has(decode.FlagMalformed):
		return tintMalformed
	case row.Flags.Has(decode.FlagTCPRst):
		return tintReset
	case row.Analysis != 0 && !row.Analysis.Any(notBad): // Wireshark's "Bad TCP"
		return tintRetrans
	}
	return tintNone
}

func (p *packetsView) selectRow(row int) {
	i := p.packetAt(row)
	if i < 0 || p.u.rows == nil {
		return
	}
	p.selected = i
	p.follow.SetChecked(false)
	nodes, data, err := p.u.rows.Details(i)
	p.details.show(nodes, data, err)
	p.table.Refresh()
}

// goTo selects packet number no (1-based), clearing a filter that hides it.
func (p *packetsView) goTo(no int) error {
	i := no - 1
	if i < 0 || i >= p.n {
		return fmt.Errorf("there is no packet %d: this capture has %s", no, plural(p.n, "packet", "packets"))
	}
	if p.rowOf(i) < 0 {
		p.setFilter("")
	}
	row := p.rowOf(i)
	if row < 0 {
		return fmt.Errorf("packet %d came after the list was sorted: it joins the list when the capture ends", no)
	}
	p.table.Select(widget.TableCellID{Row: row, Col: 0})
	p.reveal(row)
	return nil
}

// move selects the row a navigation key leads to from the selected one.
func (p *packetsView) move(key fyne.KeyName) bool {
	rows, _ := p.length()
	if rows == 0 {
		return false
	}
	cur := -1
	if p.selected >= 0 {
		cur = p.rowOf(p.selected)
	}
	next, ok := navTarget(key, cur, rows, tablePage(p.table))
	if !ok {
		return false
	}
	if next != cur {
		p.table.Select(widget.TableCellID{Row: next, Col: 0})
	}
	p.reveal(next)
	return true
}

// reveal scrolls row into view. The table's own ScrollTo adds row
// heights one by one in float32 and lands rows away from the target on
// long lists, so this finds the rows on screen and scrolls by offset.
func (p *packetsView) reveal(row int) {
	first, last := p.visibleRows()
	if row > first && row < last {
		return
	}
	pitch := denseRowPitch()
	y := float32(row) * pitch
	if row >= last {
		y = float32(row+1)*pitch - (p.table.Size().Height - pitch)
	}
	p.scrollTo(max(y, 0))
}

// scrollTo scrolls the list to offset y. The scroller checks an offset
// against the size its rows had when it last laid them out, and lays
// them out again only after that check, so rows added since then need a
// second call.
func (p *packetsView) scrollTo(y float32) {
	pos := fyne.NewPos(0, y)
	p.table.ScrollToOffset(pos)
	p.table.ScrollToOffset(pos)
}

// visibleRows returns the first and last rows drawn at the current
// scroll position (partly visible ones included).
func (p *packetsView) visibleRows() (first, last int) {
	p.probing, p.probeMin, p.probeMax = true, -1, -1
	p.table.Refresh()
	p.probing = false
	return p.probeMin, p.probeMax
}

// reset empties the view for a new capture (or none).
func (p *packetsView) reset() {
	p.cancelFilter()
	p.cancelSort()
	p.sort, p.order, p.rowPos = packetSort{col: -1}, nil, nil
	p.n, p.shown, p.expr, p.exprN, p.selected = 0, nil, "", 0, -1
	if p.src != nil {
		p.src.Close()
	}
	p.src, p.srcOf = nil, nil
	p.source()
	p.filter.SetText("")
	p.follow.SetChecked(!p.startAtTop)
	p.startAtTop = false
	p.table.UnselectAll()
	p.details.clear()
	p.table.ScrollToTop()
	p.table.Refresh()
	p.updateCount()
}

// grow takes the news that n packets are readable.
func (p *packetsView) grow(n int, done bool) {
	old := p.n
	p.n = n
	if src := p.source(); src != nil {
		src.Grow(n)
	}
	if p.shown != nil {
		if done && p.exprN < n {
			p.runFilter(p.expr)
		}
		p.updateCount()
		return
	}
	if p.sort.col >= 0 {
		// A sorted view takes new packets in when the load is done.
		if done && p.sortN < n {
			p.runSort()
		}
		p.updateCount()
		return
	}
	p.updateCount()
	if n == old {
		return
	}
	// Draw the rows at the current scroll position: if the last old row
	// is among them, the user has not scrolled up, so keep following.
	_, last := p.visibleRows()
	switch {
	case p.follow.Checked && last >= old-1:
		p.scrollToEnd()
	case p.follow.Checked && last >= 0:
		// The user scrolled up to read: stop following until asked.
		p.follow.SetChecked(false)
	}
}

// scrollToEnd shows the last row. The table's own ScrollTo and
// ScrollToBottom add row heights one by one in float32 and fall short on
// long lists; an offset past the end is clamped by the scroller, which
// measures the rows as a whole.
func (p *packetsView) scrollToEnd() { p.scrollTo(1e30) }

func (p *packetsView) updateCount() {
	switch {
	case p.u.loaded == nil:
		p.count.SetText("")
	case p.shown != nil:
		p.count.SetText(fmt.Sprintf("%s of %s", decode.Thousands(len(p.shown)), plural(p.n, "packet", "packets")))
	default:
		p.count.SetText(plural(p.n, "packet", "packets"))
	}
}

// setFilter shows expr in the filter entry and applies it.
func (p *packetsView) setFilter(expr string) {
	p.filter.SetText(expr)
	p.applyFilter(expr)
}

// applyFilter shows the packets that match expr; an empty expr shows all.
func (p *packetsView) applyFilter(expr string) {
	expr = strings.TrimSpace(expr)
	p.cancelFilter()
	if expr == "" {
		p.show(nil, "", 0)
		p.bar.applied("", nil)
		return
	}
	p.runFilter(expr)
}

// runFilter filters the readable packets off the UI goroutine.
func (p *packetsView) runFilter(expr string) {
	l := p.u.loaded
	if l == nil {
		return
	}
	p.cancelFilter()
	ctx, cancel := context.WithCancel(context.Background())
	p.cancel = cancel
	p.seq++
	seq, n := p.seq, p.n
	p.count.SetText("Filtering…")
	p.u.background(func() func() {
		sel, err := app.Select(ctx, l, expr, n)
		return func() {
			if seq != p.seq || p.u.loaded != l {
				return
			}
			p.cancel = nil
			if err != nil {
				if ctx.Err() == nil {
					// No stale rows under a filter that failed.
					p.bar.failed(expr, err)
					p.show([]int{}, expr, n)
				}
				cancel()
				return
			}
			cancel()
			p.u.status.clearMessageUnlessError()
			found := sel.Packets
			if found == nil {
				found = []int{}
			}
			p.show(found, expr, n)
			p.bar.applied(expr, sel)
		}
	})
}

func (p *packetsView) cancelFilter() {
	if p.cancel != nil {
		p.cancel()
		p.cancel = nil
	}
	p.seq++
}

// show puts a filter's result on screen, keeping the selected packet
// selected when it passed.
func (p *packetsView) show(shown []int, expr string, n int) {
	p.table.UnselectAll()
	p.shown, p.expr, p.exprN = shown, expr, n
	p.order, p.rowPos = nil, nil
	if p.sort.col >= 0 {
		// The filter's packets are sorted afresh; until then they show
		// in capture order.
		p.runSort()
	}
	p.showView()
}

// showView puts the view (filtered, sorted) on screen, keeping the
// selected packet selected when it is in the view.
func (p *packetsView) showView() {
	p.table.UnselectAll()
	if src := p.source(); src != nil {
		src.Show(p.view(), p.shown)
	}
	p.updateCount()
	p.table.Refresh()
	if p.selected >= 0 {
		if row := p.rowOf(p.selected); row >= 0 {
			p.table.Select(widget.TableCellID{Row: row, Col: 0})
			p.reveal(row)
			return
		}
		// The packet on show did not pass: do not show it under rows
		// that do not hold it.
		p.selected = -1
		p.details.clear()
	}
	p.table.ScrollToTop()
}

// fillColumn lays out a table and widens its last column to fill the
// width the other columns leave, so Info is as long as the window allows.
type fillColumn struct {
	table *listTable
	col   int
	cols  []column
	width float32
}

func (f *fillColumn) MinSize(objs []fyne.CanvasObject) fyne.Size { return objs[0].MinSize() }

func (f *fillColumn) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	used := float32(0)
	for i, c := range f.cols {
		if i != f.col {
			used += c.width + 2 // column and separator
		}
	}
	w := max(f.cols[f.col].width, size.Width-used-24)
	if w != f.width {
		f.width = w
		f.table.SetColumnWidth(f.col, w)
	}
	objs[0].Resize(size)
	objs[0].Move(fyne.NewPos(0, 0))
}
