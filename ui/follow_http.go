package ui

import (
	"bytes"
	"context"
	"fmt"
	"image"
	_ "image/gif" // previews of GIF bodies
	_ "image/jpeg"
	_ "image/png"
	"os"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"thingsniff/app"
	"thingsniff/decode"
	"thingsniff/decode/httpmsg"
	"thingsniff/decode/stream"
)

// Kinds of line in the HTTP mode.
const (
	hlText  = iota // a header or a body line
	hlStart        // a request or status line
	hlNote         // a note about a message (its number, what is missing)
	hlImage        // an image body, previewed
	hlSave         // a body that is not shown, with a button to save it
)

// httpBodyShown is how much of a text body the HTTP mode shows; the rest
// can be saved.
const httpBodyShown = 256 << 10

// previewHeight is the tallest an image preview is drawn.
const previewHeight = 240

// httpLine is one row of the HTTP mode.
type httpLine struct {
	text string
	dir  stream.Dir
	kind int
	img  image.Image
	msg  *httpmsg.Message
}

// followHTTP is the HTTP mode of the Stream tab: each request and
// response with its head and its decoded body.
type followHTTP struct {
	v      *followView
	data   *followData // the stream the lines are of
	all    []httpLine
	shown  []int
	list   *keyList
	status *widget.Label
	cancel context.CancelFunc
	seq    uint64

	content *fyne.Container
}

func newFollowHTTP(v *followView) *followHTTP {
	h := &followHTTP{v: v, status: widget.NewLabel("")}
	h.status.Alignment = fyne.TextAlignCenter
	h.list = newKeyList(func() int { return len(h.shown) }, h.newItem, h.updateItem)
	h.content = container.NewStack(h.list, container.NewCenter(h.status))
	h.content.Hide()
	return h
}

func (h *followHTTP) reset() {
	if h.cancel != nil {
		h.cancel()
		h.cancel = nil
	}
	h.seq++
	h.data, h.all, h.shown = nil, nil, nil
	h.status.SetText("")
	h.list.Refresh()
	if h.v.mode != modeHTTP {
		h.content.Hide()
	}
}

// load parses the HTTP messages of d in the background, once.
func (h *followHTTP) load(d *followData) {
	if h.data == d {
		return
	}
	h.reset()
	h.data = d
	h.content.Show()
	h.status.SetText("Reading the HTTP messages…")
	ctx, cancel := context.WithCancel(context.Background())
	h.cancel = cancel
	seq, l := h.seq, h.v.loaded
	h.v.u.background(func() func() {
		msgs, err := app.HTTPMessages(ctx, l, d.flow)
		lines := httpLines(msgs)
		return func() {
			if seq != h.seq {
				return
			}
			h.cancel = nil
			cancel()
			h.all = lines
			switch {
			case len(lines) == 0 && err != nil:
				h.status.SetText("No HTTP here: " + err.Error())
			case len(lines) == 0:
				h.status.SetText("No HTTP messages in this stream.")
			default:
				h.status.SetText("")
			}
			h.refilter()
		}
	})
}

// httpLines lays out messages as rows.
func httpLines(msgs []*httpmsg.Message) []httpLine {
	var out []httpLine
	for _, m := range msgs {
		dir := stream.ServerToClient
		kind, start := "response", fmt.Sprintf("%s %d %s", m.Version, m.StatusCode, m.Reason)
		if m.IsRequest {
			dir, kind, start = stream.ClientToServer, "request", m.Method+" "+m.URI+" "+m.Version
		}
		add := func(k int, text string) { out = append(out, httpLine{text: text, dir: dir, kind: k, msg: m}) }
		note := fmt.Sprintf("%s %d · %s", kind, m.Index+1, m.PacketSpan("–"))
		if m.Incomplete {
			note += " · incomplete"
		}
		add(hlNote, note)
		add(hlStart, start)
		for _, hd := range m.Headers {
			add(hlText, hd.Name+": "+hd.Value)
		}
		add(hlText, "")
		out = append(out, bodyLines(m, dir)...)
		if m.BodyMissing > 0 {
			add(hlNote, fmt.Sprintf("[%s of the body missing in the capture]", plural(int(m.BodyMissing), "byte", "bytes")))
		}
		if m.BodyError != "" {
			add(hlNote, "["+m.BodyError+"; shown as sent]")
		}
		if m.BodyLimited {
			add(hlNote, "[body cut: this flow's bodies together reached the memory kept for one stream]")
		}
	}
	return out
}

