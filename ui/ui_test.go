package ui

import (
	"slices"
	"strconv"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"thingsniff/decode"
)

func TestOpenShowsRowsAfterBatches(t *testing.T) {
	h := newHarness(t, fyne.NewSize(1200, 800))
	if h.u.main.Visible() || !h.u.welcome.content.Visible() {
		t.Fatal("with no capture the welcome page should show")
	}
	path := writeCapture(t, false)
	if err := h.u.Open(path); err != nil {
		t.Fatal(err)
	}
	if rows, _ := h.u.packets.length(); rows != 0 {
		t.Fatalf("rows before any batch: %d", rows)
	}
	h.settle()
	want := len(testPackets())
	if rows, cols := h.u.packets.length(); rows != want || cols != 7 {
		t.Fatalf("table is %dx%d, want %dx7", rows, cols, want)
	}
	if !h.u.main.Visible() || h.u.welcome.content.Visible() {
		t.Fatal("an open capture should hide the welcome page")
	}
	if got := h.u.packets.count.Text; got != strconv.Itoa(want)+" packets" {
		t.Errorf("count label %q", got)
	}
	if got := h.u.status.packets.Text; got != strconv.Itoa(want)+" packets" {
		t.Errorf("status bar says %q", got)
	}
	if h.u.status.progress.Visible() {
		t.Error("progress bar still shown after the load")
	}
	// Cells carry the rows' strings.
	cell := newTintedCell()
	text := func(row, col int) string {
		h.u.packets.updateCell(widget.TableCellID{Row: row, Col: col}, cell)
		return cell.(*fyne.Container).Objects[1].(*widget.Label).Text
	}
	if got := text(0, 4); got != "ARP" {
		t.Errorf("packet 1 protocol %q, want ARP", got)
	}
	if got := text(6, 6); !strings.Contains(got, "GET /liveupdate.jsp") {
		t.Errorf("packet 7 info %q, want the HTTP request", got)
	}
	if got := text(3, 2); got != "192.168.137.20" {
		t.Errorf("packet 4 source %q", got)
	}
	// Reset and malformed rows are tinted.
	bg := func(row int) tint {
		h.u.packets.updateCell(widget.TableCellID{Row: row, Col: 0}, cell)
		c := cell.(*fyne.Container).Objects[0]
		for _, k := range []tint{tintNone, tintMalformed, tintReset, tintRetrans, tintSelected} {
			if fillOf(c) == k.color() {
				return k
			}
		}
		return tintNone
	}
	if got := bg(11); got != tintReset {
		t.Errorf("the RST packet's tint is %v, want reset", got)
	}
	// A frame cut by the snap length is short, not malformed (as Wireshark has it).
	if got := bg(12); got != tintNone {
		t.Errorf("the cut packet's tint is %v, want none", got)
	}
	if got := text(12, 6); !strings.HasSuffix(got, "[Packet size limited during capture]") {
		t.Errorf("the cut packet's info %q", got)
	}
	if got := bg(5); got != tintNone {
		t.Errorf("a plain ACK's tint is %v", got)
	}
}

func TestSelectingPacketShowsDetailsAndHex(t *testing.T) {
	h := newHarness(t, fyne.NewSize(1200, 800))
	h.open(writeCapture(t, false))
	p := h.u.packets
	p.table.Select(widget.TableCellID{Row: 6, Col: 2})
	if p.selected != 6 {
		t.Fatalf("selected packet %d, want 6", p.selected)
	}
	d := p.details
	top := d.kids[""]
	if len(top) < 4 {
		t.Fatalf("details of an HTTP packet have %d top lines, want frame, Ethernet, IPv4, TCP and more", len(top))
	}
	if !strings.HasPrefix(d.nodes[top[0]].Title, "Frame 7:") {
		t.Errorf("first line %q", d.nodes[top[0]].Title)
	}
	if !strings.Contains(d.hex.grid.Text(), "GET /liveu") {
		t.Errorf("hex dump lacks the request:\n%s", d.hex.grid.Text())
	}
	// Choosing the IPv4 line marks its 20 bytes after the 14 of Ethernet.
	var ipID widget.TreeNodeID
	for _, id := range top {
		if strings.HasPrefix(d.nodes[id].Title, "Internet Protocol Version 4") {
			ipID = id
		}
	}
	if ipID == "" {
		t.Fatal("no IPv4 line in the details")
	}
	d.tree.Select(ipID)
	if d.hex.start != 14 || d.hex.end != 34 {
		t.Errorf("IPv4 marks bytes [%d,%d), want [14,34)", d.hex.start, d.hex.end)
	}
	row := d.hex.grid.Rows[0]
	hexCol, asciiCol := hexCols(14)
	if row.Cells[hexCol].Style == nil || row.Cells[asciiCol].Style == nil || row.Cells[hexCols13()].Style != nil {
		t.Error("the hex dump does not mark exactly the IPv4 bytes on its first line")
	}
	if !strings.Contains(d.where.Text, "Bytes 14–33") {
		t.Errorf("range label %q", d.where.Text)
	}
}

