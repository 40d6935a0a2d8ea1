package ui

import (
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"thingsniff/app"
	"thingsniff/assets"
	"thingsniff/decode/device"
)

const playerMAC = "00:12:fb:3c:91:d4"

// openDemoDevices opens the embedded demo capture and shows the Devices
// tab once its report is built.
func openDemoDevices(t *testing.T, size fyne.Size) *harness {
	t.Helper()
	h := newHarnessWith(t, size, app.Options{})
	h.u.cfg.Demo = assets.Demo
	h.u.OpenDemo()
	h.settle()
	h.u.showDevices()
	if h.u.tabs.Selected() != h.u.devices.tab {
		t.Fatal("showDevices did not bring the Devices tab to the front")
	}
	if h.u.devices.report == nil {
		t.Fatalf("no device report; the tab says %q", h.u.devices.waitMsg.Text)
	}
	return h
}

// rowOf returns the list position of the device with key, or -1.
func (v *devicesView) rowOf(key string) int {
	for k, i := range v.order {
		if v.rows[i].d.Key == key {
			return k
		}
	}
	return -1
}

func TestDevicesListThePlayerWithItsFindings(t *testing.T) {
	h := openDemoDevices(t, fyne.NewSize(1400, 900))
	v := h.u.devices
	if len(v.order) < 4 {
		t.Fatalf("%d devices listed, want the player, the TV, the logger and the laptop", len(v.order))
	}
	k := v.rowOf(playerMAC)
	if k < 0 {
		t.Fatal("the player is not listed")
	}
	r := v.rows[v.order[k]]
	if r.title != "BD-5500" || !strings.Contains(r.vendor, "Samsung") || !strings.Contains(r.address, "192.168.137.23") ||
		!strings.Contains(r.address, playerMAC) {
		t.Errorf("player row %q / %q / %q", r.title, r.vendor, r.address)
	}
	if r.warnings != 2 || r.infos != 1 || r.alerts != 0 {
		t.Errorf("player badges: %d alerts, %d warnings, %d infos; want 0, 2, 1", r.alerts, r.warnings, r.infos)
	}
	// The list item shows what the row says.
	item := newDeviceItem()
	v.updateItem(k, item)
	c := item.(*fyne.Container)
	if b := c.Objects[diWarnings].(*badge); !b.Visible() || b.count != 2 || c.Objects[diAlerts].Visible() {
		t.Errorf("warning badge shows %d (visible %v); alert badge visible %v", b.count, b.Visible(), c.Objects[diAlerts].Visible())
	}
	// Sorted by findings (alerts, then warnings, then infos), then packets.
	for i := 1; i < len(v.order); i++ {
		a, b := &v.rows[v.order[i-1]], &v.rows[v.order[i]]
		if compareDevices(a, b, sortFindings) > 0 {
			t.Errorf("%s listed before %s", a.d.Key, b.d.Key)
		}
	}
	if first := v.rows[v.order[0]]; first.alerts == 0 {
		t.Errorf("the first device %s has no alert", first.d.Key)
	}
	// The filter finds the player by its vendor class and by a finding.
	for _, q := range []string{"samsung bd", "expired", "0012FB"} {
		v.filter.SetText(q)
		if v.rowOf(playerMAC) < 0 {
			t.Errorf("filter %q hides the player", q)
		}
	}
	v.filter.SetText("no such device")
	if len(v.order) != 0 || !strings.Contains(v.count.Text, "0 of") {
		t.Errorf("filter matches %d devices, count %q", len(v.order), v.count.Text)
	}
	v.filter.SetText("")
	v.sorter.SetSelected(sortPackets)
	for i := 1; i < len(v.order); i++ {
		if v.rows[v.order[i-1]].d.Packets < v.rows[v.order[i]].d.Packets {
			t.Error("not sorted by packets")
		}
	}
}

func selectPlayer(t *testing.T, h *harness) *device.Device {
	t.Helper()
	v := h.u.devices
	k := v.rowOf(playerMAC)
	if k < 0 {
		t.Fatal("the player is not listed")
	}
	v.list.Select(k)
	d := v.selected()
	if d == nil || d.Key != playerMAC {
		t.Fatalf("selected %v, want the player", d)
	}
	return d
}

