package ui

import (
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"thingsniff/decode"
	"thingsniff/decode/device"
)

// Kind groups of the timeline filter, in the order the checks show.
const (
	groupDHCP  = "DHCP"
	groupARP   = "ARP"
	groupDNS   = "DNS"
	groupHTTP  = "HTTP"
	groupTLS   = "TLS"
	groupConn  = "Connections"
	groupNames = "Names"
	groupBurst = "Bursts"
	groupOther = "Other"
)

func kindGroups() []string {
	return []string{groupDHCP, groupARP, groupDNS, groupHTTP, groupTLS, groupConn, groupNames, groupBurst, groupOther}
}

// kindGroup is the filter group an event kind belongs to.
func kindGroup(k device.Kind) string {
	switch k {
	case device.KindDHCP:
		return groupDHCP
	case device.KindARP:
		return groupARP
	case device.KindDNS:
		return groupDNS
	case device.KindHTTP:
		return groupHTTP
	case device.KindTLS:
		return groupTLS
	case device.KindTCP, device.KindUDP, "icmp":
		return groupConn
	case device.KindName, "ssdp":
		return groupNames
	case device.KindBurst, device.KindQuiet:
		return groupBurst
	}
	return groupOther
}

// kindLook is how the timeline shows an event kind.
func kindLook(k device.Kind) (string, fyne.Resource) {
	switch k {
	case device.KindDHCP:
		return "DHCP", theme.NewThemedResource(theme.HomeIcon())
	case device.KindARP:
		return "ARP", theme.NewThemedResource(theme.ComputerIcon())
	case device.KindDNS:
		return "DNS", theme.NewThemedResource(theme.SearchIcon())
	case device.KindHTTP:
		return "HTTP", theme.NewWarningThemedResource(theme.DocumentIcon())
	case device.KindTLS:
		return "TLS", theme.NewSuccessThemedResource(theme.VisibilityOffIcon())
	case device.KindTCP:
		return "TCP", theme.NewThemedResource(theme.MailSendIcon())
	case device.KindUDP:
		return "UDP", theme.NewThemedResource(theme.MailSendIcon())
	case device.KindName:
		return "Name", theme.NewThemedResource(theme.AccountIcon())
	case "ssdp":
		return "SSDP", theme.NewThemedResource(theme.AccountIcon())
	case "icmp":
		return "ICMP", theme.NewThemedResource(theme.MailSendIcon())
	case device.KindBurst:
		return "Flood", theme.NewErrorThemedResource(theme.VolumeUpIcon())
	case device.KindQuiet:
		return "Silent", theme.NewErrorThemedResource(theme.VolumeMuteIcon())
	case device.KindJoin:
		return "Join", theme.NewThemedResource(theme.LoginIcon())
	}
	return strings.ToUpper(string(k)), theme.NewThemedResource(theme.InfoIcon())
}

// eventLine is one event of the timeline, formatted once per device.
type eventLine struct {
	e       *device.Event
	group   string
	time    string
	kind    string
	icon    fyne.Resource
	packets string
	flag    device.Severity // the worst finding on this event, "" for none
	day     string          // the event's day, for the day headings
}

// lineRef is one row of the timeline as shown: an event, indented when
// it sits under its connection; or the heading of the day of event i;
// or, for routine > 0, the device's routine whose first event is i,
// which stands for all of its events while it is folded.
type lineRef struct {
	i       int
	child   bool
	header  bool
	routine int
}

// timelineView is the selected device's events in time order, with HTTP
// exchanges and TLS hellos under their connections, filtered by kind.
type timelineView struct {
	v      *devicesView
	d      *device.Device
	lines  []eventLine
	parent []int         // see timelineData
	kids   map[int][]int // see timelineData
	seq    uint64        // device shown, so that a late background result is dropped
	shown  []lineRef
	on     map[string]bool
	// unfolded holds the routines whose events are listed one by one.
	unfolded map[int]bool

	list    *keyList
	checks  []*widget.Check // one per kind group
	event   *eventDetail
	count   *widget.Label
	content fyne.CanvasObject
}

