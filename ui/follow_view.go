package ui

import (
	"context"
	"errors"
	"fmt"
	"image/color"
	"strconv"
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"thingsniff/app"
	"thingsniff/decode"
	"thingsniff/decode/stream"
)

// followInterval is how often the collector shows what it has read.
const followInterval = 100 * time.Millisecond

// followView is the Stream tab: one TCP or UDP conversation as the two
// programs saw it, client bytes and server bytes in two colours, in the
// order they came. Lines are read back from the collector's temporary
// file as the list draws them, so only the lines on screen exist.
type followView struct {
	u      *UI
	tab    *container.TabItem
	loaded *app.Loaded
	data   *followData
	// cancel stops the collector (and an HTTP parse) of data.
	cancel context.CancelFunc
	snap   followSnap
	lines  followLines
	mode   followMode
	show   stream.Show
	buf    [maxLineBytes]byte

	title    *widget.Label
	modes    *widget.Select
	shows    *widget.Select
	counts   *widget.Label
	progress *widget.ProgressBar
	list     *keyList
	http     *followHTTP
	find     *followFind
	hint     *widget.Label
	body     *fyne.Container
	content  fyne.CanvasObject
}

func newFollowView(u *UI) *followView {
	v := &followView{u: u}
	v.title = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	v.title.Truncation = fyne.TextTruncateEllipsis
	v.modes = widget.NewSelect(followModes(), func(s string) {
		for i, m := range followModes() {
			if m == s {
				v.setMode(followMode(i))
			}
		}
	})
	v.shows = widget.NewSelect(showChoices(), func(s string) {
		for i, c := range showChoices() {
			if c == s {
				v.setShow(stream.Show(i))
			}
		}
	})
	v.counts = widget.NewLabel("")
	v.counts.Truncation = fyne.TextTruncateEllipsis
	v.progress = widget.NewProgressBar()
	v.progress.Hide()
	v.list = newKeyList(v.length, newFollowItem, v.updateItem)
	v.http = newFollowHTTP(v)
	v.find = newFollowFind(v)
	v.hint = widget.NewLabel("Choose a packet and press Follow stream (Ctrl+Shift+F), or Follow on a flow's row.")
	v.hint.Alignment = fyne.TextAlignCenter

	filter := widget.NewButtonWithIcon("Filter packets to this stream", theme.SearchIcon(), func() {
		if v.data != nil {
			v.u.ShowPackets("flow " + strconv.FormatUint(uint64(v.data.flow.ID), 10))
		}
	})
	save := widget.NewButtonWithIcon("Save…", theme.DocumentSaveIcon(), v.saveDialog)
	top := container.NewBorder(nil, nil, nil, container.NewHBox(fitSelect(v.modes), fitSelect(v.shows), filter, save), v.title)
	bottom := container.NewBorder(nil, nil, nil, container.New(fixedWidth(180), v.progress), v.counts)
	v.body = container.NewStack(v.list, v.http.content, v.hint)
	v.content = container.NewBorder(container.NewVBox(container.NewPadded(top), v.find.content), container.NewPadded(bottom), nil, nil, v.body)
	v.tab = container.NewTabItemWithIcon("Stream", theme.MailForwardIcon(), v.content)
	v.clear()
	return v
}

func showChoices() []string {
	return []string{"Both directions", "Client → server only", "Server → client only"}
}

// clear shows the hint and forgets the stream.
func (v *followView) clear() {
	v.stop()
	v.snap, v.lines = followSnap{}, followLines{}
	v.title.SetText("No stream followed")
	v.counts.SetText("")
	v.progress.Hide()
	v.mode, v.show = modeASCII, stream.Both
	v.modes.SetSelectedIndex(int(modeASCII))
	v.shows.SetSelectedIndex(int(stream.Both))
	v.http.reset()
	v.list.UnselectAll()
	v.list.Refresh()
	if v.tab.Text != "Stream" {
		v.tab.Text = "Stream"
		v.u.tabs.Refresh() // the tab bar draws titles it was given
	}
	v.hint.Show()
	v.find.reset()
}

