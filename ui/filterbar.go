package ui

import (
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"thingsniff/app"
	"thingsniff/decode/device"
	"thingsniff/decode/dfilter"
)

const (
	prefFilters = "filters"
	maxFilters  = 15
	maxHints    = 6
)

// filterBar is the display filter box above the packet list: it takes
// Wireshark's filter language (decode/dfilter), completes field names
// with Tab, remembers recent filters, and shows a filter's mistake below
// the box, marked at its position. What it selects narrows the packet
// list, the flow list and the device timelines alike.
type filterBar struct {
	u       *UI
	entry   *filterEntry
	recent  *widget.Button
	hint    *widget.Label    // completions while typing
	problem *widget.RichText // the mistake, marked under the filter
	message *fyne.Container  // problem and hint, shown when they say something

	// sel is what the filter on show selected; nil when none is applied
	// or when the filter narrows the packet list only.
	sel *app.Selection
	// typed is the last filter the user gave in the bar (Enter, Apply,
	// a recent one): it narrows every view. A filter set by a jump from
	// another view ("the packets of this event") narrows the packet list
	// only, so that going back finds that view as it was.
	given string
}

// filterEntry is the filter's text field: Tab completes a field name
// instead of moving the focus.
type filterEntry struct {
	widget.Entry
	complete func() bool
}

func (e *filterEntry) AcceptsTab() bool { return true }

func (e *filterEntry) TypedKey(k *fyne.KeyEvent) {
	if k.Name == fyne.KeyTab {
		e.complete()
		return
	}
	e.Entry.TypedKey(k)
}

func newFilterBar(u *UI, apply func(string)) *filterBar {
	b := &filterBar{u: u, entry: &filterEntry{}}
	b.entry.ExtendBaseWidget(b.entry)
	b.entry.SetPlaceHolder("Filter as in Wireshark: ip.addr == 10.0.0.1 && tcp.port == 80, dns, !arp, or a word")
	b.entry.OnSubmitted = func(s string) { b.submit(s, apply) }
	b.entry.OnChanged = b.typed
	b.entry.complete = b.complete
	b.recent = widget.NewButtonWithIcon("", theme.HistoryIcon(), b.showRecent)
	b.hint = widget.NewLabel("")
	b.hint.Truncation = fyne.TextTruncateEllipsis
	b.problem = widget.NewRichText()
	b.message = container.NewVBox()
	b.message.Hide()
	return b
}

// submit applies what the user gave in the bar to every view.
func (b *filterBar) submit(s string, apply func(string)) {
	b.given = strings.TrimSpace(s)
	apply(s)
}

// field is the widget.Entry inside the bar, for the packet view.
func (b *filterBar) field() *widget.Entry { return &b.entry.Entry }

// wordAt returns the start of the field name being typed at the end of text.
func wordAt(text string) int {
	i := len(text)
	for i > 0 {
		c := text[i-1]
		if c == '_' || c == '.' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' {
			i--
			continue
		}
		break
	}
	return i
}

// completions lists the fields whose names start with the word being
// typed at the end of text.
func completions(text string) (word string, names []string) {
	word = text[wordAt(text):]
	if word == "" || word[0] >= '0' && word[0] <= '9' {
		return word, nil
	}
	for _, f := range dfilter.Fields() {
		if strings.HasPrefix(f.Name, strings.ToLower(word)) && f.Name != word {
			names = append(names, f.Name)
		}
	}
	return word, names
}

// typed shows the completions of what is being typed, and takes away a
// mistake's mark once the filter changes.
func (b *filterBar) typed(text string) {
	_, names := completions(text)
	switch {
	case len(names) == 0:
		b.hint.SetText("")
	case len(names) > maxHints:
		b.hint.SetText("Tab completes: " + strings.Join(names[:maxHints], "  ") + fmt.Sprintf("  … %d more", len(names)-maxHints))
	default:
		b.hint.SetText("Tab completes: " + strings.Join(names, "  "))
	}
	b.relayout()
}

// complete extends the word being typed to the longest prefix its
// completions share, or to the first of them.
func (b *filterBar) complete() bool {
	text := b.entry.Text
	word, names := completions(text)
	if len(names) == 0 {
		return false
	}
	common := names[0]
	for _, n := range names[1:] {
		for !strings.HasPrefix(n, common) {
			common = common[:len(common)-1]
		}
	}
	if len(common) <= len(word) {
		common = names[0]
	}
	b.entry.SetText(text[:len(text)-len(word)] + common)
	b.entry.CursorColumn = len([]rune(b.entry.Text))
	b.entry.Refresh()
	return true
}