func newTimelineView(v *devicesView) *timelineView {
	t := &timelineView{v: v, on: map[string]bool{}, unfolded: map[int]bool{}}
	for _, g := range kindGroups() {
		t.on[g] = true
	}
	t.list = newKeyList(func() int { return len(t.shown) }, newEventItem, t.updateItem)
	t.list.OnSelected = func(id widget.ListItemID) {
		if id < 0 || id >= len(t.shown) {
			return
		}
		switch ref := t.shown[id]; {
		case ref.header:
			t.list.Unselect(id)
		case ref.routine > 0:
			// A routine's row folds and unfolds its events.
			t.unfolded[ref.routine] = !t.unfolded[ref.routine]
			t.refilter()
		default:
			t.event.show(t.d, t.lines[ref.i].e)
		}
	}
	t.list.OnUnselected = func(widget.ListItemID) { t.event.show(nil, nil) }
	t.event = newEventDetail(t)
	t.count = widget.NewLabel("")
	boxes := container.NewHBox()
	for _, g := range kindGroups() {
		c := widget.NewCheck(g, func(on bool) {
			t.on[g] = on
			t.refilter()
		})
		c.Checked = true
		t.checks = append(t.checks, c)
		boxes.Add(c)
	}
	title := widget.NewLabelWithStyle("Timeline", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	head := container.NewBorder(nil, nil, title, t.count, container.NewHScroll(boxes))
	t.content = container.NewBorder(head, t.event.content, nil, nil,
		t.list)
	return t
}

// setDevice shows d's events (none for nil).
func (t *timelineView) setDevice(d *device.Device) {
	t.seq++
	t.d = d
	clear(t.unfolded)
	t.apply(timelineData{})
	if d == nil {
		return
	}
	if len(d.Events) <= syncEvents {
		t.apply(prepareTimeline(d))
		return
	}
	seq := t.seq
	t.count.SetText("Reading " + plural(len(d.Events), "event", "events") + "…")
	t.v.u.background(func() func() {
		data := prepareTimeline(d)
		return func() {
			if seq == t.seq {
				t.apply(data)
			}
		}
	})
}

// syncEvents is how many events a timeline formats on the UI goroutine;
// a busier device's are formatted in the background.
const syncEvents = 2000

// timelineData is a device's events made ready to show.
type timelineData struct {
	lines []eventLine
	// parent maps an event to the connection event it belongs under, -1
	// for none; kids is the reverse.
	parent []int
	kids   map[int][]int
}

// prepareTimeline formats d's events and finds which ones go under
// their connection. It reads d only, so it can run on any goroutine.
func prepareTimeline(d *device.Device) timelineData {
	x := timelineData{lines: formatEvents(d), parent: make([]int, len(d.Events)), kids: map[int][]int{}}
	conn := map[uint32]int{}
	for i, e := range d.Events {
		x.parent[i] = -1
		switch e.Kind {
		case device.KindTCP:
			if e.Flow != 0 {
				conn[e.Flow] = i
			}
		case device.KindHTTP, device.KindTLS:
			if p, ok := conn[e.Flow]; ok && e.Flow != 0 {
				x.parent[i] = p
				x.kids[p] = append(x.kids[p], i)
			}
		}
	}
	return x
}

// apply shows prepared events.
func (t *timelineView) apply(x timelineData) {
	t.lines, t.parent, t.kids = x.lines, x.parent, x.kids
	t.refilter()
	t.list.ScrollToTop()
}

// formatEvents formats d's events and marks those its findings point at.
func formatEvents(d *device.Device) []eventLine {
	lines := make([]eventLine, len(d.Events))
	at := map[uint32]int{}
	for i, e := range d.Events {
		kind, icon := kindLook(e.Kind)
		// The time of day: a timeline that spans days is headed by day.
		lines[i] = eventLine{e: e, group: kindGroup(e.Kind), time: device.FormatTime(e.Time, false), kind: kind, icon: icon,
			packets: shortPackets(e.Packets), day: device.FormatDay(e.Time)}
		for _, p := range e.Packets {
			if _, ok := at[p]; !ok {
				at[p] = i
			}
		}
	}
	for _, f := range d.Findings {
		hit := -1
		for _, p := range f.Packets {
			if i, ok := at[p]; ok {
				hit = i
				break
			}
		}
		if hit < 0 && f.Flow != 0 {
			for i, e := range d.Events {
				if e.Flow == f.Flow && (e.Kind == device.KindTCP || e.Kind == device.KindUDP) {
					hit = i
					break
				}
			}
		}
		if hit >= 0 && worse(f.Severity, lines[hit].flag) {
			lines[hit].flag = f.Severity
		}
	}
	return lines
}

func worse(a, b device.Severity) bool {
	rank := map[device.Severity]int{"": 0, device.Info: 1, device.Warning: 2, device.Alert: 3}
	return rank[a] > rank[b]
}

func shortPackets(pk []uint32) string {
	switch len(pk) {
	case 0:
		return ""
	case 1:
		return fmt.Sprintf("#%d", pk[0])
	case 2:
		return fmt.Sprintf("#%d, %d", pk[0], pk[1])
	}
	return fmt.Sprintf("#%d +%s", pk[0], decode.Thousands(len(pk)-1))
}

// cycleOf is the routine whose row stands for e (the first of its
// routine's cycle), 0 for none.
func (t *timelineView) cycleOf(e *device.Event) int {
	r := e.Routine
	if t.d == nil || r <= 0 || r > len(t.d.Routines) {
		return 0
	}
	if c := t.d.Routines[r-1].Cycle; c > 0 && c <= len(t.d.Routines) {
		return c
	}
	return r
}

// refilter lists the events of the groups that are on, each connection
// followed by its HTTP exchanges and TLS hellos, under a heading for
// each day when they span days; a routine's events are folded into one
// row unless it was unfolded.
func (t *timelineView) refilter() {
	t.shown = t.shown[:0]
	multiDay := len(t.lines) > 0 && t.lines[0].day != t.lines[len(t.lines)-1].day
	day := ""
	add := func(ref lineRef) {
		if d := t.lines[ref.i].day; multiDay && d != day {
			day = d
			t.shown = append(t.shown, lineRef{i: ref.i, header: true})
		}
		t.shown = append(t.shown, ref)
	}
	folded := map[int]bool{}
	for i := range t.lines {
		l := &t.lines[i]
		if p := t.parent[i]; p >= 0 && t.on[groupConn] {
			continue // listed under its connection
		}
		bar := t.v.u.packets.bar
		shows := t.on[l.group] && (bar.passesEvent(l.e) || t.kidPasses(i))
		if r := t.cycleOf(l.e); r > 0 && shows {
			if !folded[r] {
				folded[r] = true
				add(lineRef{i: i, routine: r})
			}
			if !t.unfolded[r] {
				continue
			}
		}
		if shows {
			add(lineRef{i: i})
		}
		if l.group == groupConn && t.on[groupConn] {
			for _, k := range t.kids[i] {
				if t.on[t.lines[k].group] && bar.passesEvent(t.lines[k].e) {
					add(lineRef{i: k, child: true})
				}
			}
		}
	}
	// Events listed one by one, and those a folded routine's row stands
	// for.
	events, inRoutines := 0, 0
	for _, ref := range t.shown {
		if !ref.header && ref.routine == 0 {
			events++
		}
	}
	for _, l := range t.lines {
		if r := t.cycleOf(l.e); r > 0 && folded[r] && !t.unfolded[r] && t.on[l.group] && t.v.u.packets.bar.passesEvent(l.e) {
			inRoutines++
		}
	}
	switch {
	case t.d == nil:
		t.count.SetText("")
	case events == len(t.lines):
		t.count.SetText(plural(len(t.lines), "event", "events"))
	case events+inRoutines == len(t.lines):
		t.count.SetText(fmt.Sprintf("%s, %d folded into routines", plural(len(t.lines), "event", "events"), inRoutines))
	case inRoutines > 0:
		t.count.SetText(fmt.Sprintf("%d of %s, %d folded into routines", events+inRoutines, plural(len(t.lines), "event", "events"), inRoutines))
	default:
		t.count.SetText(fmt.Sprintf("%d of %s", events, plural(len(t.lines), "event", "events")))
	}
	t.list.UnselectAll()
	t.list.Refresh()
	t.event.show(nil, nil)
}

// open shows the packets behind e.
func (t *timelineView) open(e *device.Event) {
	if t.d != nil {
		t.v.openPackets(t.d, e.Flow, e.Kind, e.Packets)
	}
}

// Parts of an event row, in the order of its container's objects.
const (
	evFlag = iota
	evTime
	evIcon
	evKind
	evText
	evPackets
)

func newEventItem() fyne.CanvasObject {
	tm := widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Monospace: true})
	kind := widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	text := widget.NewLabel("")
	text.Truncation = fyne.TextTruncateEllipsis
	pk := widget.NewButton("", nil)
	pk.Importance = widget.LowImportance
	pk.Alignment = widget.ButtonAlignTrailing
	return container.New(&eventRowLayout{}, widget.NewIcon(nil), tm, widget.NewIcon(nil), kind, text, pk)
}

