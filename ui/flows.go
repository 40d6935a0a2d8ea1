package ui

import (
	"cmp"
	"fmt"
	"image/color"
	"slices"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"thingsniff/app"
	"thingsniff/decode"
)

// Flow table columns, in order.
const (
	fcFollow = iota
	fcID
	fcProto
	fcClient
	fcServer
	fcPackets
	fcBytes
	fcDuration
	fcState
	fcClosedBy
	fcClose
	fcIdle
	fcRetrans
	fcApp
	flowColumnCount
)

func flowColumns() []column {
	return []column{
		fcFollow:   {"Stream", 64, fyne.TextAlignCenter},
		fcID:       {"ID", 56, fyne.TextAlignTrailing},
		fcProto:    {"Proto", 66, fyne.TextAlignLeading},
		fcClient:   {"Client", 170, fyne.TextAlignLeading},
		fcServer:   {"Server", 170, fyne.TextAlignLeading},
		fcPackets:  {"Packets →/←", 100, fyne.TextAlignTrailing},
		fcBytes:    {"Bytes →/←", 120, fyne.TextAlignTrailing},
		fcDuration: {"Duration", 80, fyne.TextAlignTrailing},
		fcState:    {"State", 84, fyne.TextAlignLeading},
		fcClosedBy: {"Closed by", 86, fyne.TextAlignLeading},
		fcClose:    {"Close", 56, fyne.TextAlignLeading},
		fcIdle:     {"Idle before close", 128, fyne.TextAlignTrailing},
		fcRetrans:  {"Retrans", 66, fyne.TextAlignTrailing},
		fcApp:      {"App", 70, fyne.TextAlignLeading},
	}
}

// flowCells is one flow's row, formatted once when the flow changes, and
// its lower-cased text for the filter.
type flowCells struct {
	text   [flowColumnCount]string
	search string
}

// flowsView is the table of conversations. It keeps its own copy of every
// flow, updated from batches, and shows them in the order and selection
// that the header and the filter entry ask for.
type flowsView struct {
	u      *UI
	cols   []column
	table  *listTable
	filter *widget.Entry
	count  *widget.Label
	// cursor is the row the keys have moved to (-1 for none): marked,
	// not opened; Enter opens it as a click would.
	cursor int

	flows []decode.Flow
	cells []flowCells
	pos   map[uint32]int // flow ID -> index in flows
	// order lists indexes into flows in display order; nil shows all
	// flows in the order they came.
	order   []int
	sortCol int // -1 for arrival order
	desc    bool
	text    string // lower-cased filter text
	seq     uint64 // sort runs, so that a late result of an older run is dropped

	content fyne.CanvasObject
}

func newFlowsView(u *UI) *flowsView {
	v := &flowsView{u: u, cols: flowColumns(), sortCol: -1, pos: map[uint32]int{}, cursor: -1}
	v.table = newListTable(v.length, newTintedCell, v.updateCell)
	v.table.move = v.move
	v.table.showColumns(v.cols, v.updateHeader)
	v.table.OnSelected = v.selected
	v.table.menu = v.openRowMenu
	v.filter = widget.NewEntry()
	v.filter.SetPlaceHolder("Filter flows by any text: an address, a port, tcp, server, rst, http…")
	v.filter.OnChanged = v.filterChanged
	v.filter.ActionItem = widget.NewButtonWithIcon("", theme.ContentClearIcon(), func() { v.filter.SetText("") })
	v.count = widget.NewLabel("")
	legend := container.NewHBox(
		swatch(tintServer), widget.NewLabel("closed by the server"),
		swatch(tintReset), widget.NewLabel("reset"),
	)
	bar := container.NewBorder(nil, nil, widget.NewIcon(theme.SearchIcon()), container.NewHBox(v.count, legend), v.filter)
	hint := widget.NewLabel("Click a flow to see its packets, Follow to read its conversation, right-click it for more; click a column title to sort.")
	hint.Importance = widget.LowImportance
	v.content = container.NewBorder(container.NewPadded(bar), container.NewPadded(hint), nil, nil,
		v.table)
	v.reset()
	return v
}

func (v *flowsView) filterChanged(s string) {
	v.text = strings.ToLower(strings.TrimSpace(s))
	v.resort()
}

