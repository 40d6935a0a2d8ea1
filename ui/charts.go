package ui

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"thingsniff/app"
	"thingsniff/app/chart"
	"thingsniff/decode/device"
	"thingsniff/decode/stats"
)

// drawFunc draws a picture w by h pixels with the places a pointer can
// point at.
type drawFunc func(w, h int, pal chart.Palette) (*image.RGBA, []chart.Mark)

// chartView shows a picture that app/chart draws at the widget's size:
// hovering says what is under the pointer (in the line under the
// picture: onHover), a click shows its packets.
type chartView struct {
	widget.BaseWidget
	u     *UI
	draw  drawFunc
	img   *canvas.Image
	marks []chart.Mark
	last  *image.RGBA
	drawn fyne.Size
	bg    color.RGBA // the background drawn with, to notice a theme change
	// onHover is told what is under the pointer, "" when nothing is.
	onHover func(tip string)
}

func newChartView(u *UI) *chartView {
	v := &chartView{u: u, img: canvas.NewImageFromImage(image.NewRGBA(image.Rect(0, 0, 1, 1))), onHover: func(string) {}}
	v.img.FillMode = canvas.ImageFillStretch
	v.img.ScaleMode = canvas.ImageScalePixels
	v.ExtendBaseWidget(v)
	return v
}

// setDraw gives the view what to draw, and draws it.
func (v *chartView) setDraw(d drawFunc) {
	v.draw = d
	v.drawn = fyne.Size{}
	v.redraw()
}

// redraw draws the picture again at the widget's size, or in another
// theme's colours.
func (v *chartView) redraw() {
	size := v.Size()
	pal := chartPalette()
	if v.draw == nil || size.Width < 2 || size.Height < 2 || size == v.drawn && pal.Background == v.bg {
		return
	}
	v.drawn, v.bg = size, pal.Background
	v.last, v.marks = v.draw(int(size.Width), int(size.Height), pal)
	v.img.Image = v.last
	v.img.Refresh()
}

// chartPalette follows the window's light or dark theme.
func chartPalette() chart.Palette {
	r, g, b, _ := theme.Color(theme.ColorNameBackground).RGBA()
	return chart.DefaultPalette(r+g+b < 3*0x8000)
}

// Resize draws the picture anew at the new size.
func (v *chartView) Resize(s fyne.Size) {
	v.BaseWidget.Resize(s)
	v.redraw()
}

// Refresh draws the picture anew when the theme changed.
func (v *chartView) Refresh() {
	v.redraw()
	v.BaseWidget.Refresh()
}

// MinSize leaves room for axes and a few lines.
func (v *chartView) MinSize() fyne.Size { return fyne.NewSize(320, 200) }

func (v *chartView) markAt(pos fyne.Position) *chart.Mark {
	return chart.At(v.marks, image.Pt(int(pos.X), int(pos.Y)))
}

// MouseIn is MouseMoved.
func (v *chartView) MouseIn(e *desktop.MouseEvent) { v.MouseMoved(e) }

// MouseMoved says what is under the pointer.
func (v *chartView) MouseMoved(e *desktop.MouseEvent) {
	if m := v.markAt(e.Position); m != nil {
		v.onHover(m.Tip)
	} else {
		v.onHover("")
	}
}

// MouseOut says the pointer left.
func (v *chartView) MouseOut() { v.onHover("") }

// Tapped shows the packets of what was clicked.
func (v *chartView) Tapped(e *fyne.PointEvent) {
	if m := v.markAt(e.Position); m != nil {
		if expr := markFilter(m); expr != "" {
			v.u.ShowPackets(expr)
		}
	}
}

// CreateRenderer shows the picture.
func (v *chartView) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(v.img)
}

// markFilter is the packet filter that selects what a mark stands for.
func markFilter(m *chart.Mark) string {
	switch {
	case m.First != 0:
		return framesFilter([]uint32{m.First, m.Last}, true)
	case m.Flow != 0:
		return fmt.Sprintf("flow %d", m.Flow)
	case m.Host != "":
		return "host " + m.Host
	}
	return ""
}

// savePNG asks where to save the picture v shows.
func (u *UI) savePNG(v *chartView, name string) {
	img := v.last
	if img == nil {
		u.showError(fmt.Errorf("no picture to save yet: open a capture and wait for the count"))
		return
	}
	u.saveFileDialog(name, []string{".png"}, func(path string) {
		u.background(func() func() {
			err := writePNG(path, img)
			return func() {
				if err != nil {
					u.showError(err)
					return
				}
				u.status.setMessage("Saved " + path)
			}
		})
	}).Show()
}

