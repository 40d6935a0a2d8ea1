package ui

import (
	"errors"
	"fmt"
	"path/filepath"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"thingsniff/app"
	"thingsniff/decode"
)

// statusBar is the line at the bottom: which file, how many packets, how
// far the load has come, and what went wrong.
type statusBar struct {
	file     *widget.Label
	packets  *widget.Label
	progress *widget.ProgressBar
	errIcon  *widget.Icon
	message  *widget.Label
	left     *fyne.Container
	bar      *fyne.Container
	content  fyne.CanvasObject
	// loadErr is the load's error; it comes back when a passing message
	// (a filter's mistake, a save) is cleared.
	loadErr string
}

func newStatusBar() *statusBar {
	s := &statusBar{
		file:     widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		packets:  widget.NewLabel(""),
		progress: widget.NewProgressBar(),
		errIcon:  widget.NewIcon(theme.NewErrorThemedResource(theme.WarningIcon())),
		message:  widget.NewLabel(""),
	}
	s.message.Truncation = fyne.TextTruncateEllipsis
	s.progress.TextFormatter = func() string { return fmt.Sprintf("%.0f%%", s.progress.Value*100) }
	s.left = container.NewHBox(s.file, widget.NewSeparator(), s.packets,
		container.NewGridWrap(fyne.NewSize(180, s.progress.MinSize().Height), s.progress))
	s.bar = container.NewBorder(nil, nil, s.left, nil, container.NewBorder(nil, nil, s.errIcon, nil, s.message))
	s.content = container.NewVBox(widget.NewSeparator(), s.bar)
	s.reset()
	return s
}

func (s *statusBar) reset() {
	s.file.SetText("No capture open")
	s.packets.SetText("")
	s.progress.Hide()
	s.clearMessage()
	s.relayout()
}

// relayout fits the bar to labels whose text changed length.
func (s *statusBar) relayout() {
	s.left.Refresh()
	s.bar.Refresh()
}

func (s *statusBar) start(l *app.Loaded) {
	s.file.SetText(filepath.Base(l.Name) + " · " + l.Format)
	s.packets.SetText("Loading…")
	s.progress.SetValue(0)
	// A stream has no size to measure progress against: its packet count
	// (and a live capture's counters) tell how it goes.
	if l.Streaming() {
		s.progress.Hide()
	} else {
		s.progress.Show()
	}
	s.clearMessage()
	s.relayout()
}

func (s *statusBar) update(b app.Batch) {
	s.packets.SetText(plural(b.Packets, "packet", "packets"))
	if b.Done {
		s.progress.Hide()
		s.relayout()
		return
	}
	if b.Size > 0 {
		s.progress.SetValue(float64(b.Read) / float64(b.Size))
	}
}

func (s *statusBar) setMessage(msg string) {
	s.errIcon.Hide()
	s.message.Importance = widget.MediumImportance
	s.message.SetText(msg)
}

func (s *statusBar) setError(msg string) {
	s.errIcon.Show()
	s.message.Importance = widget.DangerImportance
	s.message.SetText(msg)
}

func (s *statusBar) clearMessage() {
	s.loadErr = ""
	s.errIcon.Hide()
	s.message.SetText("")
}

// setLoadError shows the load's error and keeps it.
func (s *statusBar) setLoadError(msg string) {
	s.loadErr = msg
	s.setError(msg)
}

// clearMessageUnlessError clears a passing message, showing the load's
// error again if it had one.
func (s *statusBar) clearMessageUnlessError() {
	if s.loadErr != "" {
		s.setError(s.loadErr)
		return
	}
	s.errIcon.Hide()
	s.message.SetText("")
}

// loadError words a load's error for the status bar.
func loadError(err error) string {
	var te *app.TruncatedError
	if errors.As(err, &te) {
		return fmt.Sprintf("Capture cut short at byte %d after packet %d: %s.", te.Offset, te.Packets, te.Reason)
	}
	return err.Error()
}

// plural formats n with its noun and thousands separators.
func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return decode.Thousands(n) + " " + many
}