// bodyLines shows a body: text as lines, an image as a preview, anything
// else as its size with a button to save it.
func bodyLines(m *httpmsg.Message, dir stream.Dir) []httpLine {
	body := m.Body
	if len(body) == 0 {
		return nil
	}
	var out []httpLine
	save := httpLine{dir: dir, kind: hlSave, msg: m,
		text: fmt.Sprintf("[%s of %s]", plural(len(body), "byte", "bytes"), orUnknown(m.ContentType))}
	if httpmsg.IsText(m.ContentType, body) {
		shown := body[:min(len(body), httpBodyShown)]
		for len(shown) > 0 {
			n := bytes.IndexByte(shown, '\n') + 1
			if n == 0 || n > maxLineBytes {
				n = min(len(shown), maxLineBytes)
			}
			out = append(out, httpLine{text: asciiLine(shown[:n]), dir: dir, kind: hlText, msg: m})
			shown = shown[n:]
		}
		if len(body) > httpBodyShown || m.BodyTruncated {
			save.text = fmt.Sprintf("[body cut: %s of %s shown]", decode.Thousands(min(len(body), httpBodyShown)), plural(int(max(int64(len(body)), m.BodySize)), "byte", "bytes"))
			out = append(out, save)
		}
		return out
	}
	if strings.HasPrefix(strings.ToLower(m.ContentType), "image/") {
		if img, _, err := image.Decode(bytes.NewReader(body)); err == nil {
			out = append(out, httpLine{dir: dir, kind: hlImage, img: img, msg: m})
		}
	}
	return append(out, save)
}

func orUnknown(ct string) string {
	if ct == "" {
		return "unknown type"
	}
	return ct
}

// refilter lists the rows of the directions on show.
func (h *followHTTP) refilter() {
	h.shown = h.shown[:0]
	for i := range h.all {
		if showsDir(h.v.show, h.all[i].dir) {
			h.shown = append(h.shown, i)
		}
	}
	for id, i := range h.shown {
		if l := &h.all[i]; l.kind == hlImage {
			h.list.SetItemHeight(id, previewSize(l.img).Height+2*theme.Padding())
		}
	}
	h.list.UnselectAll()
	h.list.Refresh()
}

func showsDir(s stream.Show, d stream.Dir) bool {
	return s == stream.Both || (s == stream.ClientOnly && d == stream.ClientToServer) || (s == stream.ServerOnly && d == stream.ServerToClient)
}

// previewSize fits an image into previewHeight without enlarging it.
func previewSize(img image.Image) fyne.Size {
	b := img.Bounds()
	w, hgt := float32(b.Dx()), float32(b.Dy())
	if hgt > previewHeight {
		w, hgt = w*previewHeight/hgt, previewHeight
	}
	return fyne.NewSize(max(w, 1), max(hgt, 1))
}

// Parts of an HTTP row, in its container's order.
const (
	hiBack = iota
	hiText
	hiImage
	hiSave
)

func (h *followHTTP) newItem() fyne.CanvasObject {
	t := canvas.NewText("", theme.Color(theme.ColorNameForeground))
	t.TextStyle = fyne.TextStyle{Monospace: true}
	img := canvas.NewImageFromImage(nil)
	img.FillMode = canvas.ImageFillContain
	save := widget.NewButtonWithIcon("Save body…", theme.DocumentSaveIcon(), nil)
	return container.NewStack(canvas.NewRectangle(nil), container.NewPadded(t),
		container.NewPadded(container.NewHBox(img)), container.NewHBox(widget.NewLabel(""), save))
}

func (h *followHTTP) updateItem(id widget.ListItemID, o fyne.CanvasObject) {
	if id < 0 || id >= len(h.shown) {
		return
	}
	l := &h.all[h.shown[id]]
	c := o.(*fyne.Container)
	bg := c.Objects[hiBack].(*canvas.Rectangle)
	t := c.Objects[hiText].(*fyne.Container).Objects[0].(*canvas.Text)
	imgBox := c.Objects[hiImage]
	img := imgBox.(*fyne.Container).Objects[0].(*fyne.Container).Objects[0].(*canvas.Image)
	saveRow := c.Objects[hiSave].(*fyne.Container)
	setFollowText(h.v.u.app, bg, t, l.text, l.dir, l.kind == hlNote)
	t.TextStyle.Bold = l.kind == hlStart
	if l.kind == hlSave {
		// The button sits after the note, which the label holds.
		t.Text = ""
		saveRow.Objects[0].(*widget.Label).SetText(l.text)
		m := l.msg
		saveRow.Objects[1].(*widget.Button).OnTapped = func() { h.saveBody(m) }
		saveRow.Show()
	} else {
		saveRow.Hide()
	}
	t.Refresh()
	if l.kind == hlImage {
		img.Image = l.img
		img.SetMinSize(previewSize(l.img))
		img.Refresh()
		imgBox.Show()
	} else {
		imgBox.Hide()
	}
}

// find returns the first row after (or before) from whose text holds q.
func (h *followHTTP) find(q string, from int, forward bool) int {
	return scanRows(len(h.shown), from, forward, func(i int) bool {
		return containsFold(h.all[h.shown[i]].text, q)
	})
}

func (h *followHTTP) reveal(row int) {
	h.list.Select(row)
	h.list.ScrollTo(row)
}

// saveBody asks where to save m's decoded body and writes it off the UI
// goroutine.
func (h *followHTTP) saveBody(m *httpmsg.Message) {
	o, _ := httpmsg.ObjectOf(m)
	body := m.Body
	u := h.v.u
	u.saveFileDialog(o.Name, nil, func(path string) {
		u.background(func() func() {
			err := os.WriteFile(path, body, 0o644)
			return func() {
				if err != nil {
					u.showError(fmt.Errorf("save HTTP body to %s: %w", path, err))
					return
				}
				u.status.setMessage(fmt.Sprintf("Saved %s to %s.", plural(len(body), "byte", "bytes"), path))
			}
		})
	}).Show()
}