func hexCols13() int { c, _ := hexCols(13); return c }

func TestChoosingFlowFiltersPackets(t *testing.T) {
	h := newHarness(t, fyne.NewSize(1200, 800))
	h.open(writeCapture(t, false))
	fv := h.u.flows
	h.u.tabs.SelectIndex(1)
	if len(fv.flows) < 3 {
		t.Fatalf("%d flows, want DNS, HTTP and the reset one", len(fv.flows))
	}
	// Find the HTTP flow's row and choose it.
	row := -1
	for r := range len(fv.flows) {
		if f := fv.flows[fv.flowAt(r)]; f.Server.Port() == 80 {
			row = r
		}
	}
	if row < 0 {
		t.Fatal("no flow to port 80")
	}
	f := fv.flows[fv.flowAt(row)]
	if f.ClosedBy != decode.SideServer || f.Close != decode.CloseFIN {
		t.Errorf("HTTP flow closed by %v with %v, want server FIN", f.ClosedBy, f.Close)
	}
	fv.table.Select(widget.TableCellID{Row: row, Col: 2})
	h.settle()
	if h.u.tabs.SelectedIndex() != 0 {
		t.Error("choosing a flow should switch to the packets")
	}
	p := h.u.packets
	if want := "flow " + strconv.Itoa(int(f.ID)); p.filter.Text != want || p.expr != want {
		t.Errorf("filter %q (applied %q), want %q", p.filter.Text, p.expr, want)
	}
	if len(p.shown) != int(f.TotalPackets()) {
		t.Fatalf("%d packets shown, the flow has %d", len(p.shown), f.TotalPackets())
	}
	for _, i := range p.shown {
		if ix := h.u.loaded.Index.At(i); ix.Flow != f.ID {
			t.Errorf("packet %d of flow %d shown for flow %d", i+1, ix.Flow, f.ID)
		}
	}
	if want := strconv.Itoa(len(p.shown)) + " of " + strconv.Itoa(len(testPackets())) + " packets"; p.count.Text != want {
		t.Errorf("count %q, want %q", p.count.Text, want)
	}
	// Clearing the filter shows every packet again.
	p.setFilter("")
	if rows, _ := p.length(); rows != len(testPackets()) {
		t.Errorf("%d rows after clearing the filter", rows)
	}
}

// TestRightClickOnAFlow: a right click chooses the flow without leaving
// the flows, and its menu shows its packets, or every other flow's, and
// copies its conversation's filter.
func TestRightClickOnAFlow(t *testing.T) {
	h := newHarness(t, fyne.NewSize(1200, 800))
	h.open(writeCapture(t, false))
	fv := h.u.flows
	h.u.tabs.SelectIndex(1)
	rowH := newTintedCell().MinSize().Height + theme.Padding()/2
	header := float32(0)
	walk(fv.table, func(o fyne.CanvasObject) {
		if hb, ok := o.(*headerButton); ok && hb.Size().Height > 0 {
			header = hb.Size().Height
		}
	})
	fv.table.TappedSecondary(&fyne.PointEvent{Position: fyne.NewPos(120, header+1.5*rowH)})
	if h.u.tabs.SelectedIndex() != 1 || fv.cursor != 1 {
		t.Fatalf("after the right click: tab %d, flow row %d; want the flows, row 2", h.u.tabs.SelectedIndex(), fv.cursor+1)
	}
	f := fv.flows[fv.flowAt(1)]
	items := map[string]*fyne.MenuItem{}
	for _, it := range fv.rowMenu(fv.flowAt(1)).Items {
		items[it.Label] = it
	}
	items["Show the packets of every other flow"].Action()
	h.settle()
	p := h.u.packets
	if h.u.tabs.SelectedIndex() != 0 || len(p.shown) != len(testPackets())-int(f.TotalPackets()) {
		t.Errorf("every other flow: %q shows %d of %d packets, the flow has %d", p.expr, len(p.shown), len(testPackets()), f.TotalPackets())
	}
	items["Show its packets"].Action()
	h.settle()
	if len(p.shown) != int(f.TotalPackets()) {
		t.Errorf("its packets: %q shows %d, the flow has %d", p.expr, len(p.shown), f.TotalPackets())
	}
	items["Copy its conversation's filter"].Action()
	if clip := h.a.Clipboard().Content(); !strings.Contains(clip, f.Client.Addr().String()) || !strings.Contains(clip, strconv.Itoa(int(f.Server.Port()))) {
		t.Errorf("the copied filter %q", clip)
	}
}

func TestFilterEntry(t *testing.T) {
	h := newHarness(t, fyne.NewSize(1200, 800))
	h.open(writeCapture(t, false))
	p := h.u.packets
	test.Type(p.filter, "rst")
	p.filter.OnSubmitted(p.filter.Text)
	h.settle()
	if len(p.shown) != 1 || p.shown[0] != 11 {
		t.Errorf("rst shows %v, want packet 12 only", p.shown)
	}
	p.setFilter("host 198.51.100.7")
	h.settle()
	if !slices.Equal(p.shown, []int{10, 11}) {
		t.Errorf("host filter shows %v, want packets 11 and 12", p.shown)
	}
	p.setFilter("port")
	h.settle()
	if msg := richText(p.bar.problem); !strings.Contains(msg, "a value after \"port\"") {
		t.Errorf("a bad filter should say why beside the box, got %q", msg)
	}
}

