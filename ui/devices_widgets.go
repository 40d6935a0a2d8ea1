package ui

import (
	"strconv"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"thingsniff/decode/device"
)

// Parts of a device item, in the order of its container's objects.
const (
	diTitle = iota
	diVendor
	diAddress
	diAlerts
	diWarnings
	diInfos
	diPackets
)

// newDeviceItem is the template of one device in the list: name, vendor,
// addresses, packets and a badge per finding severity.
func newDeviceItem() fyne.CanvasObject {
	title := widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	title.Truncation = fyne.TextTruncateEllipsis
	vendor := widget.NewLabel("")
	vendor.Truncation = fyne.TextTruncateEllipsis
	vendor.SizeName = theme.SizeNameCaptionText
	addr := widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Monospace: true})
	addr.Truncation = fyne.TextTruncateEllipsis
	addr.SizeName = theme.SizeNameCaptionText
	packets := widget.NewLabel("")
	packets.Alignment = fyne.TextAlignTrailing
	packets.SizeName = theme.SizeNameCaptionText
	return container.New(deviceItemLayout{}, title, vendor, addr,
		newBadge(device.Alert), newBadge(device.Warning), newBadge(device.Info), packets)
}

func (v *devicesView) updateItem(id widget.ListItemID, o fyne.CanvasObject) {
	if id < 0 || id >= len(v.order) {
		return
	}
	r := &v.rows[v.order[id]]
	c := o.(*fyne.Container)
	c.Objects[diTitle].(*widget.Label).SetText(r.title)
	c.Objects[diVendor].(*widget.Label).SetText(r.vendor)
	c.Objects[diAddress].(*widget.Label).SetText(r.address)
	c.Objects[diAlerts].(*badge).setCount(r.alerts)
	c.Objects[diWarnings].(*badge).setCount(r.warnings)
	c.Objects[diInfos].(*badge).setCount(r.infos)
	c.Objects[diPackets].(*widget.Label).SetText(r.packets)
	c.Refresh()
}

// deviceItemLayout stacks a device's three lines of text on the left and
// puts its badges over its packet count on the right.
type deviceItemLayout struct{}

func (deviceItemLayout) lines(objs []fyne.CanvasObject) (hs [3]float32, total float32) {
	for i := range hs {
		hs[i] = objs[diTitle+i].MinSize().Height - 2*theme.Padding()
		total += hs[i]
	}
	return hs, total + 2*theme.Padding()
}

func (l deviceItemLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	_, h := l.lines(objs)
	return fyne.NewSize(200, h)
}

func (l deviceItemLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	pad := theme.Padding()
	pk := objs[diPackets].MinSize()
	right := pk.Width
	x := size.Width - pad
	for i := diInfos; i >= diAlerts; i-- {
		b := objs[i]
		if !b.Visible() {
			continue
		}
		m := b.MinSize()
		x -= m.Width
		b.Move(fyne.NewPos(x, 2*pad))
		b.Resize(m)
		x -= pad
	}
	right = max(right, size.Width-x)
	objs[diPackets].Move(fyne.NewPos(size.Width-pk.Width, size.Height-pk.Height-pad))
	objs[diPackets].Resize(pk)
	hs, _ := l.lines(objs)
	y := float32(0)
	for i, h := range hs {
		w := size.Width - right
		if i == 2 {
			w = size.Width // the addresses may run under the packet count's left
			if pk.Width > 0 {
				w = size.Width - pk.Width
			}
		}
		objs[diTitle+i].Move(fyne.NewPos(0, y))
		objs[diTitle+i].Resize(fyne.NewSize(w, h+2*pad))
		y += h
	}
}

// severityColor is the theme colour of a finding severity.
func severityColor(s device.Severity) (bg, fg fyne.ThemeColorName) {
	switch s {
	case device.Alert:
		return theme.ColorNameError, theme.ColorNameForegroundOnError
	case device.Warning:
		return theme.ColorNameWarning, theme.ColorNameForegroundOnWarning
	}
	return theme.ColorNamePrimary, theme.ColorNameForegroundOnPrimary
}

