package ui

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"thingsniff/app"
	"thingsniff/decode"
	"thingsniff/decode/device"
	"thingsniff/decode/stats"
)

// statsTitles names each statistic in the Statistics menu and on its tab.
var statsTitles = map[string]string{
	"protocols":     "Protocol hierarchy",
	"endpoints":     "Endpoints",
	"conversations": "Conversations",
	"dns":           "DNS",
	"http":          "HTTP",
	"io":            "I/O",
	"expert":        "Expert info",
}

// statsView is the Statistics tab: one inner tab per statistic (and per
// chart), all from one pass over the capture (app.Loaded.Stats) that runs
// off the UI goroutine the first time the tab is asked for, and again on
// Refresh.
type statsView struct {
	u      *UI
	tab    *container.TabItem
	inner  *container.AppTabs
	panes  map[string]*statsPane
	charts *charts
	status *widget.Label
	notes  *widget.Label

	loaded  *app.Loaded // the capture result is of
	result  *stats.Result
	running bool
	cancel  context.CancelFunc
}

// statsPane is one statistic's tab: its tables (two for HTTP) and the
// Export CSV button.
type statsPane struct {
	kind    string
	item    *container.TabItem
	box     *fyne.Container
	tables  []*statTable
	content fyne.CanvasObject
}

// statsOf returns the window's statistics view, made on first use.
func (u *UI) statsOf() *statsView {
	if u.stats == nil {
		u.stats = newStatsView(u)
	}
	return u.stats
}

func newStatsView(u *UI) *statsView {
	v := &statsView{u: u, panes: map[string]*statsPane{}}
	v.status = widget.NewLabel("")
	v.notes = widget.NewLabel("")
	v.notes.Wrapping = fyne.TextWrapWord
	v.notes.Importance = widget.WarningImportance
	v.notes.Hide()
	v.inner = container.NewAppTabs()
	for _, k := range stats.Kinds {
		p := v.newPane(k)
		v.panes[k] = p
		v.inner.Append(p.item)
	}
	v.charts = newCharts(v)
	for _, p := range []*chartPane{v.charts.io, v.charts.timeline, v.charts.talk} {
		v.inner.Append(p.item)
	}
	refresh := widget.NewButtonWithIcon("Refresh", theme.ViewRefreshIcon(), func() { v.compute() })
	top := container.NewVBox(container.NewBorder(nil, nil, nil, refresh, v.status), v.notes)
	v.tab = container.NewTabItemWithIcon("Statistics", theme.GridIcon(), container.NewBorder(container.NewPadded(top), nil, nil, nil, v.inner))
	u.AddTab(v.tab)
	u.OnLoad(func(*app.Loaded) { v.reset() })
	return v
}

func (v *statsView) newPane(kind string) *statsPane {
	p := &statsPane{kind: kind, box: container.NewStack()}
	export := widget.NewButtonWithIcon("Export CSV…", theme.DocumentSaveIcon(), func() { v.exportDialog(p) })
	hint := widget.NewLabel(statsHints[kind])
	hint.Importance = widget.LowImportance
	hint.Truncation = fyne.TextTruncateEllipsis
	p.content = container.NewBorder(nil, container.NewBorder(nil, nil, nil, export, hint), nil, nil, p.box)
	p.item = container.NewTabItem(statsTitles[kind], p.content)
	return p
}

// statsHints say what a click on a row does.
var statsHints = map[string]string{
	"protocols":     "Click a protocol to see its packets; click a column title to sort.",
	"endpoints":     "Click an address to see its packets; click a column title to sort.",
	"conversations": "Click a host pair or a flow to see its packets; click a column title to sort.",
	"dns":           "Click a name to see the packets that carry it; click a column title to sort.",
	"http":          "Click a request to see its packets; click a column title to sort.",
	"io":            "Click an interval to see its packets; click a column title to sort.",
	"expert":        "Click an item to see its packets; click a column title to sort.",
}