func swatch(t tint) fyne.CanvasObject {
	r := canvas.NewRectangle(t.color())
	r.CornerRadius = 3
	r.SetMinSize(fyne.NewSize(16, 16))
	return container.NewCenter(r)
}

// reset empties the table for a new capture (or none): no flows, no
// filter text, arrival order.
func (v *flowsView) reset() {
	v.seq++
	v.flows, v.cells, v.order, v.cursor = nil, nil, nil, -1
	v.sortCol, v.desc, v.text = -1, false, ""
	if v.filter.Text != "" {
		v.filter.OnChanged, v.filter.Text = nil, ""
		v.filter.Refresh()
		v.filter.OnChanged = v.filterChanged
	}
	clear(v.pos)
	v.table.UnselectAll()
	v.table.ScrollToTop()
	v.table.Refresh()
	v.updateCount()
}

func (v *flowsView) length() (int, int) {
	if v.order != nil {
		return len(v.order), len(v.cols)
	}
	return len(v.flows), len(v.cols)
}

func (v *flowsView) flowAt(row int) int {
	if v.order != nil {
		if row < len(v.order) {
			return v.order[row]
		}
		return -1
	}
	if row < len(v.flows) {
		return row
	}
	return -1
}

func (v *flowsView) updateCell(id widget.TableCellID, o fyne.CanvasObject) {
	k := v.flowAt(id.Row)
	if k < 0 || id.Col >= len(v.cols) {
		setCell(o, "", fyne.TextAlignLeading, color.Transparent, fyne.TextStyle{})
		return
	}
	f := &v.flows[k]
	t := tintNone
	switch {
	case id.Row == v.cursor:
		t = tintSelected
	case f.Close == decode.CloseRST:
		t = tintReset
	case f.ClosedBy == decode.SideServer:
		t = tintServer
	}
	style := fyne.TextStyle{Bold: id.Col == fcClosedBy || id.Col == fcClose || id.Col == fcFollow}
	setCell(o, v.cells[k].text[id.Col], v.cols[id.Col].align, t.color(), style)
}

func (v *flowsView) updateHeader(id widget.TableCellID, o fyne.CanvasObject) {
	h := o.(*headerButton)
	if id.Col < 0 || id.Col >= len(v.cols) {
		return
	}
	title := v.cols[id.Col].title + sortArrow(id.Col, v.sortCol, v.desc)
	col := id.Col
	h.onTap = func() { v.sortBy(col) }
	h.label.Alignment = v.cols[id.Col].align
	h.label.SetText(title)
}

// sortBy sorts by col, or reverses the order when col is already the key.
func (v *flowsView) sortBy(col int) {
	if v.sortCol == col {
		v.desc = !v.desc
	} else {
		v.sortCol, v.desc = col, false
	}
	v.resort()
}

// move moves the cursor row with a navigation key, Enter opens it.
func (v *flowsView) move(key fyne.KeyName) bool {
	rows, _ := v.length()
	if rows == 0 {
		return false
	}
	if key == fyne.KeyReturn || key == fyne.KeyEnter {
		if v.cursor >= 0 {
			v.selected(widget.TableCellID{Row: v.cursor, Col: fcID})
		}
		return true
	}
	next, ok := navTarget(key, v.cursor, rows, tablePage(v.table))
	if !ok {
		return false
	}
	v.cursor = next
	v.table.ScrollTo(widget.TableCellID{Row: v.cursor, Col: fcID})
	v.table.Refresh()
	return true
}

func (v *flowsView) selected(id widget.TableCellID) {
	k := v.flowAt(id.Row)
	v.cursor = id.Row
	v.table.UnselectAll()
	if k < 0 {
		return
	}
	if v.table.rightClick {
		v.table.Refresh() // the cursor's row; its menu acts
		return
	}
	if id.Col == fcFollow && v.cells[k].text[fcFollow] != "" {
		v.u.FollowFlow(v.flows[k].ID)
		return
	}
	v.u.ShowPackets("flow " + strconv.FormatUint(uint64(v.flows[k].ID), 10))
}

