package ui

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"thingsniff/app"
	"thingsniff/decode/device"
)

// Orders of the device list.
const (
	sortFindings = "Findings"
	sortPackets  = "Packets"
	sortFirst    = "First seen"
	sortName     = "Name"
)

// deviceRow is one device of the list, formatted once when the report
// comes.
type deviceRow struct {
	d                       *device.Device
	title, vendor, address  string
	packets                 string
	alerts, warnings, infos int
	search                  string // lower-cased text the filter looks in
}

// devicesView is the Devices tab: the devices of the capture on the left,
// the story of the selected one on the right. The report is built once
// the load has finished, off the UI goroutine.
type devicesView struct {
	u   *UI
	tab *container.TabItem

	gen    uint64 // the load shown; 0 for none
	stream bool   // the load has no known end (standard input, live)
	// A stream's devices are shown as snapshots taken while it runs, at
	// most one every liveEvery; final is set once the finished report is
	// on show.
	snapping bool
	due      bool // a snapshot waits for its time
	lastSnap time.Time
	final    bool
	report   *device.Report

	rows   []deviceRow
	order  []int // indexes into rows, in display order
	text   string
	sortBy string
	sel    int // index into rows of the device shown, -1 for none

	list      *keyList
	filter    *widget.Entry
	sorter    *widget.Select
	count     *widget.Label
	limits    *fyne.Container // what the caps left out, shown when they did
	limitsMsg *widget.Label
	exportBt  *widget.Button

	waitIcon *widget.Icon
	waitBar  *widget.ProgressBarInfinite
	waitMsg  *widget.Label
	wait     fyne.CanvasObject
	body     fyne.CanvasObject
	none     fyne.CanvasObject // the right side when no device is selected
	right    *fyne.Container

	detail   *deviceDetail
	timeline *timelineView
	content  fyne.CanvasObject
}

func newDevicesView(u *UI) *devicesView {
	v := &devicesView{u: u, sortBy: sortFindings, sel: -1}
	v.list = newKeyList(func() int { return len(v.order) }, newDeviceItem, v.updateItem)
	v.list.OnSelected = func(id widget.ListItemID) {
		if id >= 0 && id < len(v.order) {
			v.showDevice(v.order[id])
		}
	}
	v.filter = widget.NewEntry()
	v.filter.SetPlaceHolder("Filter: name, vendor, address, MAC, finding…")
	v.filter.OnChanged = func(s string) {
		v.text = strings.ToLower(strings.TrimSpace(s))
		v.refilter()
	}
	v.filter.ActionItem = widget.NewButtonWithIcon("", theme.ContentClearIcon(), func() { v.filter.SetText("") })
	v.sorter = widget.NewSelect([]string{sortFindings, sortPackets, sortFirst, sortName}, func(s string) {
		v.sortBy = s
		v.refilter()
	})
	v.sorter.Selected = sortFindings
	v.count = widget.NewLabel("")
	v.exportBt = widget.NewButtonWithIcon("Export report…", theme.DocumentSaveIcon(), v.exportDialog)

	sortRow := container.NewBorder(nil, nil, widget.NewLabel("Sort by"), v.count, v.sorter)
	// What the caps on memory left out of the report, when they did.
	v.limitsMsg = widget.NewLabel("")
	v.limitsMsg.Wrapping = fyne.TextWrapWord
	v.limits = container.NewBorder(nil, nil, container.NewVBox(widget.NewIcon(theme.WarningIcon())), nil, v.limitsMsg)
	v.limits.Hide()
	left := container.NewBorder(
		container.NewVBox(container.NewBorder(nil, nil, widget.NewIcon(theme.SearchIcon()), nil, v.filter), sortRow, v.limits),
		container.NewPadded(v.exportBt), nil, nil, v.list)

	v.detail = newDeviceDetail(v)
	v.timeline = newTimelineView(v)
	split := container.NewVSplit(v.detail.content, v.timeline.content)
	split.Offset = 0.42
	pick := widget.NewLabelWithStyle("Choose a device on the left to read its story.", fyne.TextAlignCenter, fyne.TextStyle{Italic: true})
	v.none = container.NewCenter(pick)
	v.right = container.NewStack(split, v.none)

	hs := container.NewHSplit(container.NewPadded(left), v.right)
	hs.Offset = 0.27
	v.body = hs

	v.waitIcon = widget.NewIcon(theme.ComputerIcon())
	v.waitBar = widget.NewProgressBarInfinite()
	v.waitMsg = widget.NewLabel("")
	v.waitMsg.Alignment = fyne.TextAlignCenter
	v.waitMsg.Wrapping = fyne.TextWrapWord
	v.wait = container.NewCenter(container.New(fixedWidth(520),
		container.NewVBox(v.waitIcon, v.waitMsg, v.waitBar)))

	v.content = container.NewStack(v.body, v.wait)
	v.tab = container.NewTabItemWithIcon("Devices", iconDevices(), v.content)
	v.reset()
	u.OnLoad(v.load)
	u.OnBatch(v.batch)
	return v
}