// shownLine finds the first timeline row whose event is of kind and whose
// summary contains text.
func shownLine(tl *timelineView, kind device.Kind, text string) (int, lineRef) {
	for k, ref := range tl.shown {
		if e := tl.lines[ref.i].e; e.Kind == kind && strings.Contains(e.Summary, text) {
			return k, ref
		}
	}
	return -1, lineRef{}
}

func TestDevicesSelectingThePlayerTellsItsStory(t *testing.T) {
	h := openDemoDevices(t, fyne.NewSize(1400, 900))
	selectPlayer(t, h)
	dt := h.u.devices.detail
	if dt.title.Text != "BD-5500" || !strings.Contains(dt.subtitle.Text, "Samsung") {
		t.Errorf("header %q / %q", dt.title.Text, dt.subtitle.Text)
	}
	facts := map[string]string{}
	for objs, i := dt.facts.Objects, 0; i+1 < len(objs); i += 2 {
		facts[labelText(objs[i])] = labelText(objs[i+1])
	}
	for key, want := range map[string]string{
		"Addresses":        "192.168.137.23",
		"Vendor class":     "SAMSUNG BD-5500",
		"DHCP fingerprint": "1,3,6",
		"Gateway":          "192.168.137.1",
		"DNS servers":      "192.168.137.1",
	} {
		if !strings.Contains(facts[key], want) {
			t.Errorf("header %s = %q, want %q in it", key, facts[key], want)
		}
	}
	for _, want := range []string{"It took the address 192.168.137.23", "It looked up liveupdate.samsung.example"} {
		if !strings.Contains(dt.summary.Text, want) {
			t.Errorf("summary lacks %q: %s", want, dt.summary.Text)
		}
	}
	if len(dt.findings.Objects) != 3 || dt.findHead.Text != "Findings (3)" {
		t.Errorf("%d findings shown under %q", len(dt.findings.Objects), dt.findHead.Text)
	}

	tl := h.u.devices.timeline
	if _, ack := shownLine(tl, device.KindDHCP, "DHCP ACK"); ack.i == 0 && tl.lines[0].e.Message != "ACK" {
		t.Error("the timeline has no DHCP ACK")
	}
	k, get := shownLine(tl, device.KindHTTP, "GET http://liveupdate.samsung.example/liveupdate.jsp?model=BD-5500")
	if k < 0 {
		t.Fatal("the timeline has no HTTP GET")
	}
	if !get.child || tl.lines[tl.shown[k-1].i].e.Kind != device.KindTCP || tl.lines[tl.shown[k-1].i].e.Flow != tl.lines[get.i].e.Flow {
		t.Error("the HTTP GET is not listed under its connection")
	}
	if tl.lines[get.i].flag != device.Warning {
		t.Errorf("the GET is flagged %q, want warning (clear text, expired cookie)", tl.lines[get.i].flag)
	}
	for i := 1; i < len(tl.shown); i++ {
		a, b := tl.lines[tl.shown[i-1].i].e, tl.lines[tl.shown[i].i].e
		if !tl.shown[i].child && b.Time.Before(a.Time) && !tl.shown[i-1].child {
			t.Errorf("events out of time order: %s then %s", a.Summary, b.Summary)
		}
	}
	// The list draws the GET indented, with its time and kind.
	item := newEventItem()
	tl.updateItem(k, item)
	c := eventRow(item)
	if !c.Layout.(*eventRowLayout).child || labelText(c.Objects[evKind]) != "HTTP" || labelText(c.Objects[evTime]) != "20:01:02.370" {
		t.Errorf("event row: child %v kind %q time %q", c.Layout.(*eventRowLayout).child, labelText(c.Objects[evKind]), labelText(c.Objects[evTime]))
	}
}

func labelText(o fyne.CanvasObject) string { return o.(*widget.Label).Text }