// update takes changed flows from a batch.
func (v *flowsView) update(changed []decode.Flow, done bool) {
	if len(changed) > 0 {
		slices.SortFunc(changed, func(a, b decode.Flow) int { return int(a.ID) - int(b.ID) })
		for _, f := range changed {
			c := formatFlow(&f)
			if k, ok := v.pos[f.ID]; ok {
				v.flows[k], v.cells[k] = f, c
				continue
			}
			k := len(v.flows)
			v.pos[f.ID] = k
			v.flows = append(v.flows, f)
			v.cells = append(v.cells, c)
			if v.order != nil && matches(&c, v.text) {
				v.order = append(v.order, k)
			}
		}
		v.table.Refresh()
		v.updateCount()
	}
	if done && v.order != nil {
		v.resort()
	}
}

func (v *flowsView) updateCount() {
	if v.order != nil && (v.text != "" || len(v.order) != len(v.flows)) {
		v.count.SetText(fmt.Sprintf("%s of %s", decode.Thousands(len(v.order)), plural(len(v.flows), "flow", "flows")))
		return
	}
	v.count.SetText(plural(len(v.flows), "flow", "flows"))
}

// resort orders and filters a copy of the flows off the UI goroutine.
func (v *flowsView) resort() {
	v.seq++
	bar := v.u.packets.bar
	if v.sortCol < 0 && v.text == "" && bar.sel == nil && !bar.blocked() {
		v.order = nil
		v.table.Refresh()
		v.updateCount()
		return
	}
	seq, col, desc, text, passes := v.seq, v.sortCol, v.desc, v.text, bar.flowPass()
	flows, cells := slices.Clone(v.flows), slices.Clone(v.cells)
	v.u.background(func() func() {
		order := sortFlows(flows, cells, col, desc, text)
		order = slices.DeleteFunc(order, func(k int) bool { return !passes(flows[k].ID) })
		return func() {
			if seq != v.seq {
				return
			}
			// Flows that came while sorting go at the end until next time.
			for k := len(flows); k < len(v.flows); k++ {
				if matches(&v.cells[k], text) && passes(v.flows[k].ID) {
					order = append(order, k)
				}
			}
			v.order, v.cursor = order, -1
			v.table.UnselectAll()
			v.table.Refresh()
			v.table.ScrollToTop()
			v.updateCount()
		}
	})
}

func matches(c *flowCells, text string) bool {
	return text == "" || strings.Contains(c.search, text)
}

// sortFlows returns the indexes of the flows whose text contains text,
// ordered by column col (arrival order when col is negative).
func sortFlows(flows []decode.Flow, cells []flowCells, col int, desc bool, text string) []int {
	order := make([]int, 0, len(flows))
	for k := range flows {
		if matches(&cells[k], text) {
			order = append(order, k)
		}
	}
	if col < 0 {
		return order
	}
	slices.SortStableFunc(order, func(a, b int) int {
		c := compareFlows(&flows[a], &flows[b], col)
		if c == 0 {
			c = int(flows[a].ID) - int(flows[b].ID)
			return c
		}
		if desc {
			return -c
		}
		return c
	})
	return order
}

func compareFlows(a, b *decode.Flow, col int) int {
	switch col {
	case fcID:
		return cmp.Compare(a.ID, b.ID)
	case fcProto:
		return strings.Compare(a.Proto.String(), b.Proto.String())
	case fcClient:
		return a.Client.Compare(b.Client)
	case fcServer:
		return a.Server.Compare(b.Server)
	case fcPackets:
		return cmp.Compare(a.TotalPackets(), b.TotalPackets())
	case fcBytes:
		return cmp.Compare(a.TotalBytes(), b.TotalBytes())
	case fcDuration:
		return cmp.Compare(a.Last-a.First, b.Last-b.First)
	case fcState:
		return strings.Compare(a.State.String(), b.State.String())
	case fcClosedBy:
		return cmp.Compare(uint8(a.ClosedBy), uint8(b.ClosedBy))
	case fcClose:
		return cmp.Compare(uint8(a.Close), uint8(b.Close))
	case fcIdle:
		return cmp.Compare(int64(a.IdleBeforeClose()), int64(b.IdleBeforeClose()))
	case fcRetrans:
		return cmp.Compare(a.Retransmissions, b.Retransmissions)
	case fcApp:
		return strings.Compare(appName(a), appName(b))
	}
	return 0
}

func appName(f *decode.Flow) string {
	switch f.App {
	case decode.ProtoUnknown, decode.ProtoTCP, decode.ProtoUDP, f.Proto:
		return ""
	}
	return f.App.String()
}

