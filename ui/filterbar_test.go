package ui

import (
	"slices"
	"strconv"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"thingsniff/decode/device"
)

// typeFilter types expr into the filter box as a user does and presses
// Enter.
func typeFilter(h *harness, expr string) {
	p := h.u.packets
	p.filter.SetText("")
	test.Type(p.bar.entry, expr)
	p.bar.entry.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	h.settle()
}

func richText(r *widget.RichText) string {
	var b strings.Builder
	for _, s := range r.Segments {
		if t, ok := s.(*widget.TextSegment); ok {
			b.WriteString(t.Text + "\n")
		}
	}
	return b.String()
}

// TestFilterBarNarrowsEveryView: a Wireshark filter typed in the box
// narrows the packet list, the flow list and the player's timeline to
// the same packets.
func TestFilterBarNarrowsEveryView(t *testing.T) {
	h := openDemoDevices(t, fyne.NewSize(1400, 900))
	d := selectPlayer(t, h)
	tl := h.u.devices.timeline
	allEvents := len(tl.shown)
	allFlows, _ := h.u.flows.length()
	allDevices := len(h.u.devices.order)
	p := h.u.packets

	typeFilter(h, `http.host contains "samsung"`)
	if len(p.shown) == 0 || len(p.shown) >= p.n {
		t.Fatalf("http.host filter shows %d of %d packets", len(p.shown), p.n)
	}
	if rows, _ := p.length(); rows != len(p.shown) {
		t.Errorf("the list has %d rows for %d packets", rows, len(p.shown))
	}
	flows, _ := h.u.flows.length()
	if flows == 0 || flows >= allFlows {
		t.Errorf("flows: %d of %d shown", flows, allFlows)
	}
	if want := strconv.Itoa(flows) + " of "; !strings.HasPrefix(h.u.flows.count.Text, want) {
		t.Errorf("the flow count says %q for %d shown", h.u.flows.count.Text, flows)
	}
	for k := 0; k < flows; k++ {
		if f := h.u.flows.flows[h.u.flows.flowAt(k)]; !p.bar.sel.HasFlow(f.ID) {
			t.Errorf("flow %d shown though none of its packets passed", f.ID)
		}
	}
	dv := h.u.devices
	if n := len(dv.order); n == 0 || n >= allDevices {
		t.Errorf("devices: %d of %d shown", n, allDevices)
	}
	if want := strconv.Itoa(len(dv.order)) + " of "; !strings.HasPrefix(dv.count.Text, want) {
		t.Errorf("the device count says %q for %d shown", dv.count.Text, len(dv.order))
	}
	if k := slices.Index(dv.order, dv.sel); k < 0 {
		t.Errorf("the device on show (%d) is not in the list the filter left", dv.sel)
	}
	for _, i := range dv.order {
		if !dv.rows[i].passes(p.bar) {
			t.Errorf("device %s shown though none of its events passed", dv.rows[i].d.Key)
		}
	}
	if len(tl.shown) == 0 || len(tl.shown) >= allEvents {
		t.Errorf("timeline: %d of %d events shown", len(tl.shown), allEvents)
	}
	if _, ref := shownLine(tl, device.KindHTTP, "liveupdate"); ref.i == 0 && !strings.Contains(tl.lines[0].e.Summary, "liveupdate") {
		t.Errorf("the HTTP request to the update server is not on the timeline of %s", d.Key)
	}
	if k, _ := shownLine(tl, device.KindDHCP, ""); k >= 0 {
		t.Error("a DHCP event passed an HTTP filter")
	}

	typeFilter(h, "")
	if rows, _ := p.length(); rows != p.n || len(tl.shown) != allEvents {
		t.Errorf("clearing the filter shows %d packets of %d, %d events of %d", rows, p.n, len(tl.shown), allEvents)
	}
	if flows, _ := h.u.flows.length(); flows != allFlows {
		t.Errorf("clearing the filter shows %d flows of %d", flows, allFlows)
	}
	if n := len(h.u.devices.order); n != allDevices {
		t.Errorf("clearing the filter shows %d devices of %d", n, allDevices)
	}
}

// TestFilterBarShowsItsMistake: a bad filter is marked under the box at
// its position and leaves no rows of the filter before it.
func TestFilterBarShowsItsMistake(t *testing.T) {
	h := openDemoDevices(t, fyne.NewSize(1400, 900))
	selectPlayer(t, h)
	p := h.u.packets
	typeFilter(h, "dns")
	if len(p.shown) == 0 {
		t.Fatal("dns shows nothing on the demo")
	}
	typeFilter(h, "host foo")
	msg := richText(p.bar.problem)
	if !strings.Contains(msg, "host foo\n     ^^^\n") || !strings.Contains(msg, "Position 6: expected an IP address") {
		t.Errorf("mistake shown as %q", msg)
	}
	if rows, _ := p.length(); rows != 0 {
		t.Errorf("%d rows stay on show under a filter that failed", rows)
	}
	if flows, _ := h.u.flows.length(); flows != 0 {
		t.Errorf("%d flows stay on show under a filter that failed", flows)
	}
	if n := len(h.u.devices.timeline.shown); n != 0 {
		t.Errorf("%d events stay on show under a filter that failed", n)
	}
	if n := len(h.u.devices.order); n != 0 {
		t.Errorf("%d devices stay on show under a filter that failed", n)
	}
	if !containsObject(p.bar.message, p.bar.problem) {
		t.Error("the mistake is not beside the box")
	}
	typeFilter(h, "dns")
	if len(p.bar.problem.Segments) != 0 || len(p.shown) == 0 {
		t.Errorf("a good filter after a bad one: mistake %q, %d rows", richText(p.bar.problem), len(p.shown))
	}
}

// TestFilterBarCompletesAndRemembers: Tab completes a field name; an
// applied filter is offered again.
func TestFilterBarCompletesAndRemembers(t *testing.T) {
	h := openDemoDevices(t, fyne.NewSize(1400, 900))
	p := h.u.packets
	p.filter.SetText("")
	test.Type(p.bar.entry, "dns.qry.n")
	if !strings.Contains(p.bar.hint.Text, "dns.qry.name") {
		t.Errorf("hint %q", p.bar.hint.Text)
	}
	p.bar.entry.TypedKey(&fyne.KeyEvent{Name: fyne.KeyTab})
	if p.filter.Text != "dns.qry.name" {
		t.Errorf("Tab made %q", p.filter.Text)
	}
	test.Type(p.bar.entry, ` contains "samsung" && ht`)
	p.bar.entry.TypedKey(&fyne.KeyEvent{Name: fyne.KeyTab})
	if want := `dns.qry.name contains "samsung" && http`; p.filter.Text != want {
		t.Errorf("Tab made %q, want %q", p.filter.Text, want)
	}
	p.bar.entry.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	h.settle()
	if recent := h.a.Preferences().StringList(prefFilters); len(recent) == 0 || recent[0] != p.filter.Text {
		t.Errorf("recent filters %q", recent)
	}
}

func containsObject(c *fyne.Container, o fyne.CanvasObject) bool {
	for _, x := range c.Objects {
		if x == o {
			return true
		}
	}
	return false
}