// show brings the statistic kind to the front, computing the statistics
// first if the capture on screen has none yet.
func (v *statsView) show(kind string) {
	v.u.SelectTab(v.tab)
	if p := v.panes[kind]; p != nil {
		v.inner.Select(p.item)
	}
	if p := v.chartPanes()[kind]; p != nil {
		v.inner.Select(p.item)
	}
	if v.u.loaded == nil {
		v.status.SetText("Open a capture first.")
		return
	}
	if v.loaded != v.u.loaded && !v.running {
		v.compute()
	}
}

// compute reads the capture on screen again for its statistics, off the
// UI goroutine.
func (v *statsView) compute() {
	l := v.u.loaded
	if l == nil {
		return
	}
	if v.cancel != nil {
		v.cancel()
	}
	ctx, cancel := context.WithCancel(context.Background())
	v.cancel, v.running = cancel, true
	v.status.SetText("Counting " + l.Name + "…")
	v.u.background(func() func() {
		r, err := l.Stats(ctx, stats.Options{})
		var total stats.IOSeries
		var interval time.Duration
		var report *device.Report
		if err == nil {
			if !l.Streaming() {
				l.Wait() // the whole index, for the I/O graph of the whole file
			}
			total, interval = totalIO(l)
			report = l.DevicesSoFar()
		}
		return func() {
			if ctx.Err() != nil || v.u.loaded != l {
				return
			}
			v.running, v.cancel = false, nil
			cancel()
			if err != nil {
				v.status.SetText("")
				v.u.showError(err)
				return
			}
			v.install(l, r)
			v.charts.install(l, r, total, interval, report)
		}
	})
}

// install shows a result.
func (v *statsView) install(l *app.Loaded, r *stats.Result) {
	v.loaded, v.result = l, r
	v.status.SetText(fmt.Sprintf("%s: %s, %s over %s", filepath.Base(l.Name), plural(int(r.Packets), "packet", "packets"),
		decode.FormatBytes(r.Bytes), decode.FormatDuration(r.Last.Sub(r.First))))
	v.notes.SetText(strings.Join(r.Notes, "\n"))
	v.notes.Hidden = len(r.Notes) == 0
	v.notes.Refresh()
	for _, k := range stats.Kinds {
		p := v.panes[k]
		tables, err := r.Tables(k)
		if err != nil {
			continue // every kind of stats.Kinds has tables
		}
		p.tables = p.tables[:0]
		var objs []fyne.CanvasObject
		for _, t := range tables {
			st := newStatTable(v, k, t)
			p.tables = append(p.tables, st)
			objs = append(objs, st.content)
		}
		if len(objs) == 1 {
			p.box.Objects = objs
		} else {
			split := container.NewVSplit(objs[0], objs[1])
			split.Offset = 0.35
			p.box.Objects = []fyne.CanvasObject{split}
		}
		p.box.Refresh()
	}
}

// reset forgets the statistics of the capture that was on screen.
func (v *statsView) reset() {
	if v.cancel != nil {
		v.cancel()
		v.cancel = nil
	}
	v.running, v.loaded, v.result = false, nil, nil
	v.charts.reset()
	v.status.SetText("Open this tab from the Statistics menu to count the capture.")
	v.notes.Hide()
	for _, p := range v.panes {
		p.tables = nil
		p.box.Objects = nil
		p.box.Refresh()
	}
}

// exportDialog asks where to save a statistic as CSV.
func (v *statsView) exportDialog(p *statsPane) {
	if len(p.tables) == 0 {
		v.u.showError(fmt.Errorf("no %s to export yet: open a capture and wait for the count", statsTitles[p.kind]))
		return
	}
	tables := make([]*stats.Table, len(p.tables))
	for i, t := range p.tables {
		tables[i] = t.sorted()
	}
	v.u.saveFileDialog("thingsniff-"+p.kind+".csv", []string{".csv"}, func(path string) {
		v.u.background(func() func() {
			err := writeCSV(path, tables)
			return func() {
				if err != nil {
					v.u.showError(err)
					return
				}
				v.u.status.setMessage("Saved " + path)
			}
		})
	}).Show()
}

// writeCSV writes tables to path, a blank line between two.
func writeCSV(path string, tables []*stats.Table) error {
	var b bytes.Buffer
	for i, t := range tables {
		if i > 0 {
			b.WriteString("\n")
		}
		if err := t.WriteCSV(&b); err != nil {
			return err
		}
	}
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		return fmt.Errorf("export statistics: %w", err)
	}
	return nil
}