func TestDevicesChoosingAnEventShowsItsPackets(t *testing.T) {
	h := openDemoDevices(t, fyne.NewSize(1400, 900))
	selectPlayer(t, h)
	tl := h.u.devices.timeline
	k, get := shownLine(tl, device.KindHTTP, "GET")
	if k < 0 {
		t.Fatal("no HTTP GET")
	}
	e := tl.lines[get.i].e
	tl.list.Select(k)
	// Choosing it shows it in full, with every field.
	x := tl.event
	if x.e != e || !x.scroll.Visible() || x.hint.Visible() || !strings.Contains(x.summary.Text, "serial=0BH73CKD500123F") {
		t.Errorf("the chosen GET is not shown in full: %q", x.summary.Text)
	}
	fields := map[string]string{}
	for _, col := range x.fields.Objects {
		for objs, i := col.(*fyne.Container).Objects, 0; i+1 < len(objs); i += 2 {
			fields[labelText(objs[i])] = labelText(objs[i+1])
		}
	}
	if fields["method"] != "GET" || fields["status"] != "200" || !strings.Contains(fields["set cookies"], "JSESSIONID") {
		t.Errorf("event fields %v", fields)
	}
	if h.u.tabs.Selected() != h.u.devices.tab {
		t.Fatal("choosing an event should stay on the timeline")
	}
	test.Tap(x.open)
	h.settle()
	if h.u.tabs.SelectedIndex() != 0 {
		t.Fatal("choosing an event should switch to the packets")
	}
	p := h.u.packets
	if want := "flow " + strconv.Itoa(int(e.Flow)); p.expr != want {
		t.Errorf("filter %q, want %q", p.expr, want)
	}
	for _, n := range e.Packets {
		if !slices.Contains(p.shown, int(n)-1) {
			t.Errorf("packet %d of the GET is not shown", n)
		}
	}
	for _, i := range p.shown {
		if ix := h.u.loaded.Index.At(i); ix.Flow != e.Flow {
			t.Errorf("packet %d of flow %d shown", i+1, ix.Flow)
		}
	}
	if p.selected != int(e.Packets[0])-1 {
		t.Errorf("packet %d selected, want %d", p.selected+1, e.Packets[0])
	}

	// An ARP event has no flow: its device's ARP packets, from the
	// packet numbers on its row.
	h.u.showDevices()
	k, arp := shownLine(tl, device.KindARP, "gateway")
	if k < 0 {
		t.Fatal("no ARP for the gateway")
	}
	item := newEventItem()
	tl.updateItem(k, item)
	test.Tap(eventRow(item).Objects[evPackets].(*widget.Button))
	h.settle()
	if want := "arp mac " + playerMAC; p.expr != want {
		t.Errorf("filter %q, want %q", p.expr, want)
	}
	if n := tl.lines[arp.i].e.Packets[0]; !slices.Contains(p.shown, int(n)-1) || p.selected != int(n)-1 {
		t.Errorf("ARP packet %d not shown and selected (selected %d)", n, p.selected+1)
	}
}

func TestDevicesKindFilter(t *testing.T) {
	h := openDemoDevices(t, fyne.NewSize(1400, 900))
	selectPlayer(t, h)
	tl := h.u.devices.timeline
	all := len(tl.shown)
	tl.setKinds(groupDHCP)
	if len(tl.shown) != 4 {
		t.Errorf("%d DHCP events shown, want DORA", len(tl.shown))
	}
	for _, ref := range tl.shown {
		if e := tl.lines[ref.i].e; e.Kind != device.KindDHCP {
			t.Errorf("%s event shown under DHCP only", e.Kind)
		}
	}
	if !strings.HasPrefix(tl.count.Text, "4 of ") {
		t.Errorf("count %q", tl.count.Text)
	}
	// HTTP without connections: the GET stands on its own.
	tl.setKinds(groupHTTP)
	if len(tl.shown) != 1 || tl.shown[0].child {
		t.Errorf("HTTP only: %+v", tl.shown)
	}
	tl.setKinds(kindGroups()...)
	if len(tl.shown) != all || all != len(tl.lines) {
		t.Errorf("all kinds show %d of %d events", len(tl.shown), len(tl.lines))
	}
}