// stop ends the collection of the stream on show and drops its file.
// stopNow is stop for the end of the program: it waits for the collector
// and removes its file before returning, as nothing runs after it.
func (v *followView) stopNow() {
	d := v.data
	v.stop()
	if d != nil {
		d.stopped.Wait()
		d.close()
	}
}

func (v *followView) stop() {
	if v.cancel != nil {
		v.cancel()
		v.cancel = nil
	}
	if v.data != nil {
		d := v.data
		v.data = nil
		// The collector may still be writing: remove the file once it has
		// stopped, off the UI goroutine.
		go func() { d.stopped.Wait(); d.close() }()
	}
}

// follow shows flow f of l.
func (v *followView) follow(l *app.Loaded, f decode.Flow) {
	v.clear()
	if f.Proto != decode.ProtoTCP && f.Proto != decode.ProtoUDP {
		v.u.status.setError(fmt.Sprintf("Flow %d is %s: only TCP and UDP flows carry a stream to follow.", f.ID, f.Proto))
		return
	}
	d, err := newFollowData(f)
	if err != nil {
		v.u.showError(err)
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	v.data, v.cancel = d, cancel
	v.hint.Hide()
	v.tab.Text = "Stream " + strconv.FormatUint(uint64(f.ID), 10)
	v.title.SetText(fmt.Sprintf("Stream %d · %s  %s ⇄ %s", f.ID, f.Proto, endpoint(&f, true), endpoint(&f, false)))
	v.progress.SetValue(0)
	v.progress.Show()
	v.counts.SetText("Reading the stream…")
	v.u.tabs.Refresh()
	d.stopped.Add(1)
	var last atomic.Int64
	tick := func() bool {
		now := time.Now().UnixNano()
		if now-last.Load() < int64(followInterval) {
			return false
		}
		last.Store(now)
		return true
	}
	v.u.background(func() func() {
		defer d.stopped.Done()
		d.collect(ctx, l, tick, func(s followSnap) {
			v.u.dispatch(func() { v.take(d, s) })
		})
		return nil
	})
}

// take shows a snapshot of d, if d is still the stream on show.
func (v *followView) take(d *followData, s followSnap) {
	if v.data != d {
		return
	}
	v.snap = s
	v.relines()
	v.updateCounts()
	f := d.flow
	if span := int64(f.LastPacket) - int64(f.FirstPacket); span > 0 && !s.done {
		v.progress.SetValue(min(1, float64(int64(s.packets)-int64(f.FirstPacket))/float64(span)))
	}
	if s.done {
		v.progress.Hide()
		if s.err != nil && !errors.Is(s.err, context.Canceled) {
			v.u.status.setError(s.err.Error())
		}
		if v.mode == modeHTTP {
			v.http.load(d)
		}
	}
}

// relines rebuilds the row index for the mode and directions on show.
func (v *followView) relines() {
	v.lines = makeFollowLines(v.snap.runs, v.mode == modeHex, v.show)
	v.list.Refresh()
}

func (v *followView) updateCounts() {
	c := v.snap.counts
	f := v.data.flow
	text := fmt.Sprintf("Client %s sent %s · server %s sent %s · %s",
		endpoint(&f, true), plural(int(c.Bytes[0]), "byte", "bytes"),
		endpoint(&f, false), plural(int(c.Bytes[1]), "byte", "bytes"),
		plural(v.lines.total, "line", "lines"))
	if g := c.Gaps[0] + c.Gaps[1]; g > 0 {
		text += fmt.Sprintf(" · %s (%s missing)", plural(g, "gap", "gaps"), plural(int(c.GapBytes[0]+c.GapBytes[1]), "byte", "bytes"))
	} else {
		text += " · no gaps"
	}
	if k := c.Conflicts[0] + c.Conflicts[1]; k > 0 {
		text += " · " + plural(k, "conflicting retransmission", "conflicting retransmissions")
	}
	if !v.snap.done {
		text += " · reading…"
	}
	v.counts.SetText(text)
}

func (v *followView) setMode(m followMode) {
	if m == v.mode {
		return
	}
	v.mode = m
	v.find.reset()
	if m == modeHTTP {
		v.list.Hide()
		v.http.content.Show()
		if v.data != nil && v.snap.done {
			v.http.load(v.data)
		}
		return
	}
	v.http.content.Hide()
	v.list.Show()
	v.list.UnselectAll()
	v.relines()
	if v.data != nil {
		v.updateCounts()
	}
}

func (v *followView) setShow(s stream.Show) {
	if s == v.show {
		return
	}
	v.show = s
	v.find.reset()
	v.list.UnselectAll()
	v.relines()
	v.http.refilter()
	if v.data != nil {
		v.updateCounts()
	}
}

func (v *followView) length() int { return v.lines.total }

// followItem is one line of the stream: its text over a tint that says
// which side sent it.
func newFollowItem() fyne.CanvasObject {
	t := canvas.NewText("", color.Black)
	t.TextStyle = fyne.TextStyle{Monospace: true}
	return container.NewStack(canvas.NewRectangle(color.Transparent), container.NewPadded(t))
}

func followItemParts(o fyne.CanvasObject) (*canvas.Rectangle, *canvas.Text) {
	c := o.(*fyne.Container)
	return c.Objects[0].(*canvas.Rectangle), c.Objects[1].(*fyne.Container).Objects[0].(*canvas.Text)
}

func (v *followView) updateItem(id widget.ListItemID, o fyne.CanvasObject) {
	bg, t := followItemParts(o)
	if v.data == nil {
		t.Text = ""
		t.Refresh()
		return
	}
	text, dir, mark := v.lines.lineText(v.data.file, id, v.mode, v.buf[:])
	setFollowText(v.u.app, bg, t, text, dir, mark)
}

// setFollowText paints one stream line in its direction's colours.
func setFollowText(a fyne.App, bg *canvas.Rectangle, t *canvas.Text, text string, dir stream.Dir, mark bool) {
	fg, back := sideColors(currentVariant(a) == theme.VariantDark, dir)
	t.TextStyle = fyne.TextStyle{Monospace: true, Italic: mark}
	t.TextSize = theme.Size(theme.SizeNameText)
	if t.Text != text || t.Color != fg {
		t.Text, t.Color = text, fg
		t.Refresh()
	}
	if bg.FillColor != back {
		bg.FillColor = back
		bg.Refresh()
	}
}

// sideColors are the text and background colours of a direction:
// client red and server blue, as Wireshark shows them.
func sideColors(dark bool, d stream.Dir) (fg, bg color.Color) {
	if d == stream.ClientToServer {
		if dark {
			return color.NRGBA{R: 0xff, G: 0x8a, B: 0x80, A: 0xff}, color.NRGBA{R: 0xe5, G: 0x39, B: 0x35, A: 0x22}
		}
		return color.NRGBA{R: 0x9a, G: 0x10, B: 0x10, A: 0xff}, color.NRGBA{R: 0xe5, G: 0x39, B: 0x35, A: 0x18}
	}
	if dark {
		return color.NRGBA{R: 0x82, G: 0xb1, B: 0xff, A: 0xff}, color.NRGBA{R: 0x29, G: 0x79, B: 0xff, A: 0x22}
	}
	return color.NRGBA{R: 0x0d, G: 0x3c, B: 0x9a, A: 0xff}, color.NRGBA{R: 0x29, G: 0x79, B: 0xff, A: 0x18}
}

// fitSelect gives a Select room for its longest option: its own minimum
// is measured on its placeholder, and "Both directions" was cut.
func fitSelect(s *widget.Select) fyne.CanvasObject {
	w := float32(0)
	for _, o := range s.Options {
		w = max(w, fyne.MeasureText(o, theme.TextSize(), fyne.TextStyle{}).Width)
	}
	// The text's padding on both sides, and the drop-down icon.
	w += 4*theme.InnerPadding() + theme.IconInlineSize()
	return container.New(minWidth(w), s)
}

// minWidth lays out one object at no less than its width.
type minWidth float32

func (m minWidth) MinSize(objs []fyne.CanvasObject) fyne.Size {
	s := objs[0].MinSize()
	return fyne.NewSize(max(s.Width, float32(m)), s.Height)
}

func (minWidth) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	objs[0].Move(fyne.NewPos(0, 0))
	objs[0].Resize(size)
}