func TestFlowSortAndFilter(t *testing.T) {
	h := newHarness(t, fyne.NewSize(1200, 800))
	h.open(writeCapture(t, false))
	fv := h.u.flows
	fv.sortBy(fcBytes)
	h.settle()
	total := func(r int) uint64 { return fv.flows[fv.flowAt(r)].TotalBytes() }
	n, _ := fv.length()
	for r := 1; r < n; r++ {
		if total(r-1) > total(r) {
			t.Fatalf("ascending by bytes, row %d has %d and row %d has %d", r-1, total(r-1), r, total(r))
		}
	}
	fv.sortBy(fcBytes)
	h.settle()
	for r := 1; r < n; r++ {
		if total(r-1) < total(r) {
			t.Fatalf("descending by bytes, row %d has %d and row %d has %d", r-1, total(r-1), r, total(r))
		}
	}
	test.Type(fv.filter, "RST")
	h.settle()
	if rows, _ := fv.length(); rows != 1 || fv.flows[fv.flowAt(0)].Close != decode.CloseRST {
		t.Errorf("filter RST leaves %d flows", rows)
	}
	if fv.count.Text != "1 of "+strconv.Itoa(len(fv.flows))+" flows" {
		t.Errorf("flow count %q", fv.count.Text)
	}
}

func TestTruncatedCaptureSaysWhere(t *testing.T) {
	h := newHarness(t, fyne.NewSize(1200, 800))
	h.open(writeCapture(t, true))
	msg := h.u.status.message.Text
	if !strings.Contains(msg, "cut short at byte") || !strings.Contains(msg, "after packet "+strconv.Itoa(len(testPackets())-1)) {
		t.Errorf("status %q should say where the capture stops", msg)
	}
	if rows, _ := h.u.packets.length(); rows != len(testPackets())-1 {
		t.Errorf("%d rows, want every packet before the cut", rows)
	}
}

func TestGoToAndClose(t *testing.T) {
	h := newHarness(t, fyne.NewSize(1200, 800))
	h.open(writeCapture(t, false))
	p := h.u.packets
	p.setFilter("udp")
	h.settle()
	if err := p.goTo(5); err != nil {
		t.Fatal(err)
	}
	if p.selected != 4 || p.shown != nil {
		t.Errorf("go to 5 selected %d with filter %v; want packet 5 with the filter cleared", p.selected+1, p.shown)
	}
	if err := p.goTo(99); err == nil {
		t.Error("go to a packet beyond the end should fail")
	}
	h.u.CloseCapture()
	if h.u.loaded != nil || !h.u.welcome.content.Visible() {
		t.Error("close should go back to the welcome page")
	}
	if got := h.u.recent.list(); len(got) != 1 || !strings.HasSuffix(got[0], "thing.pcapng") {
		t.Errorf("recent files %v", got)
	}
}

func TestOpenDemoAndDrop(t *testing.T) {
	h := newHarness(t, fyne.NewSize(1200, 800))
	h.u.OpenDemo()
	h.settle()
	if h.u.loaded == nil || h.u.packets.n != len(testPackets()) {
		t.Fatalf("demo opened %v", h.u.packets.n)
	}
	path := writeCapture(t, true)
	h.u.dropped(fyne.Position{}, []fyne.URI{storageURI(path)})
	h.settle()
	if h.u.packets.n != len(testPackets())-1 {
		t.Errorf("dropped file shows %d packets", h.u.packets.n)
	}
}

func TestBigPacketKeepsSplitSizes(t *testing.T) {
	h := newHarness(t, fyne.NewSize(1200, 800))
	h.open(writeCapture(t, false))
	d := h.u.packets.details
	d.show([]decode.Node{{Title: "Frame", End: 9000}}, make([]byte, 9000), nil)
	if got := d.content.MinSize().Height; got > 200 {
		t.Errorf("the details of a 9000-byte packet ask for %.0f pixels of height; the hex dump should scroll", got)
	}
	if got := h.u.packets.content.MinSize().Height; got > 400 {
		t.Errorf("the packets view asks for %.0f pixels of height", got)
	}
}

func TestGoToDialogEnter(t *testing.T) {
	h := newHarness(t, fyne.NewSize(1200, 800))
	h.open(writeCapture(t, false))
	h.u.goToDialog()
	e, ok := h.w.Canvas().Focused().(*widget.Entry)
	if !ok {
		t.Fatalf("the go-to dialog should focus its entry, focus is on %T", h.w.Canvas().Focused())
	}
	test.Type(e, "5")
	e.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if h.u.packets.selected != 4 {
		t.Errorf("Enter in the go-to dialog selected packet %d, want 5", h.u.packets.selected+1)
	}
}