// writePNG saves a picture as a PNG file.
func writePNG(path string, img image.Image) error {
	var b bytes.Buffer
	err := png.Encode(&b, img)
	if err == nil {
		err = os.WriteFile(path, b.Bytes(), 0o644)
	}
	if err != nil {
		return fmt.Errorf("save picture %s: %w", path, err)
	}
	return nil
}

// chartPane is a statistics tab that holds a picture, its controls and
// a Save PNG… button.
type chartPane struct {
	item  *container.TabItem
	view  *chartView
	hover *widget.Label // the hint, or what is under the pointer
}

func newChartPane(u *UI, title, file, hint string, controls fyne.CanvasObject) *chartPane {
	p := &chartPane{view: newChartView(u)}
	save := widget.NewButtonWithIcon("Save PNG…", theme.DocumentSaveIcon(), func() { u.savePNG(p.view, file) })
	h := widget.NewLabel(hint)
	h.Importance = widget.LowImportance
	h.Truncation = fyne.TextTruncateEllipsis
	p.hover = h
	// Hovering says what is under the pointer in place of the hint.
	p.view.onHover = func(tip string) {
		text, imp := hint, widget.LowImportance
		if tip != "" {
			text, imp = tip, widget.MediumImportance
		}
		if h.Text != text {
			h.Importance = imp
			h.SetText(text)
		}
	}
	var top fyne.CanvasObject
	if controls != nil {
		top = controls
	}
	p.item = container.NewTabItem(title, container.NewBorder(top, container.NewBorder(nil, nil, nil, save, h), nil, nil, p.view))
	return p
}

// chartsOf are the three pictures of the statistics view.
type charts struct {
	v        *statsView
	io       *chartPane
	timeline *chartPane
	talk     *chartPane

	unit    *widget.RadioGroup
	devices *widget.Select // how many device lines
	filter  *widget.Entry
	// total is every packet, lines the filters added, of the capture on
	// screen; interval is theirs.
	total    stats.IOSeries
	interval time.Duration
	lines    []chart.IOLine
	origin   time.Time

	who     *widget.Select
	report  *device.Report
	devKeys []string
}

// ioBuckets is about how many intervals the I/O graph's total has.
const ioBuckets = 600

func newCharts(v *statsView) *charts {
	c := &charts{v: v}
	u := v.u
	c.unit = widget.NewRadioGroup([]string{"packets/s", "bytes/s"}, func(string) { c.drawIO() })
	c.unit.Horizontal = true
	c.unit.Required = true
	c.unit.Selected = "packets/s"
	c.devices = widget.NewSelect([]string{"no device lines", "top 3 devices", "top 5 devices"}, func(string) { c.drawIO() })
	c.devices.Selected = "top 3 devices"
	c.filter = widget.NewEntry()
	c.filter.SetPlaceHolder("A filter to draw as a line of its own, e.g. dns, host 10.0.0.1, port 80")
	c.filter.OnSubmitted = func(string) { c.addFilterLine() }
	add := widget.NewButtonWithIcon("Add line", theme.ContentAddIcon(), c.addFilterLine)
	clear := widget.NewButtonWithIcon("Clear lines", theme.ContentClearIcon(), func() {
		c.lines = nil
		c.drawIO()
	})
	ioControls := container.NewBorder(nil, nil, container.NewHBox(c.unit, c.devices), container.NewHBox(add, clear), c.filter)
	c.io = newChartPane(u, "I/O graph", "thingsniff-io.png",
		"Hover for an interval's numbers; click to see its packets. Orange: sent to broadcast or multicast.", ioControls)
	c.timeline = newChartPane(u, "Connections", "thingsniff-connections.png",
		"One bar per TCP connection from open to close, by client; hover for who closed it, click to see its packets.", nil)
	c.who = widget.NewSelect(nil, func(string) { c.drawTalk() })
	c.who.PlaceHolder = "Choose a device"
	c.talk = newChartPane(u, "Who talks to whom", "thingsniff-talks.png",
		"Edges are as thick as the bytes; click a name to see its packets.", container.NewBorder(nil, nil, widget.NewLabel("Device:"), nil, c.who))
	return c
}

