package ui

import (
	"context"
	"errors"
	"fmt"
	"image/color"
	"net/netip"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"github.com/gopacket/gopacket/layers"

	"thingsniff/app"
)

// sparkPoints is how many seconds of activity a sparkline shows.
const sparkPoints = 30

// icsNet is the network Windows Internet Connection Sharing hands out:
// the interface on it is where a "thing" behind a laptop talks.
func icsNet() netip.Prefix { return netip.PrefixFrom(netip.AddrFrom4([4]byte{192, 168, 137, 0}), 24) }

// ifaceState is what the dialog knows of one interface over time.
type ifaceState struct {
	app.Interface
	history []uint64 // packets per sample, oldest first
	last    app.InterfaceCounters
	seen    bool // last holds a sample
	idle    int  // samples in a row without packets
	ics     bool
	woke    bool // it was idle and has just started moving
}

// captureDialog chooses an interface and a capture filter.
type captureDialog struct {
	c      *liveCtl
	ifaces []*ifaceState
	chosen int  // index into ifaces, -1 for none
	picked bool // the user chose; activity no longer moves the choice
	stop   context.CancelFunc

	list      *keyList
	filter    *widget.Entry
	filterMsg *widget.Label
	startBtn  *widget.Button
	filterOK  bool
	dlg       dialog.Dialog
	content   fyne.CanvasObject
}

// showDialog opens the Capture dialog.
func (c *liveCtl) showDialog() {
	ifs, err := c.sys.interfaces()
	if err != nil {
		c.u.showError(fmt.Errorf("list the capture interfaces: %w", err))
		return
	}
	if len(ifs) == 0 {
		c.u.showError(errors.New("there is no interface to capture on (libpcap lists none)"))
		return
	}
	d := newCaptureDialog(c, ifs)
	c.dialog = d
	d.dlg = dialog.NewCustomWithoutButtons("Capture", d.content, c.u.win)
	d.dlg.SetOnClosed(func() {
		d.stopTicker()
		if c.dialog == d {
			c.dialog = nil
		}
	})
	d.dlg.Resize(fyne.NewSize(860, 560))
	d.dlg.Show()
	// The list scrolled to the choice before it had a size; now that it
	// has one, bring the chosen row into view (the first: to the top).
	if d.chosen == 0 {
		d.list.ScrollToTop()
	} else {
		d.list.ScrollTo(d.chosen)
	}
	d.startTicker()
	c.u.win.Canvas().Focus(d.filter)
}

func newCaptureDialog(c *liveCtl, ifs []app.Interface) *captureDialog {
	d := &captureDialog{c: c, chosen: -1}
	for _, ifc := range ifs {
		st := &ifaceState{Interface: ifc}
		for _, a := range ifc.Addresses {
			if icsNet().Contains(a.Addr()) {
				st.ics = true
			}
		}
		d.ifaces = append(d.ifaces, st)
	}
	d.list = newKeyList(func() int { return len(d.ifaces) }, newIfaceItem, d.updateItem)
	d.list.OnSelected = func(id widget.ListItemID) {
		if id != d.chosen {
			d.picked = true
		}
		d.chosen = id
		d.updateStart()
	}
	d.filter = widget.NewEntry()
	d.filter.SetPlaceHolder("Capture filter (tcpdump syntax), e.g. host 192.168.137.20 or not port 22; empty keeps everything")
	d.filterMsg = widget.NewLabel("")
	d.filterMsg.Wrapping = fyne.TextWrapWord
	d.filter.OnChanged = d.checkFilter
	d.startBtn = widget.NewButtonWithIcon("Start", theme.MediaRecordIcon(), d.startCapture)
	d.startBtn.Importance = widget.HighImportance
	d.filter.OnSubmitted = func(string) {
		if !d.startBtn.Disabled() {
			d.startCapture()
		}
	}
	cancel := widget.NewButton("Cancel", func() { d.dlg.Hide() })
	hint := widget.NewLabel("The line beside each interface is its packets per second over the last 30 seconds. " +
		"Plug a device in or let it talk: the interface it is on lights up.")
	hint.Wrapping = fyne.TextWrapWord
	hint.Importance = widget.LowImportance
	filterRow := container.NewBorder(nil, nil, widget.NewLabelWithStyle("Filter", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), nil, d.filter)
	bottom := container.NewVBox(hint, filterRow, d.filterMsg,
		container.NewBorder(nil, nil, nil, container.NewHBox(cancel, d.startBtn)))
	d.content = container.NewBorder(nil, bottom, nil, nil, d.list)

	prefs := c.u.app.Preferences()
	d.filter.SetText(prefs.String(prefLiveFilter))
	d.checkFilter(d.filter.Text)
	d.sample(c.sys.sample())
	d.preselect(prefs.String(prefLiveIface))
	return d
}