func iconDevices() fyne.Resource { return theme.ComputerIcon() }

// reset forgets the report and shows that no capture is read.
func (v *devicesView) reset() {
	v.gen, v.stream, v.report, v.final, v.lastSnap, v.due = 0, false, nil, false, time.Time{}, false
	v.rows, v.order, v.sel = nil, nil, -1
	v.list.UnselectAll()
	v.list.Refresh()
	v.detail.clear()
	v.timeline.setDevice(nil)
	v.right.Objects[1].Show()
	v.exportBt.Disable()
	v.count.SetText("")
	v.limits.Hide()
	v.setWaiting("Open a capture to see its devices.", false)
}

// setWaiting shows msg in place of the tab's body, with a progress bar
// when busy.
func (v *devicesView) setWaiting(msg string, busy bool) {
	v.waitMsg.SetText(msg)
	if busy {
		v.waitBar.Show()
		v.waitBar.Start()
	} else {
		v.waitBar.Stop()
		v.waitBar.Hide()
	}
	v.body.Hide()
	v.wait.Show()
}

// load starts over for a new capture.
func (v *devicesView) load(l *app.Loaded) {
	v.reset()
	v.gen = l.Gen
	v.setWaiting("Reading the capture. Device timelines are built when it has been read.", true)
}

// batch follows the load: while a stream runs, snapshots of its devices
// show as they speak; the last batch builds the finished report.
func (v *devicesView) batch(b app.Batch) {
	l := v.u.loaded
	if b.Gen != v.gen || v.final || l == nil || l.Gen != b.Gen {
		return
	}
	if !b.Done {
		if b.Size < 0 {
			v.snapshot(l)
		}
		return
	}
	if errors.Is(b.Err, context.Canceled) {
		return
	}
	if v.report == nil {
		v.setWaiting("Building device timelines…", true)
	}
	v.final = true
	v.u.background(func() func() {
		r := l.Devices()
		return func() {
			if v.gen != l.Gen {
				return
			}
			v.setReport(r)
		}
	})
}

// liveEvery is the least time between two snapshots of a live capture's
// devices: enough to follow a conversation, little work for a busy one.
const liveEvery = 2 * time.Second

// snapshot shows the devices of a stream so far, unless one was taken
// less than liveEvery ago or is still being taken.
func (v *devicesView) snapshot(l *app.Loaded) {
	if !v.stream {
		v.stream = true
		v.setWaiting("Capturing. Devices appear here as they speak.", true)
	}
	if v.snapping || v.due {
		return
	}
	if wait := liveEvery - time.Since(v.lastSnap); wait > 0 {
		// Too soon: take it when the time comes, so the last packets of a
		// burst show even if nothing follows them.
		v.due = true
		time.AfterFunc(wait, func() {
			v.u.dispatch(func() {
				v.due = false
				if v.u.loaded == l && v.gen == l.Gen && !v.final {
					v.snapshot(l)
				}
			})
		})
		return
	}
	v.snapping = true
	v.u.background(func() func() {
		r := l.DevicesSoFar()
		return func() {
			v.snapping, v.lastSnap = false, time.Now()
			if v.gen != l.Gen || v.final || r == nil || len(r.Devices) == 0 {
				return
			}
			v.setReport(r)
		}
	})
}

