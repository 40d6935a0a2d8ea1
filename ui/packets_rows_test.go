package ui

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"thingsniff/app"
)

// writeLongCapture writes the test story repeated 400 times: 5200
// packets, rows of several chunks.
func writeLongCapture(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "long.pcapng")
	if err := os.WriteFile(path, buildCaptureN(t, false, 400), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// shownTexts returns the texts of the visible labels in the window.
func shownTexts(h *harness) []string {
	var texts []string
	walkShown(h, func(o fyne.CanvasObject) bool {
		l, ok := o.(*widget.Label)
		if ok && l.Text != "" {
			texts = append(texts, l.Text)
		}
		return !ok
	})
	return texts
}

// walkShown calls visit on every visible object of the window, and goes
// on into a container's objects and a widget's rendered ones where visit
// returns true: shownTexts and drawnTexts look through the window alike.
func walkShown(h *harness, visit func(fyne.CanvasObject) bool) {
	var walk func(o fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		if !o.Visible() || !visit(o) {
			return
		}
		switch o := o.(type) {
		case *fyne.Container:
			for _, c := range o.Objects {
				walk(c)
			}
		case fyne.Widget:
			for _, c := range test.WidgetRenderer(o).Objects() {
				walk(c)
			}
		}
	}
	walk(h.w.Canvas().Content())
}

// cellOf draws one cell of a table of tinted cells (the packet list's,
// the flows table's) with its update function into a fresh cell and
// returns its text and background.
func cellOf(update func(widget.TableCellID, fyne.CanvasObject), row, col int) (string, fyne.CanvasObject) {
	cell := newTintedCell()
	update(widget.TableCellID{Row: row, Col: col}, cell)
	c := cell.(*fyne.Container)
	return c.Objects[1].(*widget.Label).Text, c.Objects[0]
}

func TestPacketsRowsArriveFromTheWorkerWhenScrolled(t *testing.T) {
	h := newHarness(t, fyne.NewSize(1200, 800))
	h.open(writeLongCapture(t))
	p := h.u.packets
	if got := shownTexts(h); !slices.Contains(got, "1") || !slices.Contains(got, "GET /liveupdate.jsp?model=CAM1&ver=1.0.3&region=EU HTTP/1.1") {
		t.Fatalf("the first rows are not on screen after the load: %q", got)
	}

	// Scroll with the mouse wheel far down the list.
	first, _ := p.visibleRows()
	at := h.a.Driver().AbsolutePositionForObject(p.table)
	test.Scroll(h.w.Canvas(), at.AddXY(300, 200), 0, -3000*denseRowPitch())
	first2, last2 := p.visibleRows()
	if first2 <= first || first2 < 2000 {
		t.Fatalf("scrolling moved the list from row %d to %d", first, first2)
	}
	want := []string{strconv.Itoa(first2 + 1), strconv.Itoa(last2 - 1)}
	for _, s := range want {
		if slices.Contains(shownTexts(h), s) {
			t.Fatalf("row %s was on screen before the worker formatted it", s)
		}
	}
	if text, bg := cellOf(p.updateCell, first2+1, 2); text != "" || fillOf(bg) != pendingColor() {
		t.Fatalf("a row on its way shows %q on %v, want a blank row tinted %v", text, fillOf(bg), pendingColor())
	}
	// The worker formats the chunk; its one dispatch refreshes the table.
	h.settle()
	got := shownTexts(h)
	for _, s := range want {
		if !slices.Contains(got, s) {
			t.Errorf("row %s is not on screen after the worker's chunk arrived", s)
		}
	}
}

func TestPacketsUpdateCellNeverDecodes(t *testing.T) {
	h := newHarness(t, fyne.NewSize(1200, 800))
	h.open(writeLongCapture(t))
	p, rows := h.u.packets, h.u.rows
	before := rows.Decoded()
	if before == 0 {
		t.Fatal("no rows were formatted for the first screen")
	}
	for range 5 {
		p.table.Refresh()
		for r := range 40 {
			for c := range len(p.cols) {
				cellOf(p.updateCell, r, c)
			}
		}
	}
	if got := rows.Decoded(); got != before {
		t.Fatalf("drawing formatted rows decoded %d packets", got-before)
	}

	// Rows whose chunk is not formatted: drawn blank, as often as the
	// table likes, while one chunk is decoded off the UI goroutine.
	for range 20 {
		for c := range len(p.cols) {
			if text, _ := cellOf(p.updateCell, 4321, c); text != "" {
				t.Fatalf("row 4322 column %d shows %q before its chunk arrived", c, text)
			}
		}
	}
	p.src.Wait()
	if got := rows.Decoded() - before; got != 1000 {
		t.Fatalf("drawing one row's cells 20 times decoded %d packets, want its chunk of 1000 once", got)
	}
	h.q.Drain()
	if text, _ := cellOf(p.updateCell, 4321, 0); text != "4322" {
		t.Fatalf("row 4322 shows %q after its chunk arrived", text)
	}
	if got := rows.Decoded() - before; got != 1000 {
		t.Fatalf("drawing the arrived row decoded %d more packets", got-1000)
	}
}

func TestPacketsLateChunkOfAClosedCaptureIsDropped(t *testing.T) {
	h := newHarness(t, fyne.NewSize(1200, 800))
	path := writeLongCapture(t)
	h.open(path)
	p := h.u.packets
	old := p.src
	cellOf(p.updateCell, 3000, 0) // asks for chunk 3
	old.Wait()                    // formatted and dispatched, not yet run on the UI goroutine
	h.u.CloseCapture()
	h.q.Drain() // the chunk arrives after the close
	if p.src != nil {
		t.Fatal("a closed capture kept its row source")
	}
	if text, _ := cellOf(p.updateCell, 3000, 0); text != "" {
		t.Fatalf("with no capture, row 3001 shows %q", text)
	}

	// The same file opened again starts from nothing: the late chunk did
	// not land in the new capture's rows.
	h.open(path)
	if p.src == nil || p.src == old {
		t.Fatal("the new capture has no row source of its own")
	}
	if text, _ := cellOf(p.updateCell, 3000, 0); text != "" {
		t.Fatalf("row 3001 of the new load shows %q before its worker formatted it", text)
	}
	h.settle()
	if text, _ := cellOf(p.updateCell, 3000, 0); text != "3001" {
		t.Fatalf("row 3001 shows %q", text)
	}
}

// TestTimeFormatShortcutsRewriteTheTimeColumn presses Ctrl+Alt+2 and
// Ctrl+Alt+5 as a user would: the Time column's cells change format and
// fit their column, the View menu checks the choice, and the next
// capture, and the next run, keep it.
func TestTimeFormatShortcutsRewriteTheTimeColumn(t *testing.T) {
	h := newHarness(t, fyne.NewSize(1200, 800))
	h.open(writeCapture(t, false))
	cell := newTintedCell()
	timeOf := func(row int) string {
		h.u.packets.updateCell(widget.TableCellID{Row: row, Col: int(app.SortTime)}, cell)
		return cell.(*fyne.Container).Objects[1].(*widget.Label).Text
	}
	at := func(i int) int64 { return h.u.loaded.Index.At(i).Time }
	press := func(n int) {
		h.w.Canvas().(interface{ TypedShortcut(fyne.Shortcut) }).TypedShortcut(timeShortcut(n))
		h.settle()
	}
	if got, want := timeOf(3), app.TimeSinceStart.Format(app.PacketTimes{At: at(3), First: at(0)}); got != want {
		t.Fatalf("packet 4's time by default: %q, want %q", got, want)
	}

	press(2)
	if got, want := timeOf(3), app.TimeSincePrevious.Format(app.PacketTimes{At: at(3), First: at(0), Previous: at(2)}); got != want {
		t.Errorf("packet 4's time after Ctrl+Alt+2: %q, want %q (since packet 3)", got, want)
	}
	if got := h.a.Preferences().String(prefTimeFormat); got != app.TimeSincePrevious.String() {
		t.Errorf("the preference says %q", got)
	}

	press(5)
	got := timeOf(3)
	if want := app.TimeDateAndTime.Format(app.PacketTimes{At: at(3), First: at(0)}); got != want || !strings.Contains(got, "-") {
		t.Errorf("packet 4's time after Ctrl+Alt+5: %q, want %q", got, want)
	}
	if need := fyne.MeasureText(got, theme.TextSize(), fyne.TextStyle{}).Width + 2*theme.InnerPadding(); h.u.packets.cols[app.SortTime].width < need {
		t.Errorf("the Time column is %.0f wide, %q needs %.0f", h.u.packets.cols[app.SortTime].width, got, need)
	}
	var checked []string
	for _, m := range h.u.newMainMenu().Items {
		for _, it := range m.Items {
			if it.ChildMenu != nil && strings.HasPrefix(it.Label, "Time format") {
				for _, sub := range it.ChildMenu.Items {
					if sub.Checked {
						checked = append(checked, trimRoom(sub.Label))
					}
				}
			}
		}
	}
	if len(checked) != 1 || checked[0] != app.TimeDateAndTime.Title() {
		t.Errorf("View → Time format checks %q, want only %q", checked, app.TimeDateAndTime.Title())
	}

	// The next capture is written in the chosen format too.
	h.open(writeCapture(t, false))
	if got, want := timeOf(0), app.TimeDateAndTime.Format(app.PacketTimes{At: at(0), First: at(0)}); got != want {
		t.Errorf("the next capture's first time: %q, want %q", got, want)
	}
}

// TestRightClickOpensThePacketMenu right-clicks a packet: it is selected
// and its menu opens; "Filter on this conversation" shows its flow's
// packets, "Hide this conversation" the others, and "Copy the row" puts
// its columns on the clipboard.
func TestRightClickOpensThePacketMenu(t *testing.T) {
	h := newHarness(t, fyne.NewSize(1200, 800))
	h.open(writeCapture(t, false))
	p := h.u.packets
	// Right-click the fourth row: below the header, in its middle.
	rowH := newTintedCell().MinSize().Height + theme.Padding()/2
	header := p.table.Size().Height
	walk(p.table, func(o fyne.CanvasObject) {
		if hb, ok := o.(*headerButton); ok && hb.Size().Height > 0 {
			header = hb.Size().Height
		}
	})
	p.table.TappedSecondary(&fyne.PointEvent{Position: fyne.NewPos(40, header+3.5*rowH)})
	if p.selected != 3 {
		t.Fatalf("the right click selected packet %d, want 4", p.selected+1)
	}
	menu := false
	if top := h.w.Canvas().Overlays().Top(); top != nil {
		walk(top, func(o fyne.CanvasObject) { _, isMenu := o.(*widget.PopUpMenu); menu = menu || isMenu })
	}
	if !menu {
		t.Fatal("no context menu opened")
	}
	items := map[string]*fyne.MenuItem{}
	menuOf := func() {
		clear(items)
		for _, it := range p.rowMenu(p.selected).Items {
			items[it.Label] = it
		}
	}
	menuOf()
	flow := h.u.loaded.Index.At(3).Flow
	var ofFlow []int
	for i := range h.u.loaded.Index.Len() {
		if h.u.loaded.Index.At(i).Flow == flow {
			ofFlow = append(ofFlow, i)
		}
	}
	items["Filter on this conversation"].Action()
	h.settle()
	if flow == 0 || !slices.Equal(p.shown, ofFlow) {
		t.Errorf("filter %q shows %v, the flow's packets are %v", p.expr, p.shown, ofFlow)
	}
	if p.selected != 3 {
		t.Fatalf("packet %d is selected after the filter", p.selected+1)
	}
	menuOf() // hiding now keeps to the filter on show
	items["Hide this conversation"].Action()
	h.settle()
	if len(p.shown) != 0 {
		t.Errorf("hiding the conversation under its own filter (%q) left %v", p.expr, p.shown)
	}
	p.setFilter("")
	h.settle()
	p.table.Select(widget.TableCellID{Row: 3}) // the empty view had no selected packet
	menuOf()
	items["Hide this conversation"].Action()
	h.settle()
	if n := h.u.loaded.Index.Len(); len(p.shown) != n-len(ofFlow) || slices.Contains(p.shown, 3) {
		t.Errorf("hiding the conversation (%q) shows %d of %d packets", p.expr, len(p.shown), n)
	}
	items["Copy the row"].Action()
	if clip := h.a.Clipboard().Content(); !strings.HasPrefix(clip, "4\t") || strings.Count(clip, "\t") != 6 {
		t.Errorf("the copied row is %q", clip)
	}
}

// TestRightClickOnADetailLineAppliesItsFilter right-clicks the line of
// the details that holds the packet's TCP source port: it is selected and
// its menu opens; "Apply as filter" shows the packets with that port,
// "Add to the filter (and)" narrows it, and a line no filter field holds
// offers no filter.
func TestRightClickOnADetailLineAppliesItsFilter(t *testing.T) {
	h := newHarness(t, fyne.NewSize(1200, 800))
	h.open(writeCapture(t, false))
	p := h.u.packets
	p.table.Select(widget.TableCellID{Row: 6}) // the HTTP request
	d := p.details
	var portID, plainID widget.TreeNodeID
	for id, n := range d.nodes {
		switch {
		case strings.HasPrefix(n.Title, "Source Port:") && n.Filter != "":
			portID = id
		case strings.HasPrefix(n.Title, "Header Length (32-bit words):"):
			plainID = id
		}
	}
	if portID == "" || plainID == "" {
		t.Fatal("no TCP source port line, or no data offset line, in the details")
	}
	d.tree.OpenBranch(parentOf(portID))
	line := &detailLine{d: d, id: portID}
	line.ExtendBaseWidget(line)
	line.TappedSecondary(&fyne.PointEvent{})
	if n := d.nodes[portID]; d.where.Text != fmt.Sprintf("Bytes %d–%d (2 bytes)", n.Start, n.End-1) {
		t.Errorf("after the right click the bytes pane says %q: the port's line is not selected", d.where.Text)
	}
	filter := d.nodes[portID].Filter
	items := map[string]*fyne.MenuItem{}
	for _, it := range p.lineMenu(d.nodes[portID]).Items {
		items[it.Label] = it
	}
	items["Apply as filter"].Action()
	h.settle()
	if p.expr != filter || len(p.shown) == 0 || !slices.Contains(p.shown, 6) {
		t.Fatalf("Apply as filter: %q shows %v", p.expr, p.shown)
	}
	wide := len(p.shown)
	p.table.Select(widget.TableCellID{Row: slices.Index(p.shown, 6)})
	for id, n := range d.nodes {
		if strings.HasPrefix(n.Filter, "frame.number == ") {
			for _, it := range p.lineMenu(d.nodes[id]).Items {
				if it.Label == "Add to the filter (and)" {
					it.Action()
				}
			}
		}
	}
	h.settle()
	if !strings.HasPrefix(p.expr, "("+filter+") && frame.number == ") || len(p.shown) != 1 || wide < 2 {
		t.Errorf("Add to the filter: %q shows %v (before: %d packets)", p.expr, p.shown, wide)
	}
	for _, it := range p.lineMenu(d.nodes[plainID]).Items {
		if strings.HasPrefix(it.Label, "Apply") && !it.Disabled {
			t.Errorf("%q is offered on a line without a filter", it.Label)
		}
	}
}