// eventRow returns the row container of a timeline item.
func eventRow(o fyne.CanvasObject) *fyne.Container { return o.(*fyne.Container) }

func (t *timelineView) updateItem(id widget.ListItemID, o fyne.CanvasObject) {
	if id < 0 || id >= len(t.shown) {
		return
	}
	ref := t.shown[id]
	l := &t.lines[ref.i]
	c := eventRow(o)
	lay := c.Layout.(*eventRowLayout)
	if lay.child != ref.child {
		lay.child = ref.child
		c.Refresh()
	}
	tm, icon, kind, text, packets, flag := l.time, l.icon, l.kind, l.e.Summary, l.packets, l.flag
	switch {
	case ref.header:
		tm, icon, kind, text, packets, flag = "", theme.NewThemedResource(theme.HistoryIcon()), "", dayHeading(l.e), "", ""
	case ref.routine > 0:
		rt := t.d.Routines[ref.routine-1]
		icon, kind = theme.NewThemedResource(theme.ViewRefreshIcon()), "Routine"
		n := 0
		for _, e := range t.d.Events {
			if t.cycleOf(e) == ref.routine {
				n++
			}
		}
		what := "select to list them"
		if t.unfolded[ref.routine] {
			what = "select to fold them"
		}
		text = fmt.Sprintf("%s, until %s (%s: %s)", rt.Words(), device.FormatTime(rt.Last, l.day != device.FormatDay(rt.Last)),
			plural(n, "event", "events"), what)
	}
	c.Objects[evFlag].(*widget.Icon).SetResource(severityIcon(flag))
	c.Objects[evTime].(*widget.Label).SetText(tm)
	c.Objects[evIcon].(*widget.Icon).SetResource(icon)
	c.Objects[evKind].(*widget.Label).SetText(kind)
	c.Objects[evText].(*widget.Label).SetText(text)
	pk := c.Objects[evPackets].(*widget.Button)
	pk.SetText(packets)
	e := l.e
	pk.OnTapped = func() { t.open(e) }
	if ref.header {
		pk.OnTapped = nil
	}
}