// formatFlow formats every cell of f's row.
func formatFlow(f *decode.Flow) flowCells {
	var c flowCells
	t := &c.text
	t[fcID] = strconv.FormatUint(uint64(f.ID), 10)
	t[fcProto] = f.Proto.String()
	t[fcClient] = endpoint(f, true)
	t[fcServer] = endpoint(f, false)
	t[fcPackets] = decode.Thousands(int(f.Packets[0])) + " / " + decode.Thousands(int(f.Packets[1]))
	t[fcBytes] = decode.FormatBytes(f.Bytes[0]) + " / " + decode.FormatBytes(f.Bytes[1])
	t[fcDuration] = decode.FormatDuration(f.Duration())
	t[fcState] = f.State.String()
	t[fcClosedBy] = f.ClosedBy.String()
	t[fcClose] = strings.ToUpper(f.Close.String())
	if f.Close != decode.CloseNone {
		t[fcIdle] = decode.FormatDuration(f.IdleBeforeClose())
	}
	t[fcRetrans] = ""
	if f.Retransmissions > 0 {
		t[fcRetrans] = decode.Thousands(int(f.Retransmissions))
	}
	t[fcApp] = appName(f)
	c.search = strings.ToLower(strings.Join(t[:], " "))
	if f.Proto == decode.ProtoTCP || f.Proto == decode.ProtoUDP {
		t[fcFollow] = "Follow"
	}
	return c
}

func endpoint(f *decode.Flow, client bool) string {
	ap := f.Server
	if client {
		ap = f.Client
	}
	if !ap.IsValid() {
		return ""
	}
	if f.Proto == decode.ProtoICMP || f.Proto == decode.ProtoICMPv6 {
		return ap.Addr().String()
	}
	return ap.String()
}

// headerButton is a column title that sorts when tapped.
type headerButton struct {
	widget.BaseWidget
	label *widget.Label
	onTap func()
}

func newHeaderButton() *headerButton {
	h := &headerButton{label: widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})}
	h.label.Truncation = fyne.TextTruncateEllipsis
	h.ExtendBaseWidget(h)
	return h
}

// Tapped sorts by this column.
func (h *headerButton) Tapped(*fyne.PointEvent) {
	if h.onTap != nil {
		h.onTap()
	}
}

// MinSize is one dense line: the table sizes its rows by its header, and
// the header is measured outside the table's theme.
func (h *headerButton) MinSize() fyne.Size {
	return fyne.NewSize(h.label.MinSize().Width, denseLineHeight())
}

// CreateRenderer shows the label.
func (h *headerButton) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(h.label)
}

// openRowMenu opens the menu of the flow under a right click.
func (v *flowsView) openRowMenu(at fyne.Position) {
	if m := v.rowMenu(v.flowAt(v.cursor)); m != nil {
		widget.ShowPopUpMenuAtPosition(m, v.u.win.Canvas(), at)
	}
}

// rowMenu is flow k's menu: its packets, its stream, the packet list
// without it, and copies of its row and of its conversation's filter
// (addresses and ports, as Wireshark writes it). Nil for no flow.
func (v *flowsView) rowMenu(k int) *fyne.Menu {
	if k < 0 || k >= len(v.flows) {
		return nil
	}
	f := v.flows[k]
	id := strconv.FormatUint(uint64(f.ID), 10)
	follow := fyne.NewMenuItemWithIcon("Follow stream", theme.MailForwardIcon(), func() { v.u.FollowFlow(f.ID) })
	follow.Disabled = !v.u.canFollow(f.ID)
	return fyne.NewMenu("",
		fyne.NewMenuItemWithIcon("Show its packets", theme.SearchIcon(), func() { v.u.ShowPackets("flow " + id) }),
		follow,
		fyne.NewMenuItemWithIcon("Show the packets of every other flow", theme.SearchIcon(), func() { v.u.ShowPackets("!(flow " + id + ")") }),
		fyne.NewMenuItemSeparator(),
		fyne.NewMenuItemWithIcon("Copy the row", theme.ContentCopyIcon(), func() {
			v.u.app.Clipboard().SetContent(strings.Join(v.cells[k].text[fcID:], "\t"))
		}),
		fyne.NewMenuItemWithIcon("Copy its conversation's filter", theme.ContentCopyIcon(), func() {
			v.u.app.Clipboard().SetContent(app.FlowFilter(f))
		}),
	)
}