// load counts the capture's packets per interval from the index (quick
// on any capture), off the UI goroutine; r is its statistics, for the
// device lines and the timeline, and report its device timelines.
func (c *charts) install(l *app.Loaded, r *stats.Result, total stats.IOSeries, interval time.Duration, report *device.Report) {
	c.total, c.interval, c.lines, c.origin = total, interval, nil, r.First
	c.drawIO()
	flows := r.Flows
	origin := r.First
	c.timeline.view.setDraw(func(w, h int, pal chart.Palette) (*image.RGBA, []chart.Mark) {
		tl := chart.Timeline{Flows: flows, Origin: origin}
		return tl.Draw(w, h, pal)
	})
	c.report = report
	c.devKeys = nil
	var opts []string
	if report != nil {
		for _, d := range report.Devices {
			c.devKeys = append(c.devKeys, d.Key)
			opts = append(opts, deviceLabel(d))
		}
	}
	c.who.Options = opts
	c.who.ClearSelected()
	if len(opts) > 0 {
		c.who.SetSelectedIndex(mostConnected(report))
	}
	c.drawTalk()
}

// mostConnected is the index of the device that opened the most
// connections: the one whose map has the most to show.
func mostConnected(r *device.Report) int {
	k, most := 0, -1
	for i, d := range r.Devices {
		n := 0
		for _, e := range d.Events {
			if e.Peer != "" && (e.Kind == device.KindTCP || e.Kind == device.KindUDP) {
				n++
			}
		}
		if n > most {
			k, most = i, n
		}
	}
	return k
}

func deviceLabel(d *device.Device) string {
	if len(d.Names) > 0 {
		return d.Names[0] + " (" + d.Key + ")"
	}
	if d.Vendor != "" {
		return d.Key + " (" + d.Vendor + ")"
	}
	return d.Key
}

func (c *charts) reset() {
	c.total, c.lines, c.report, c.devKeys = stats.IOSeries{}, nil, nil, nil
	c.who.Options = nil
	c.who.ClearSelected()
	for _, p := range []*chartPane{c.io, c.timeline, c.talk} {
		p.view.setDraw(nil)
		p.view.img.Image = image.NewRGBA(image.Rect(0, 0, 1, 1))
		p.view.last, p.view.marks = nil, nil
		p.view.img.Refresh()
	}
}

// ioGraph is the I/O graph as the controls ask for it.
func (c *charts) ioGraph() *chart.IOGraph {
	g := &chart.IOGraph{Total: c.total, Bytes: c.unit.Selected == "bytes/s", Origin: c.origin}
	n := map[string]int{"top 3 devices": 3, "top 5 devices": 5}[c.devices.Selected]
	if r := c.v.result; r != nil {
		for _, s := range r.Senders[:min(n, len(r.Senders))] {
			name := s.MAC
			if len(s.Names) > 0 {
				name = s.Names[0]
			}
			g.Lines = append(g.Lines, chart.IOLine{Name: name, IO: s.IO})
		}
	}
	g.Lines = append(g.Lines, c.lines...)
	return g
}

func (c *charts) drawIO() {
	if c.total.Interval == 0 {
		return
	}
	g := c.ioGraph()
	c.io.view.setDraw(g.Draw)
}

func (c *charts) drawTalk() {
	var d *device.Device
	if i := c.who.SelectedIndex(); i >= 0 && c.report != nil && i < len(c.report.Devices) {
		d = c.report.Devices[i]
	}
	if c.report == nil {
		return
	}
	m := chart.TalkMap{Device: d}
	c.talk.view.setDraw(m.Draw)
}

// addFilterLine draws the packets the filter entry selects as a line.
func (c *charts) addFilterLine() {
	u := c.v.u
	l := u.loaded
	expr := strings.TrimSpace(c.filter.Text)
	if l == nil || expr == "" || c.total.Interval == 0 {
		return
	}
	interval, n := c.interval, l.Index.Len()
	u.background(func() func() {
		found, err := app.Filter(context.Background(), l, expr, n)
		var io stats.IOSeries
		if err == nil {
			io = l.IOSeries(found, n, interval, ioBuckets*4)
		}
		return func() {
			if u.loaded != l {
				return
			}
			if err != nil {
				u.showError(err)
				return
			}
			c.lines = append(c.lines, chart.IOLine{Name: expr, IO: io})
			c.drawIO()
		}
	})
}

// totalIO is the I/O series of every packet of l, at an interval that
// gives about ioBuckets of them.
func totalIO(l *app.Loaded) (stats.IOSeries, time.Duration) {
	n := l.Index.Len()
	first, last := l.TimeSpan(n)
	interval := chart.IOInterval(time.Duration(last-first), ioBuckets)
	return l.IOSeries(nil, n, interval, ioBuckets*4), interval
}