func TestDevicesExport(t *testing.T) {
	h := openDemoDevices(t, fyne.NewSize(1400, 900))
	v := h.u.devices
	dir := t.TempDir()
	md, js := filepath.Join(dir, "r.md"), filepath.Join(dir, "r.json")
	v.exportTo(v.report, md)
	h.settle()
	if !strings.Contains(h.u.status.message.Text, "(Markdown)") {
		t.Errorf("status after export %q", h.u.status.message.Text)
	}
	v.exportTo(v.report, js)
	h.settle()
	b, err := os.ReadFile(md)
	if err != nil {
		t.Fatal(err)
	}
	if s := string(b); !strings.HasPrefix(s, "# thingsniff device report") || !strings.Contains(s, "## BD-5500 — "+playerMAC) ||
		!strings.Contains(s, "[NO UPDATE]") {
		t.Errorf("Markdown report:\n%s", s)
	}
	b, err = os.ReadFile(js)
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		Devices []struct {
			MAC      string   `json:"mac"`
			Vendor   string   `json:"vendor"`
			Names    []string `json:"names"`
			Findings []struct {
				Severity string `json:"severity"`
			} `json:"findings"`
			Events []struct {
				Kind    string   `json:"kind"`
				Packets []uint32 `json:"packets"`
				Method  string   `json:"method"`
			} `json:"events"`
		} `json:"devices"`
	}
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatalf("JSON report does not parse: %v", err)
	}
	found := false
	for _, d := range got.Devices {
		if d.MAC != playerMAC {
			continue
		}
		found = true
		get := false
		for _, e := range d.Events {
			get = get || e.Kind == "http" && e.Method == "GET" && len(e.Packets) > 0
		}
		if !strings.Contains(d.Vendor, "Samsung") || len(d.Findings) != 3 || !get {
			t.Errorf("player in JSON: vendor %q, %d findings, GET %v", d.Vendor, len(d.Findings), get)
		}
	}
	if !found || len(got.Devices) != len(v.report.Devices) {
		t.Errorf("JSON has %d devices (player %v), the report %d", len(got.Devices), found, len(v.report.Devices))
	}
	// A folder that does not exist is an error that names the file.
	if _, err := writeDeviceReport(v.report, filepath.Join(dir, "no", "r.json")); err == nil || !strings.Contains(err.Error(), "r.json") {
		t.Errorf("writing into a missing folder: %v", err)
	}
}

func TestDevicesWaitForTheLoad(t *testing.T) {
	h := newHarnessWith(t, fyne.NewSize(1000, 700), app.Options{})
	v := h.u.devices
	if !strings.Contains(v.waitMsg.Text, "Open a capture") || v.body.Visible() {
		t.Errorf("before a load the tab says %q", v.waitMsg.Text)
	}
	l, err := h.u.session.Open(writeCapture(t, false))
	if err != nil {
		t.Fatal(err)
	}
	h.u.adopt(l)
	if !strings.Contains(v.waitMsg.Text, "when it has been read") {
		t.Errorf("while reading the tab says %q", v.waitMsg.Text)
	}
	v.batch(app.Batch{Gen: l.Gen, Size: -1})
	if !strings.Contains(v.waitMsg.Text, "as they speak") {
		t.Errorf("while capturing the tab says %q", v.waitMsg.Text)
	}
	h.settle()
	if v.report == nil || !v.body.Visible() || v.wait.Visible() {
		t.Fatalf("after the load the tab says %q", v.waitMsg.Text)
	}
	if v.rowOf(macThing().String()) < 0 {
		t.Error("the test capture's thing is not listed")
	}
	h.u.CloseCapture()
	if v.report != nil || len(v.order) != 0 {
		t.Error("closing the capture keeps its devices")
	}
}

// TestDevicesGolden draws the tab over the helpers' small capture (its
// story changes less than the demo's as the device builder grows).
func TestDevicesGolden(t *testing.T) {
	h := newHarnessWith(t, fyne.NewSize(1400, 900), app.Options{})
	h.open(writeCapture(t, false))
	h.u.showDevices()
	v := h.u.devices
	k := v.rowOf(macThing().String())
	if k < 0 {
		t.Fatal("the thing is not listed")
	}
	v.list.Select(k)
	test.AssertRendersToMarkup(t, "devices.xml", h.w.Canvas())
}