// setReport shows the devices of r.
func (v *devicesView) setReport(r *device.Report) {
	v.waitBar.Stop()
	switch {
	case r == nil:
		v.setWaiting("Device timelines are not built in this session.", false)
		return
	case len(r.Devices) == 0:
		v.setWaiting("No devices: nothing in this capture was sent by a host on the local network.", false)
		return
	}
	// A newer report of the same capture (a live one) keeps the device on
	// show, and its timeline too while nothing new happened to it.
	shown := v.selected()
	v.report = r
	v.rows = make([]deviceRow, len(r.Devices))
	for i, d := range r.Devices {
		v.rows[i] = formatDevice(d)
	}
	v.exportBt.Enable()
	if len(r.Notes) > 0 {
		v.limitsMsg.SetText(strings.Join(r.Notes, " "))
		v.limits.Show()
	} else {
		v.limits.Hide()
	}
	v.wait.Hide()
	v.body.Show()
	v.sel = -1
	v.refilter()
	k := 0
	for j, i := range v.order {
		if shown != nil && v.rows[i].d.Key == shown.Key {
			k = j
			if unchanged(shown, v.rows[i].d) {
				// Same story: leave the views (and the event being read) be.
				v.sel = i
			}
		}
	}
	if len(v.order) > 0 {
		v.list.Select(k)
		v.reveal(k)
	}
}

// reveal scrolls the list to row k. The list measures from its own
// height, which is stale while the tab is behind another (a load that
// ends there scrolled the first device out of view): the top row goes
// to the top whatever the height, and the tab reveals its row again when
// it comes forward.
func (v *devicesView) reveal(k int) {
	if k == 0 {
		v.list.ScrollToTop()
	} else if k > 0 {
		v.list.ScrollTo(k)
	}
}

// shown is called when the Devices tab comes forward.
func (v *devicesView) shown() {
	v.reveal(slices.Index(v.order, v.sel))
}

// unchanged reports whether a device's story is the same in two reports.
func unchanged(a, b *device.Device) bool {
	return len(a.Events) == len(b.Events) && len(a.Findings) == len(b.Findings) && a.Packets == b.Packets
}

// formatDevice formats a device's row of the list.
func formatDevice(d *device.Device) deviceRow {
	r := deviceRow{d: d, vendor: d.Vendor, packets: plural(int(d.Packets), "packet", "packets")}
	switch {
	case len(d.Names) > 0:
		r.title = d.Names[0]
	case d.Vendor != "":
		r.title, r.vendor = d.Vendor, "No name announced"
	default:
		r.title, r.vendor = d.Key, "Unknown vendor"
	}
	// IPv4 first: link-local IPv6 addresses are long and say little.
	addr := slices.Clone(d.IPs)
	slices.SortStableFunc(addr, func(a, b string) int {
		return cmp.Compare(strings.Count(a, ":"), strings.Count(b, ":"))
	})
	if d.MAC() != nil {
		// The MAC first: it names the device and has a fixed width, so a
		// narrow list cuts the addresses after it, not the MAC.
		addr = append([]string{d.Key}, addr...)
	}
	r.address = strings.Join(addr, " · ")
	for _, f := range d.Findings {
		switch f.Severity {
		case device.Alert:
			r.alerts++
		case device.Warning:
			r.warnings++
		default:
			r.infos++
		}
	}
	var s strings.Builder
	for _, x := range []string{d.Key, d.Vendor, strings.Join(d.Names, " "), strings.Join(d.IPs, " "),
		d.Profile.VendorClass, d.Profile.Hostname} {
		s.WriteString(x)
		s.WriteByte(' ')
	}
	for _, f := range d.Findings {
		s.WriteString(f.Text)
		s.WriteByte(' ')
	}
	r.search = strings.ToLower(s.String())
	return r
}