// statTable shows one stats.Table, sortable by any column.
type statTable struct {
	v       *statsView
	kind    string
	t       *stats.Table
	order   []int // rows of t in display order
	sortCol int   // -1: the table's own order
	desc    bool
	table   *widget.Table
	content fyne.CanvasObject
}

func newStatTable(v *statsView, kind string, t *stats.Table) *statTable {
	st := &statTable{v: v, kind: kind, t: t, sortCol: -1}
	st.resort()
	st.table = widget.NewTable(st.length, newTintedCell, st.updateCell)
	st.table.ShowHeaderRow = true
	st.table.CreateHeader = func() fyne.CanvasObject { return newHeaderButton() }
	st.table.UpdateHeader = st.updateHeader
	st.table.OnSelected = st.selected
	for i, w := range columnWidths(t) {
		st.table.SetColumnWidth(i, w)
	}
	title := widget.NewLabelWithStyle(fmt.Sprintf("%s (%s)", t.Title, plural(len(t.Rows), "row", "rows")), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	st.content = container.NewBorder(title, nil, nil, nil, st.table)
	return st
}

// columnWidths fits each column to its title and its widest cell among
// the first rows, within bounds.
func columnWidths(t *stats.Table) []float32 {
	const perChar, pad, most = 7.5, 24, 420
	out := make([]float32, len(t.Columns))
	for i, c := range t.Columns {
		n := len([]rune(c.Name)) + 2 // room for the sort arrow
		for _, row := range t.Rows[:min(len(t.Rows), 500)] {
			n = max(n, len([]rune(row[i])))
		}
		out[i] = min(float32(n)*perChar+pad, most)
	}
	return out
}

func (st *statTable) length() (int, int) { return len(st.order), len(st.t.Columns) }

func (st *statTable) updateCell(id widget.TableCellID, o fyne.CanvasObject) {
	if id.Row < 0 || id.Row >= len(st.order) || id.Col >= len(st.t.Columns) {
		setCell(o, "", fyne.TextAlignLeading, nil, fyne.TextStyle{})
		return
	}
	align := fyne.TextAlignLeading
	if st.t.Columns[id.Col].Numeric {
		align = fyne.TextAlignTrailing
	}
	setCell(o, st.t.Rows[st.order[id.Row]][id.Col], align, nil, fyne.TextStyle{})
}

func (st *statTable) updateHeader(id widget.TableCellID, o fyne.CanvasObject) {
	h := o.(*headerButton)
	if id.Col < 0 || id.Col >= len(st.t.Columns) {
		return
	}
	c := st.t.Columns[id.Col]
	title := c.Name + sortArrow(id.Col, st.sortCol, st.desc)
	col := id.Col
	h.onTap = func() { st.sortBy(col) }
	h.label.Alignment = fyne.TextAlignLeading
	if c.Numeric {
		h.label.Alignment = fyne.TextAlignTrailing
	}
	h.label.SetText(title)
}

// sortBy sorts by col, or reverses the order when col is already the key.
// Numbers sort busiest first on the first tap.
func (st *statTable) sortBy(col int) {
	if st.sortCol == col {
		st.desc = !st.desc
	} else {
		st.sortCol, st.desc = col, st.t.Columns[col].Numeric
	}
	st.resort()
	st.table.Refresh()
}

func (st *statTable) resort() {
	st.order = make([]int, len(st.t.Rows))
	for i := range st.order {
		st.order[i] = i
	}
	col := st.sortCol
	if col < 0 {
		return
	}
	numeric := st.t.Columns[col].Numeric
	slices.SortStableFunc(st.order, func(a, b int) int {
		x, y := st.t.Rows[a][col], st.t.Rows[b][col]
		c := 0
		if numeric {
			c = compareNumbers(x, y)
		} else {
			c = strings.Compare(strings.TrimSpace(x), strings.TrimSpace(y))
		}
		if st.desc {
			c = -c
		}
		return c
	})
}

// compareNumbers orders cells that hold numbers; an empty cell (unknown)
// comes first.
func compareNumbers(a, b string) int {
	x, errA := strconv.ParseFloat(a, 64)
	y, errB := strconv.ParseFloat(b, 64)
	switch {
	case errA != nil && errB != nil:
		return strings.Compare(a, b)
	case errA != nil:
		return -1
	case errB != nil:
		return 1
	case x < y:
		return -1
	case x > y:
		return 1
	}
	return 0
}

// sorted is the table in the order on screen, for export.
func (st *statTable) sorted() *stats.Table {
	out := &stats.Table{Title: st.t.Title, Columns: st.t.Columns, Rows: make([][]string, len(st.order))}
	for i, k := range st.order {
		out.Rows[i] = st.t.Rows[k]
	}
	return out
}

func (st *statTable) selected(id widget.TableCellID) {
	st.table.UnselectAll()
	if id.Row < 0 || id.Row >= len(st.order) {
		return
	}
	k := st.order[id.Row]
	var packets []uint32
	if k < len(st.t.Packets) {
		packets = st.t.Packets[k]
	}
	if expr := rowFilter(st.t, st.t.Rows[k], packets); expr != "" {
		st.v.u.ShowPackets(expr)
	}
}

// rowFilter is the packet filter that selects what a row of a statistic
// counts. Every expression the statistics and charts hand to the packet
// list is made here or in framesFilter.
func rowFilter(t *stats.Table, row []string, packets []uint32) string {
	cell := func(name string) string {
		for i, c := range t.Columns {
			if c.Name == name {
				return strings.TrimSpace(row[i])
			}
		}
		return ""
	}
	switch t.Title {
	case "Protocol hierarchy":
		return cell("protocol")
	case "Endpoints":
		if cell("type") == "eth" {
			return "mac " + cell("address")
		}
		return "host " + cell("address")
	case "Conversations":
		if id := cell("flow"); id != "" {
			return "flow " + id
		}
		return "host " + cell("a") + " host " + cell("b")
	case "DNS names":
		return cell("name")
	case "HTTP hosts":
		return cell("host")
	case "Expert information":
		return cell("filter")
	}
	if t.Title == "HTTP requests" || strings.HasPrefix(t.Title, "I/O") {
		return framesFilter(packets, t.Title != "HTTP requests")
	}
	return ""
}

// framesFilter selects packets by number: each one listed, or (span)
// every packet from the first to the last.
func framesFilter(packets []uint32, span bool) string {
	if len(packets) == 0 {
		return ""
	}
	if span {
		return fmt.Sprintf("frame %d-%d", packets[0], packets[len(packets)-1])
	}
	parts := make([]string, len(packets))
	for i, p := range packets {
		parts[i] = strconv.FormatUint(uint64(p), 10)
	}
	return "frame " + strings.Join(parts, ",")
}

// chartKinds name the pictures for show, in menu order.
var chartKinds = []struct{ kind, title string }{
	{"io-graph", "I/O graph"}, {"timeline", "Connection timeline"}, {"talks", "Who talks to whom"},
}

func (v *statsView) chartPanes() map[string]*chartPane {
	return map[string]*chartPane{"io-graph": v.charts.io, "timeline": v.charts.timeline, "talks": v.charts.talk}
}

// statsMenu is the Statistics menu: each item opens its statistic or
// picture.
func (u *UI) statsMenu() *fyne.Menu {
	m := fyne.NewMenu("Statistics",
		&fyne.MenuItem{Label: roomForShortcut("Capture file properties…", "Ctrl+Alt+Shift+C"), Icon: theme.InfoIcon(),
			Action: u.propertiesDialog, Shortcut: propertiesShortcut()},
		fyne.NewMenuItemSeparator())
	for _, k := range stats.Kinds {
		m.Items = append(m.Items, fyne.NewMenuItem(statsTitles[k]+"…", func() { u.statsOf().show(k) }))
	}
	m.Items = append(m.Items, fyne.NewMenuItemSeparator())
	for _, c := range chartKinds {
		m.Items = append(m.Items, fyne.NewMenuItem(c.title+"…", func() { u.statsOf().show(c.kind) }))
	}
	return m
}