// TestDevicesSnapshots draws the Devices tab with the player selected,
// light and dark, into PNG files in $THINGSNIFF_SNAPSHOTS for a person to
// look at. It checks nothing.
func TestDevicesSnapshots(t *testing.T) {
	eachSnapshotVariant(t, func() *harness { return openDemoDevices(t, fyne.NewSize(1400, 900)) }, func(h *harness, shoot func(string)) {
		selectPlayer(t, h)
		shoot("devices")
	})
}

func TestDevicesManyFindingsShowTheWorst(t *testing.T) {
	h := newHarnessWith(t, fyne.NewSize(1400, 900), app.Options{})
	d := &device.Device{Key: "10.0.0.5", IPs: []string{"10.0.0.5"}}
	for i := range 3 * maxFindingsShown {
		sev := device.Info
		if i%7 == 3 {
			sev = device.Alert
		}
		d.Findings = append(d.Findings, device.Finding{Kind: "k", Severity: sev, Text: strings.Repeat("long text ", 80) + strconv.Itoa(i), Count: 1})
	}
	dt := h.u.devices.detail
	dt.show(d)
	if n := len(dt.findings.Objects); n != maxFindingsShown+1 {
		t.Fatalf("%d rows for %d findings, want %d and a note", n, len(d.Findings), maxFindingsShown)
	}
	alerts := 0
	for _, f := range d.Findings {
		if f.Severity == device.Alert {
			alerts++
		}
	}
	shown := worstFindings(d.Findings, maxFindingsShown)
	for k, i := range shown {
		if (k < alerts) != (d.Findings[i].Severity == device.Alert) {
			t.Errorf("row %d shows a %s finding", k, d.Findings[i].Severity)
		}
	}
	if !strings.Contains(dt.findHead.Text, "60") {
		t.Errorf("heading %q", dt.findHead.Text)
	}
	// A device known by its IP (no MAC on its link) is filtered by host.
	if got := packetFilter(d, 0, device.KindDNS); got != "host 10.0.0.5" {
		t.Errorf("filter %q", got)
	}
	if got := packetFilter(d, 12, device.KindDNS); got != "flow 12" {
		t.Errorf("filter %q", got)
	}
}

func TestDevicesBusyTimelineFormatsInTheBackground(t *testing.T) {
	h := newHarnessWith(t, fyne.NewSize(1400, 900), app.Options{})
	d := &device.Device{Key: "10.0.0.5"}
	for i := range syncEvents + 500 {
		e := &device.Event{Kind: device.KindTCP, Flow: uint32(i + 1), Summary: "connection " + strconv.Itoa(i), Packets: []uint32{uint32(i + 1)}}
		if i%2 == 1 {
			e.Kind, e.Flow = device.KindHTTP, uint32(i) // under the connection before it
		}
		d.Events = append(d.Events, e)
	}
	tl := h.u.devices.timeline
	tl.setDevice(d)
	if len(tl.shown) != 0 || !strings.HasPrefix(tl.count.Text, "Reading 2,500 events") {
		t.Errorf("before the background work: %d rows, count %q", len(tl.shown), tl.count.Text)
	}
	h.settle()
	if len(tl.shown) != len(d.Events) || !tl.shown[1].child || tl.shown[2].child {
		t.Fatalf("%d rows for %d events", len(tl.shown), len(d.Events))
	}
	// A device chosen while another's events are formatted wins.
	tl.setDevice(d)
	tl.setDevice(&device.Device{Key: "10.0.0.6"})
	h.settle()
	if len(tl.shown) != 0 || tl.d.Key != "10.0.0.6" {
		t.Errorf("a late result replaced the device shown: %d rows", len(tl.shown))
	}
}

