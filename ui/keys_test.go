package ui

import (
	"strconv"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"thingsniff/app"
)

// press sends a key to whatever the window's focus is on, as the
// keyboard does.
func press(t *testing.T, h *harness, keys ...fyne.KeyName) {
	t.Helper()
	f := h.w.Canvas().Focused()
	if f == nil {
		t.Fatal("nothing has the keyboard focus")
	}
	for _, k := range keys {
		f.TypedKey(&fyne.KeyEvent{Name: k})
	}
}

// frameTitle is the first line of the details tree: "Frame N: …".
func frameTitle(p *packetsView) string {
	if n := p.details.nodes["0"]; n != nil {
		return n.Title
	}
	return ""
}

// TestKeysAfterAClickInThePacketList clicks a packet row and walks the
// list with the keys: the click gives the list the focus, and each key
// selects a packet whose details follow.
func TestKeysAfterAClickInThePacketList(t *testing.T) {
	h := newHarness(t, fyne.NewSize(1280, 800))
	h.open(writeLongCapture(t))
	p := h.u.packets
	test.TapAt(p.table, fyne.NewPos(200, denseRowPitch()*3.5))
	h.settle()
	first := p.selected
	if first < 1 || !strings.HasPrefix(frameTitle(p), "Frame "+itoa(first+1)+":") {
		t.Fatalf("the click selected packet %d, details %q", first+1, frameTitle(p))
	}
	press(t, h, fyne.KeyDown, fyne.KeyDown)
	if p.selected != first+2 || !strings.HasPrefix(frameTitle(p), "Frame "+itoa(first+3)+":") {
		t.Errorf("two Downs: packet %d, details %q", p.selected+1, frameTitle(p))
	}
	press(t, h, fyne.KeyUp)
	if p.selected != first+1 {
		t.Errorf("Up: packet %d", p.selected+1)
	}
	press(t, h, fyne.KeyPageDown)
	if p.selected <= first+2 {
		t.Errorf("Page Down went to packet %d", p.selected+1)
	}
	press(t, h, fyne.KeyEnd)
	if p.selected != p.n-1 || !strings.HasPrefix(frameTitle(p), "Frame "+itoa(p.n)+":") {
		t.Errorf("End: packet %d of %d", p.selected+1, p.n)
	}
	press(t, h, fyne.KeyHome)
	if p.selected != 0 {
		t.Errorf("Home: packet %d", p.selected+1)
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

// TestKeysInTheFlowsTable moves through the flows with the keys, which
// mark a row without leaving the table; Enter opens its packets as a
// click does.
func TestKeysInTheFlowsTable(t *testing.T) {
	h := newHarness(t, fyne.NewSize(1280, 800))
	h.open(writeCapture(t, false))
	h.u.tabs.SelectIndex(1)
	fv := h.u.flows
	h.w.Canvas().Focus(fv.table)
	press(t, h, fyne.KeyDown, fyne.KeyDown)
	if fv.cursor != 1 || h.u.tabs.SelectedIndex() != 1 {
		t.Fatalf("two Downs: cursor on row %d, tab %d", fv.cursor, h.u.tabs.SelectedIndex())
	}
	_, bg := cellOf(fv.updateCell, 1, fcProto)
	if fillOf(bg) != tintSelected.color() {
		t.Error("the row the keys moved to is not marked")
	}
	press(t, h, fyne.KeyEnd)
	if fv.cursor != len(fv.flows)-1 {
		t.Errorf("End: row %d of %d", fv.cursor, len(fv.flows))
	}
	press(t, h, fyne.KeyHome, fyne.KeyDown, fyne.KeyReturn)
	h.settle()
	id := fv.flows[fv.flowAt(1)].ID
	if h.u.tabs.SelectedIndex() != 0 || h.u.packets.expr != "flow "+itoa(int(id)) {
		t.Errorf("Enter on flow %d: tab %d, packet filter %q", id, h.u.tabs.SelectedIndex(), h.u.packets.expr)
	}
}

// TestKeysInTheLists walks the device list, a device's timeline and the
// Capture dialog's interfaces with the keys: each key selects the next
// item and shows what a click on it shows.
func TestKeysInTheLists(t *testing.T) {
	h := openDemoDevices(t, fyne.NewSize(1280, 800))
	v := h.u.devices
	v.list.Select(0)
	h.settle()
	h.w.Canvas().Focus(v.list)
	shown := v.sel
	press(t, h, fyne.KeyDown)
	h.settle()
	if v.sel == shown || v.list.cur != 1 {
		t.Errorf("Down in the device list: device %d shown (was %d), item %d", v.sel, shown, v.list.cur)
	}
	press(t, h, fyne.KeyEnd)
	h.settle()
	if v.list.cur != len(v.order)-1 {
		t.Errorf("End in the device list: item %d of %d", v.list.cur, len(v.order))
	}
	tl := v.timeline
	if tl == nil || len(tl.shown) < 3 {
		t.Fatal("the device shown has no timeline to walk")
	}
	h.w.Canvas().Focus(tl.list)
	press(t, h, fyne.KeyHome, fyne.KeyDown)
	h.settle()
	if tl.list.cur != 1 || tl.event.e == nil {
		t.Errorf("Home, Down in the timeline: item %d, event shown %v", tl.list.cur, tl.event.e != nil)
	}

	h2 := newHarness(t, fyne.NewSize(1200, 800))
	counters := map[string]app.InterfaceCounters{"eth0": {RxPackets: 100}, "wlan0": {RxPackets: 50}, "Ethernet 2": {}, "lo": {}}
	fakeSystem(h2, &counters)
	h2.u.live.toggle()
	d := h2.u.live.dialog
	h2.w.Canvas().Focus(d.list)
	was := d.chosen
	press(t, h2, fyne.KeyDown)
	if d.chosen != was+1 {
		t.Errorf("Down in the interfaces: %d chosen, was %d", d.chosen, was)
	}
	press(t, h2, fyne.KeyHome)
	if d.chosen != 0 {
		t.Errorf("Home in the interfaces: %d chosen", d.chosen)
	}
}