// preselect chooses the interface a capture most likely wants: the one
// chosen last time, else the one sharing a connection (Windows ICS),
// else the first that is up, not loopback and has addresses.
func (d *captureDialog) preselect(last string) {
	pick := -1
	for i, s := range d.ifaces {
		if s.Name == last && last != "" {
			pick = i
		}
	}
	for i, s := range d.ifaces {
		if pick < 0 && s.ics {
			pick = i
		}
	}
	for i, s := range d.ifaces {
		if pick < 0 && s.Up && !s.Loopback && len(s.Addresses) > 0 {
			pick = i
		}
	}
	d.choose(max(pick, 0))
}

// choose selects interface i without counting it as the user's choice.
func (d *captureDialog) choose(i int) {
	picked := d.picked
	d.chosen = i
	d.list.Select(i)
	d.picked = picked
	d.updateStart()
}

func (d *captureDialog) startTicker() {
	every := d.c.sys.every
	if every <= 0 {
		return
	}
	ctx, cancel := context.WithCancel(d.c.ctx)
	d.stop = cancel
	sample, dispatch := d.c.sys.sample, d.c.u.dispatch
	go func() {
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				s := sample()
				dispatch(func() {
					if ctx.Err() == nil {
						d.sample(s)
					}
				})
			}
		}
	}()
}

func (d *captureDialog) stopTicker() {
	if d.stop != nil {
		d.stop()
		d.stop = nil
	}
}

// sample takes one reading of the interfaces' counters: each sparkline
// moves on, and an interface that was quiet and starts moving is marked
// (and chosen, unless the user has chosen).
func (d *captureDialog) sample(now map[string]app.InterfaceCounters) {
	woke := -1
	for i, s := range d.ifaces {
		cnt, ok := now[s.Name]
		if !ok {
			continue
		}
		if s.seen {
			delta := (cnt.RxPackets + cnt.TxPackets) - (s.last.RxPackets + s.last.TxPackets)
			if cnt.RxPackets+cnt.TxPackets < s.last.RxPackets+s.last.TxPackets {
				delta = 0 // counters reset
			}
			s.history = append(s.history, delta)
			if len(s.history) > sparkPoints {
				s.history = s.history[len(s.history)-sparkPoints:]
			}
			if delta == 0 {
				s.idle++
			} else {
				if s.idle >= 2 && !s.Loopback {
					s.woke = true
					woke = i
				}
				s.idle = 0
			}
		}
		s.last, s.seen = cnt, true
	}
	if woke >= 0 && !d.picked {
		d.choose(woke)
	}
	d.list.Refresh()
}

func (d *captureDialog) checkFilter(text string) {
	err := app.CheckFilter(text, layers.LinkTypeEthernet)
	d.filterOK = err == nil
	var fe *app.FilterError
	switch {
	case err == nil:
		d.filterMsg.Importance = widget.LowImportance
		if strings.TrimSpace(text) == "" {
			d.filterMsg.SetText("No filter: every packet is captured.")
		} else {
			d.filterMsg.SetText("The filter is valid.")
		}
	case errors.As(err, &fe):
		d.filterMsg.Importance = widget.DangerImportance
		d.filterMsg.SetText("libpcap: " + fe.Message + " " + fe.Where())
	default:
		d.filterMsg.Importance = widget.DangerImportance
		d.filterMsg.SetText(err.Error())
	}
	d.filterMsg.Refresh()
	d.updateStart()
}

func (d *captureDialog) updateStart() {
	if d.startBtn == nil {
		return
	}
	if d.filterOK && d.chosen >= 0 && d.chosen < len(d.ifaces) {
		d.startBtn.Enable()
	} else {
		d.startBtn.Disable()
	}
}

func (d *captureDialog) startCapture() {
	if d.startBtn.Disabled() {
		return
	}
	name, filter := d.ifaces[d.chosen].Name, strings.TrimSpace(d.filter.Text)
	d.dlg.Hide()
	d.c.loopback = d.ifaces[d.chosen].Loopback
	d.c.start(name, filter)
}

// Parts of an interface row, in its container's order.
const (
	ifBack = iota
	ifSpark
	ifTitle
	ifDetail
	ifBadge
)

func newIfaceItem() fyne.CanvasObject {
	title := widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	detail := widget.NewLabel("")
	detail.Truncation = fyne.TextTruncateEllipsis
	badge := widget.NewLabelWithStyle("", fyne.TextAlignTrailing, fyne.TextStyle{Bold: true})
	return container.New(ifaceRowLayout{}, canvas.NewRectangle(color.Transparent), newSparkline(), title, detail, badge)
}