func (b *filterBar) showRecent() {
	list := b.u.app.Preferences().StringList(prefFilters)
	if len(list) == 0 {
		b.hint.SetText("No recent filters yet: a filter is remembered once it has been applied.")
		b.relayout()
		return
	}
	var items []*fyne.MenuItem
	for _, f := range list {
		items = append(items, fyne.NewMenuItem(f, func() {
			b.entry.SetText(f)
			b.submit(f, b.u.packets.applyFilter)
		}))
	}
	c := fyne.CurrentApp().Driver().CanvasForObject(b.recent)
	if c == nil {
		return
	}
	pos := fyne.CurrentApp().Driver().AbsolutePositionForObject(b.recent)
	widget.ShowPopUpMenuAtPosition(fyne.NewMenu("", items...), c, pos.Add(fyne.NewPos(0, b.recent.Size().Height)))
}

// failed marks the mistake in expr that err names, beside the box.
func (b *filterBar) failed(expr string, err error) {
	b.sel = nil
	fe, ok := app.AsSyntaxError(err)
	if !ok {
		b.problem.Segments = []widget.RichTextSegment{&widget.TextSegment{Text: err.Error(), Style: errorStyle()}}
	} else {
		b.problem.Segments = markedFilter(expr, fe)
	}
	b.problem.Refresh()
	b.hint.SetText("")
	b.relayout()
	b.narrowOthers()
}

// applied takes a filter's selection (nil for no filter) and narrows the
// flow list and the timelines to it.
func (b *filterBar) applied(expr string, sel *app.Selection) {
	if expr != b.given {
		sel = nil
	}
	b.sel = sel
	b.problem.Segments = nil
	b.problem.Refresh()
	if expr != "" {
		pushRecent(b.u.app.Preferences(), prefFilters, expr, maxFilters)
	}
	b.relayout()
	b.narrowOthers()
}

// narrowOthers shows the flows, devices and events of the selection.
func (b *filterBar) narrowOthers() {
	if v := b.u.flows; v != nil {
		v.resort()
	}
	if v := b.u.devices; v != nil && v.timeline != nil {
		v.refilter()
		v.timeline.refilter()
	}
}

// blocked reports whether the filter box holds a mistake: then nothing
// is shown rather than what an older filter selected.
func (b *filterBar) blocked() bool { return len(b.problem.Segments) > 0 }

// flowPass returns what tells whether a flow is shown under the filter
// on show now; it may be called on any goroutine.
func (b *filterBar) flowPass() func(id uint32) bool {
	sel, blocked := b.sel, b.blocked()
	return func(id uint32) bool { return !blocked && (sel == nil || sel.HasFlow(id)) }
}

// kidPasses reports whether an event listed under connection i passes
// the filter, which then shows the connection too.
func (t *timelineView) kidPasses(i int) bool {
	bar := t.v.u.packets.bar
	for _, k := range t.kids[i] {
		if bar.passesEvent(t.lines[k].e) {
			return true
		}
	}
	return false
}

// passesEvent reports whether event e is shown under the filter.
func (b *filterBar) passesEvent(e *device.Event) bool {
	return !b.blocked() && (b.sel == nil || b.sel.HasEvent(e.Packets, e.Flow))
}

func (b *filterBar) relayout() {
	var objs []fyne.CanvasObject
	if len(b.problem.Segments) > 0 {
		objs = append(objs, b.problem)
	}
	if b.hint.Text != "" {
		objs = append(objs, b.hint)
	}
	b.message.Objects = objs
	// Hidden when empty, so that it takes no room under the box.
	b.message.Hidden = len(objs) == 0
	b.message.Refresh()
}

func errorStyle() widget.RichTextStyle {
	s := widget.RichTextStyleInline
	s.ColorName = theme.ColorNameError
	return s
}

// markedFilter writes expr in a fixed-width font with a line of carets
// under the span of the mistake, then the message.
func markedFilter(expr string, fe *app.SyntaxError) []widget.RichTextSegment {
	code := widget.RichTextStyleCodeBlock
	marks := code
	marks.ColorName = theme.ColorNameError
	pos := min(fe.Pos, len(expr))
	end := min(max(fe.End, pos+1), len(expr)+1)
	under := strings.Repeat(" ", len([]rune(expr[:pos]))) + strings.Repeat("^", max(1, len([]rune(expr[pos:min(end, len(expr))]))))
	msg := errorStyle()
	msg.Inline = false
	return []widget.RichTextSegment{
		&widget.TextSegment{Text: expr, Style: code},
		&widget.TextSegment{Text: under, Style: marks},
		&widget.TextSegment{Text: fmt.Sprintf("Position %d: %s", fe.Pos+1, fe.Msg), Style: msg},
	}
}
