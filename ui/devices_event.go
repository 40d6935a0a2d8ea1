package ui

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"thingsniff/decode/device"
)

// eventDetail is the bottom of the timeline: the chosen event in full,
// every field it has, and a button that opens its packets.
type eventDetail struct {
	t       *timelineView
	e       *device.Event
	summary *widget.Label
	fields  *fyne.Container
	open    *widget.Button
	follow  *widget.Button
	hint    *widget.Label // says what clicking does while no event is chosen
	body    fyne.CanvasObject
	scroll  *container.Scroll
	content fyne.CanvasObject
}

func newEventDetail(t *timelineView) *eventDetail {
	x := &eventDetail{t: t}
	x.summary = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	x.summary.Wrapping = fyne.TextWrapWord
	x.summary.Selectable = true
	x.fields = container.NewGridWithColumns(2, container.New(layout.NewFormLayout()), container.New(layout.NewFormLayout()))
	x.open = widget.NewButtonWithIcon("Show its packets", theme.NavigateNextIcon(), func() {
		if x.e != nil {
			t.open(x.e)
		}
	})
	x.open.Importance = widget.HighImportance
	x.follow = widget.NewButtonWithIcon("Follow stream", theme.MailForwardIcon(), func() {
		if x.e != nil && x.e.Flow != 0 {
			t.v.u.FollowFlow(x.e.Flow)
		}
	})
	x.hint = widget.NewLabel("Click an event to read it in full; its packet numbers on the right open its packets. " +
		"HTTP exchanges and TLS hellos are listed under their connection.")
	x.hint.Wrapping = fyne.TextWrapWord
	x.hint.Alignment = fyne.TextAlignCenter
	x.hint.TextStyle.Italic = true
	x.body = container.NewBorder(nil, nil, nil, container.NewVBox(x.open, x.follow), x.summary)
	x.scroll = container.NewVScroll(container.NewVBox(x.body, x.fields))
	x.content = container.NewVBox(widget.NewSeparator(),
		container.New(fixedHeight(140), container.NewPadded(x.scroll), container.NewCenter(container.New(fixedWidth(640), x.hint))))
	x.show(nil, nil)
	return x
}

// show shows e of d, or the hint for nil.
func (x *eventDetail) show(d *device.Device, e *device.Event) {
	x.e = e
	for _, col := range x.fields.Objects {
		col.(*fyne.Container).RemoveAll()
	}
	if d == nil || e == nil {
		x.scroll.Hide()
		x.hint.Show()
		return
	}
	x.hint.Hide()
	x.scroll.Show()
	if e.Flow != 0 && x.t.v.u.canFollow(e.Flow) {
		x.follow.Show()
	} else {
		x.follow.Hide()
	}
	x.summary.SetText(e.Summary)
	fs := eventFields(e)
	for i, f := range fs {
		k := widget.NewLabelWithStyle(f.key, fyne.TextAlignTrailing, fyne.TextStyle{Bold: true})
		v := widget.NewLabel(f.value)
		v.Wrapping = fyne.TextWrapWord
		v.Selectable = true
		col := x.fields.Objects[min(1, 2*i/max(1, len(fs)))].(*fyne.Container)
		col.Add(k)
		col.Add(v)
	}
	x.fields.Refresh()
	x.scroll.ScrollToTop()
	x.scroll.Refresh()
}

// eventFields lists every field of e that is set, in the order and with
// the names of its JSON form, so that new kinds of events show without
// changes here.
func eventFields(e *device.Event) []fact {
	b, err := json.Marshal(e)
	if err != nil {
		return []fact{{"error", err.Error()}}
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if _, err := dec.Token(); err != nil {
		return nil
	}
	var out, last []fact // last: where the event sits in the capture
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			break
		}
		key, _ := tok.(string)
		var v any
		if err := dec.Decode(&v); err != nil {
			break
		}
		switch key {
		case "summary", "device", "kind", "time":
			continue // the row above says these
		case "packets":
			v = packetList(e.Packets)
		}
		f := fact{strings.ReplaceAll(key, "_", " "), fieldText(v)}
		if key == "packets" || key == "flow" {
			last = append(last, f)
			continue
		}
		out = append(out, f)
	}
	return append(out, last...)
}

func fieldText(v any) string {
	switch v := v.(type) {
	case []any:
		s := make([]string, len(v))
		for i, x := range v {
			s[i] = fieldText(x)
		}
		return strings.Join(s, ", ")
	case map[string]any:
		b, _ := json.Marshal(v)
		return string(b)
	case nil:
		return ""
	}
	return fmt.Sprint(v)
}

// fixedHeight stacks its objects at a fixed height, so that choosing an
// event does not move the rows of the list above it.
type fixedHeight float32

func (f fixedHeight) MinSize(objs []fyne.CanvasObject) fyne.Size {
	w := float32(0)
	for _, o := range objs {
		w = max(w, o.MinSize().Width)
	}
	return fyne.NewSize(w, float32(f))
}

func (f fixedHeight) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	for _, o := range objs {
		o.Move(fyne.NewPos(0, 0))
		o.Resize(size)
	}
}