// refilter orders and filters the list. A report holds a few hundred
// devices at most, so this is cheap enough for the UI goroutine.
func (v *devicesView) refilter() {
	order := make([]int, 0, len(v.rows))
	bar := v.u.packets.bar
	narrowed := bar.blocked() || bar.sel != nil
	for i := range v.rows {
		if (v.text == "" || strings.Contains(v.rows[i].search, v.text)) && (!narrowed || v.rows[i].passes(bar)) {
			order = append(order, i)
		}
	}
	by := v.sortBy
	slices.SortStableFunc(order, func(a, b int) int { return compareDevices(&v.rows[a], &v.rows[b], by) })
	v.order = order
	if v.text != "" || narrowed {
		v.count.SetText(fmt.Sprintf("%d of %d", len(order), len(v.rows)))
	} else {
		v.count.SetText(plural(len(v.rows), "device", "devices"))
	}
	v.list.UnselectAll()
	v.list.Refresh()
	if k := slices.Index(order, v.sel); k >= 0 {
		v.list.Select(k)
		v.reveal(k)
	} else if v.sel >= 0 && len(order) > 0 {
		// The device on show was filtered out: show the first one left
		// rather than a device the list no longer holds.
		v.list.Select(0)
		v.reveal(0)
	}
}

// passes reports whether any event of the row's device passes the
// display filter: under a filter the list keeps the devices it concerns.
func (r *deviceRow) passes(bar *filterBar) bool {
	for _, e := range r.d.Events {
		if bar.passesEvent(e) {
			return true
		}
	}
	return false
}

func compareDevices(a, b *deviceRow, by string) int {
	c := 0
	switch by {
	case sortFindings:
		c = cmp.Or(-cmp.Compare(a.alerts, b.alerts), -cmp.Compare(a.warnings, b.warnings),
			-cmp.Compare(a.infos, b.infos), -cmp.Compare(a.d.Packets, b.d.Packets))
	case sortPackets:
		c = -cmp.Compare(a.d.Packets, b.d.Packets)
	case sortFirst:
		c = a.d.First.Compare(b.d.First)
	case sortName:
		c = strings.Compare(strings.ToLower(a.title), strings.ToLower(b.title))
	}
	return cmp.Or(c, strings.Compare(a.d.Key, b.d.Key))
}

// showDevice shows the device of rows[i] on the right.
func (v *devicesView) showDevice(i int) {
	if v.sel == i {
		return
	}
	v.sel = i
	d := v.rows[i].d
	v.detail.show(d)
	v.timeline.setDevice(d)
	v.right.Objects[1].Hide()
}

// selected returns the device shown, or nil.
func (v *devicesView) selected() *device.Device {
	if v.sel < 0 || v.sel >= len(v.rows) {
		return nil
	}
	return v.rows[v.sel].d
}

// showDevices brings the Devices tab to the front.
func (u *UI) showDevices() {
	if u.loaded == nil {
		return
	}
	u.SelectTab(u.devices.tab)
}

// openPackets shows the packets behind an event or a finding of d: its
// flow when it has one, else d's packets (its ARP packets for ARP), with
// the first of them selected.
func (v *devicesView) openPackets(d *device.Device, flow uint32, kind device.Kind, packets []uint32) {
	expr := packetFilter(d, flow, kind)
	if len(packets) > 0 {
		// Select it before filtering: the filter keeps a selected packet
		// that passes selected and in view.
		_ = v.u.packets.goTo(int(packets[0]))
	}
	v.u.ShowPackets(expr)
}

// packetFilter is the packet filter that shows an event's packets.
func packetFilter(d *device.Device, flow uint32, kind device.Kind) string {
	if flow != 0 {
		return "flow " + strconv.FormatUint(uint64(flow), 10)
	}
	who := "mac " + d.Key
	if d.MAC() == nil {
		who = "host " + d.Key
	}
	if kind == device.KindARP {
		return "arp " + who
	}
	return who
}