func (d *captureDialog) updateItem(id widget.ListItemID, o fyne.CanvasObject) {
	if id < 0 || id >= len(d.ifaces) {
		return
	}
	s := d.ifaces[id]
	c := o.(*fyne.Container)
	var flags []string
	for _, f := range []struct {
		on   bool
		name string
	}{{s.Up, "up"}, {!s.Up, "down"}, {s.Running, "running"}, {s.Loopback, "loopback"}, {s.Wireless, "wireless"}} {
		if f.on {
			flags = append(flags, f.name)
		}
	}
	c.Objects[ifTitle].(*widget.Label).SetText(s.Name + "   " + strings.Join(flags, " · "))
	var addrs []string
	for _, a := range s.Addresses {
		addrs = append(addrs, a.String())
	}
	detail := strings.Join(addrs, ", ")
	if detail == "" {
		detail = "no addresses"
	}
	if s.Description != "" {
		detail = s.Description + " — " + detail
	}
	c.Objects[ifDetail].(*widget.Label).SetText(detail)
	badge := c.Objects[ifBadge].(*widget.Label)
	bg := c.Objects[ifBack].(*canvas.Rectangle)
	switch {
	case s.woke:
		badge.Importance = widget.SuccessImportance
		badge.SetText("activity just started")
		bg.FillColor = color.NRGBA{R: 0x43, G: 0xa0, B: 0x47, A: 0x30}
	case s.ics:
		badge.Importance = widget.WarningImportance
		badge.SetText("shares a connection (192.168.137.x)")
		bg.FillColor = tintServer.color()
	default:
		badge.SetText("")
		bg.FillColor = color.Transparent
	}
	bg.Refresh()
	c.Objects[ifSpark].(*sparkline).set(s.history)
}

// ifaceRowLayout puts the sparkline at the left, the name over the
// details in the middle and the badge at the right.
type ifaceRowLayout struct{}

const sparkWidth, sparkHeight = 124, 30

func (ifaceRowLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	h := objs[ifTitle].MinSize().Height + objs[ifDetail].MinSize().Height
	return fyne.NewSize(sparkWidth+400, max(h, sparkHeight))
}

func (ifaceRowLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	pad := theme.Padding()
	objs[ifBack].Move(fyne.NewPos(0, 0))
	objs[ifBack].Resize(size)
	objs[ifSpark].Move(fyne.NewPos(pad, (size.Height-sparkHeight)/2))
	objs[ifSpark].Resize(fyne.NewSize(sparkWidth, sparkHeight))
	x := sparkWidth + 3*pad
	bw := objs[ifBadge].MinSize().Width
	objs[ifBadge].Move(fyne.NewPos(size.Width-bw-pad, 0))
	objs[ifBadge].Resize(fyne.NewSize(bw, size.Height/2))
	th := objs[ifTitle].MinSize().Height
	objs[ifTitle].Move(fyne.NewPos(x, 0))
	objs[ifTitle].Resize(fyne.NewSize(max(0, size.Width-x-bw-2*pad), th))
	objs[ifDetail].Move(fyne.NewPos(x, th-2*pad))
	objs[ifDetail].Resize(fyne.NewSize(max(0, size.Width-x-pad), size.Height-th+2*pad))
}

// sparkline draws recent activity as small bars, the tallest the
// busiest second.
type sparkline struct {
	widget.BaseWidget
	values []uint64
	bars   []*canvas.Rectangle
	base   *canvas.Rectangle
}

func newSparkline() *sparkline {
	s := &sparkline{base: canvas.NewRectangle(color.Transparent)}
	for range sparkPoints {
		s.bars = append(s.bars, canvas.NewRectangle(theme.Color(theme.ColorNamePrimary)))
	}
	s.ExtendBaseWidget(s)
	return s
}

func (s *sparkline) set(values []uint64) {
	s.values = append(s.values[:0], values...)
	s.Refresh()
}

// heights returns each bar's height as a fraction of the tallest, the
// newest last, for sparkPoints bars.
func (s *sparkline) heights() []float32 {
	out := make([]float32, sparkPoints)
	top := uint64(0)
	for _, v := range s.values {
		top = max(top, v)
	}
	off := sparkPoints - len(s.values)
	for i, v := range s.values {
		if top > 0 && v > 0 {
			out[off+i] = max(0.08, float32(v)/float32(top))
		}
	}
	return out
}

// CreateRenderer draws the bars.
func (s *sparkline) CreateRenderer() fyne.WidgetRenderer {
	objs := []fyne.CanvasObject{s.base}
	for _, b := range s.bars {
		objs = append(objs, b)
	}
	return &sparkRenderer{s: s, objs: objs}
}

type sparkRenderer struct {
	s    *sparkline
	objs []fyne.CanvasObject
}

func (r *sparkRenderer) Layout(size fyne.Size) {
	r.s.base.Resize(size)
	w := size.Width / sparkPoints
	for i, h := range r.s.heights() {
		b := r.s.bars[i]
		bh := max(1, h*size.Height)
		b.Move(fyne.NewPos(float32(i)*w, size.Height-bh))
		b.Resize(fyne.NewSize(max(1, w-1), bh))
	}
}

func (r *sparkRenderer) MinSize() fyne.Size { return fyne.NewSize(sparkWidth, sparkHeight) }

func (r *sparkRenderer) Refresh() {
	r.s.base.FillColor = theme.Color(theme.ColorNameInputBackground)
	for i, h := range r.s.heights() {
		c := theme.Color(theme.ColorNamePrimary)
		if h == 0 {
			c = theme.Color(theme.ColorNameDisabled)
		}
		r.s.bars[i].FillColor = c
	}
	r.Layout(r.s.Size())
	canvas.Refresh(r.s)
}

func (r *sparkRenderer) Objects() []fyne.CanvasObject { return r.objs }
func (r *sparkRenderer) Destroy()                     {}