// TestDevicesShowWhileCapturing streams the demo through a pipe that stays
// open, as a live capture does: the devices show before it ends, and the
// finished report replaces them when it does.
func TestDevicesShowWhileCapturing(t *testing.T) {
	h := newHarnessWith(t, fyne.NewSize(1400, 900), app.Options{Interval: 5 * time.Millisecond})
	v := h.u.devices
	pr, pw := io.Pipe()
	go pw.Write(assets.Demo())
	h.u.OpenStream(pr, "live capture on veth0")
	deadline := time.Now().Add(30 * time.Second)
	for v.report == nil || v.rowOf("00:12:fb:3c:91:d4") < 0 {
		if time.Now().After(deadline) {
			t.Fatalf("no devices while capturing; the tab says %q", v.waitMsg.Text)
		}
		time.Sleep(10 * time.Millisecond)
		h.u.work.Wait()
		h.q.Drain()
	}
	if v.final || !v.body.Visible() {
		t.Errorf("while capturing: final %v, body shown %v", v.final, v.body.Visible())
	}
	pw.Close()
	h.settle()
	if !v.final || v.rowOf("00:12:fb:3c:91:d4") < 0 {
		t.Errorf("after the capture: final %v, the player listed: %v", v.final, v.rowOf("00:12:fb:3c:91:d4") >= 0)
	}
}

// setKinds ticks the boxes of the named kind groups only, as a user would.
func (t *timelineView) setKinds(groups ...string) {
	for i, g := range kindGroups() {
		t.on[g] = slices.Contains(groups, g)
		t.checks[i].Checked = t.on[g]
		t.checks[i].Refresh()
	}
	t.refilter()
}

// TestDevicesTimelineFoldsRoutinesByDay: a timeline that spans days is
// headed by day; a routine's events are one row until it is selected,
// which lists them, and selected again folds them.
func TestDevicesTimelineFoldsRoutinesByDay(t *testing.T) {
	h := newHarnessWith(t, fyne.NewSize(1400, 900), app.Options{})
	start := time.Date(2021, 3, 8, 15, 0, 0, 0, time.UTC)
	d := &device.Device{Key: "24:0a:c4:5e:61:07", First: start, Last: start.Add(80 * time.Hour)}
	d.Events = append(d.Events, &device.Event{Time: start, Kind: device.KindDNS, Summary: "DNS lookup", Packets: []uint32{1}})
	for i := range 10 {
		d.Events = append(d.Events, &device.Event{Time: start.Add(time.Duration(i)*8*time.Hour + time.Minute), Kind: device.KindTCP,
			Flow: uint32(i + 1), Routine: 1, Summary: "connection " + strconv.Itoa(i), Packets: []uint32{uint32(i + 2)}})
	}
	d.Routines = []device.Routine{{Key: "tcp 203.0.113.10:8883", Peer: "203.0.113.10:8883", Count: 10,
		Summary: "connects to 203.0.113.10:8883 every 8 h 0 min, 10 times", Last: start.Add(72*time.Hour + time.Minute)}}
	tl := h.u.devices.timeline
	tl.setDevice(d)
	h.settle()
	// Heading of the first day, the lookup, the routine's row.
	if len(tl.shown) != 3 || !tl.shown[0].header || tl.shown[2].routine != 1 || tl.count.Text != "11 events, 10 folded into routines" {
		t.Fatalf("folded: %+v, count %q", tl.shown, tl.count.Text)
	}
	row := tl.list.CreateItem()
	tl.updateItem(0, row)
	if got := labelText(eventRow(row).Objects[evText]); got != "Monday 2021-03-08" {
		t.Errorf("day heading %q", got)
	}
	tl.updateItem(2, row)
	if got := labelText(eventRow(row).Objects[evText]); !strings.HasPrefix(got, "connects to 203.0.113.10:8883 every 8 h 0 min, 10 times, until 2021-03-11 15:01:00.000 (10 events: select to list them)") {
		t.Errorf("routine row %q", got)
	}
	tl.list.Select(2)
	// Unfolded: four days' headings, the lookup, the routine's row and its
	// ten events.
	headers := 0
	for _, ref := range tl.shown {
		if ref.header {
			headers++
		}
	}
	if len(tl.shown) != 4+1+1+10 || headers != 4 || tl.count.Text != "11 events" {
		t.Errorf("unfolded: %d rows, %d headings, count %q", len(tl.shown), headers, tl.count.Text)
	}
	if i := slices.IndexFunc(tl.shown, func(r lineRef) bool { return r.routine == 1 }); i >= 0 {
		tl.list.Select(i)
	}
	if len(tl.shown) != 3 {
		t.Errorf("folded again: %d rows", len(tl.shown))
	}
}