// dayHeading names the day of e: "Monday 2021-03-08".
func dayHeading(e *device.Event) string {
	return e.Time.UTC().Format("Monday") + " " + device.FormatDay(e.Time)
}

// eventRowLayout places an event's parts in fixed columns so that the
// rows line up; a child row (an HTTP exchange under its connection) is
// indented.
type eventRowLayout struct {
	child bool
}

func (e *eventRowLayout) widths() (flag, tm, icon, kind, pk float32) {
	text, inner, pad := theme.Size(theme.SizeNameText), theme.Size(theme.SizeNameInnerPadding), theme.Size(theme.SizeNamePadding)
	size := theme.Size(theme.SizeNameInlineIcon)
	tm = fyne.MeasureText("00:00:00.000", text, fyne.TextStyle{Monospace: true}).Width + 2*inner + 3*pad
	kind = fyne.MeasureText("Routine", text, fyne.TextStyle{Bold: true}).Width + 2*inner + pad
	pk = fyne.MeasureText("#00000 +000", text, fyne.TextStyle{}).Width + 2*inner
	return size, tm, size, kind, pk
}

func (e *eventRowLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	flag, tm, icon, kind, pk := e.widths()
	h := objs[evText].MinSize().Height
	return fyne.NewSize(flag+tm+icon+kind+pk+80, h)
}

func (e *eventRowLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	flag, tm, icon, kind, pk := e.widths()
	pad := theme.Size(theme.SizeNamePadding)
	x := pad
	place := func(o fyne.CanvasObject, w float32, square bool) {
		if square {
			o.Move(fyne.NewPos(x, (size.Height-w)/2))
			o.Resize(fyne.NewSize(w, w))
		} else {
			o.Move(fyne.NewPos(x, 0))
			o.Resize(fyne.NewSize(w, size.Height))
		}
		x += w
	}
	place(objs[evFlag], flag, true)
	x += pad
	place(objs[evTime], tm, false)
	if e.child {
		x += 2 * icon
	}
	place(objs[evIcon], icon, true)
	place(objs[evKind], kind, false)
	objs[evPackets].Move(fyne.NewPos(size.Width-pk-pad, 0))
	objs[evPackets].Resize(fyne.NewSize(pk, size.Height))
	place(objs[evText], max(0, size.Width-pk-pad-x), false)
}