// severityIcon is the icon of a finding severity, in its colour.
func severityIcon(s device.Severity) fyne.Resource {
	switch s {
	case device.Alert:
		return theme.NewErrorThemedResource(theme.ErrorIcon())
	case device.Warning:
		return theme.NewWarningThemedResource(theme.WarningIcon())
	case device.Info:
		return theme.NewPrimaryThemedResource(theme.InfoIcon())
	}
	return nil
}

// badge is a small rounded count of findings of one severity; it hides
// itself at zero.
type badge struct {
	widget.BaseWidget
	sev   device.Severity
	count int
}

func newBadge(s device.Severity) *badge {
	b := &badge{sev: s}
	b.ExtendBaseWidget(b)
	b.Hide()
	return b
}

func (b *badge) setCount(n int) {
	if n == b.count && b.Visible() == (n > 0) {
		return
	}
	b.count = n
	if n == 0 {
		b.Hide()
		return
	}
	b.Show()
	b.Refresh()
}

// CreateRenderer draws the count on a rounded rectangle.
func (b *badge) CreateRenderer() fyne.WidgetRenderer {
	r := &badgeRenderer{b: b, bg: canvas.NewRectangle(nil), text: canvas.NewText("", nil)}
	r.text.TextStyle.Bold = true
	r.text.Alignment = fyne.TextAlignCenter
	r.Refresh()
	return r
}

type badgeRenderer struct {
	b    *badge
	bg   *canvas.Rectangle
	text *canvas.Text
}

func (r *badgeRenderer) Destroy() {}

func (r *badgeRenderer) Objects() []fyne.CanvasObject { return []fyne.CanvasObject{r.bg, r.text} }

func (r *badgeRenderer) MinSize() fyne.Size {
	t := fyne.MeasureText(r.text.Text, r.text.TextSize, r.text.TextStyle)
	h := t.Height + 2
	return fyne.NewSize(max(h, t.Width+2*theme.Padding()+2), h)
}

func (r *badgeRenderer) Layout(size fyne.Size) {
	r.bg.Resize(size)
	r.bg.CornerRadius = size.Height / 2
	t := r.text.MinSize()
	r.text.Move(fyne.NewPos(0, (size.Height-t.Height)/2))
	r.text.Resize(fyne.NewSize(size.Width, t.Height))
}

func (r *badgeRenderer) Refresh() {
	bg, fg := severityColor(r.b.sev)
	th := r.b.Theme()
	v := fyne.CurrentApp().Settings().ThemeVariant()
	r.bg.FillColor = th.Color(bg, v)
	r.text.Color = th.Color(fg, v)
	r.text.TextSize = th.Size(theme.SizeNameCaptionText)
	r.text.Text = strconv.Itoa(r.b.count)
	r.Layout(r.b.Size())
	r.bg.Refresh()
	r.text.Refresh()
}

// minWrapWidth is the least width at which wrapped text is laid out.
const minWrapWidth = 120

// tightVBox stacks labels with no gap between them: the labels' own
// inner padding already separates their lines.
type tightVBox struct{}

func (tightVBox) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var s fyne.Size
	for _, o := range objs {
		m := o.MinSize()
		s.Width = max(s.Width, m.Width)
		s.Height += m.Height - 2*theme.Padding()
	}
	return s.AddWidthHeight(0, 2*theme.Padding())
}

func (tightVBox) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	if size.Width < minWrapWidth {
		// Wrapping a long text into a sliver costs a measurement per
		// word; such a layout only happens before the panel has its
		// width, and a real one follows.
		return
	}
	y := float32(0)
	for _, o := range objs {
		h := o.MinSize().Height
		o.Move(fyne.NewPos(0, y))
		o.Resize(fyne.NewSize(size.Width, h))
		y += h - 2*theme.Padding()
	}
}
