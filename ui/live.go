package ui

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"thingsniff/app"
	"thingsniff/decode"
)

// Preferences of the capture dialog.
const (
	prefLiveIface  = "live.interface"
	prefLiveFilter = "live.filter"
)

// liveSystem is what live capture needs from the machine. Tests replace
// its functions to list made-up interfaces or run a fake helper.
type liveSystem struct {
	interfaces func() ([]app.Interface, error)
	sample     func() map[string]app.InterfaceCounters
	start      func(context.Context, app.LiveOptions) (*app.LiveCapture, error)
	// helper is the capture helper's path ("" for this program).
	helper string
	// every is how often the dialog samples activity; 0 samples only
	// when asked (tests).
	every time.Duration
}

func defaultLiveSystem() liveSystem {
	return liveSystem{interfaces: app.Interfaces, sample: app.SampleInterfaces, start: app.StartCapture, every: time.Second}
}

// liveCtl runs live captures for the window: the Capture dialog, the
// helper, its counters in a bar above the status bar and Stop.
type liveCtl struct {
	u   *UI
	sys liveSystem
	lc  *app.LiveCapture
	// gen counts captures started, so that news of an older one is dropped.
	gen      uint64
	iface    string
	loopback bool // the interface is a loopback, where libpcap counts each packet twice
	starting bool
	ctx      context.Context
	cancel   context.CancelFunc
	dialog   *captureDialog // the dialog on show, if any
	// recovery lists the spools last offered for recovery.
	recovery []string

	counters *widget.Label
	stopBtn  *widget.Button
	action   *widget.ToolbarAction
	bar      *fyne.Container
}

func newLiveCtl(u *UI) *liveCtl {
	c := &liveCtl{u: u, sys: defaultLiveSystem()}
	c.ctx, c.cancel = context.WithCancel(context.Background())
	c.counters = widget.NewLabel("")
	c.counters.Truncation = fyne.TextTruncateEllipsis
	c.stopBtn = widget.NewButtonWithIcon("Stop", theme.MediaStopIcon(), c.stop)
	c.stopBtn.Importance = widget.DangerImportance
	rec := widget.NewIcon(theme.NewErrorThemedResource(theme.MediaRecordIcon()))
	c.bar = container.NewVBox(widget.NewSeparator(),
		container.NewBorder(nil, nil, rec, c.stopBtn, c.counters))
	c.bar.Hide()
	c.action = widget.NewToolbarAction(theme.MediaRecordIcon(), c.toggle)
	return c
}

// running reports whether a capture is on (or starting).
func (c *liveCtl) running() bool { return c.lc != nil || c.starting }

// toggle stops a running capture or opens the Capture dialog (Ctrl+E).
func (c *liveCtl) toggle() {
	if c.running() {
		c.stop()
		return
	}
	c.showDialog()
}

// start runs the capture helper on iface with filter and opens its
// stream in the session.
func (c *liveCtl) start(iface, filter string) {
	if c.running() {
		return
	}
	prefs := c.u.app.Preferences()
	prefs.SetString(prefLiveIface, iface)
	prefs.SetString(prefLiveFilter, filter)
	c.gen++
	gen := c.gen
	c.starting, c.iface = true, iface
	c.u.status.setMessage("Starting the capture on " + iface + "…")
	c.showBar(app.LiveStats{})
	opts := app.LiveOptions{Interface: iface, Filter: filter, Helper: c.sys.helper,
		OnStats: func(s app.LiveStats) { c.u.dispatch(func() { c.stats(gen, s) }) }}
	start, ctx := c.sys.start, c.ctx
	c.u.background(func() func() {
		lc, err := start(ctx, opts)
		return func() { c.started(gen, lc, err) }
	})
}

func (c *liveCtl) started(gen uint64, lc *app.LiveCapture, err error) {
	if gen != c.gen {
		if lc != nil {
			go lc.Stop()
		}
		return
	}
	c.starting = false
	if err != nil {
		c.bar.Hide()
		c.action.SetIcon(theme.MediaRecordIcon())
		c.u.status.clearMessageUnlessError()
		var perm *app.PermissionError
		if errors.As(err, &perm) {
			c.showPermission(perm)
			return
		}
		c.u.showError(fmt.Errorf("capture on %s: %w", c.iface, err))
		return
	}
	c.lc = lc
	c.u.packets.startAtTop = false
	c.u.openLive(lc.Stream(), "live capture on "+c.iface)
	// Follow the newest packets until the user scrolls up.
	c.u.packets.follow.SetChecked(true)
	go func() {
		<-lc.Done()
		c.u.dispatch(func() { c.finished(gen, lc) })
	}()
}

// stats shows a counter report of capture gen.
func (c *liveCtl) stats(gen uint64, s app.LiveStats) {
	if gen == c.gen && c.running() {
		c.showBar(s)
	}
}

func (c *liveCtl) showBar(s app.LiveStats) {
	received := decode.Thousands(int(s.Received)) + " received"
	if c.loopback {
		// Linux hands a loopback capture each packet on its way out and
		// in; libpcap keeps one but counts both.
		received += " (twice each on loopback)"
	}
	c.counters.SetText(fmt.Sprintf("Capturing on %s · %s · %s dropped by the kernel · %s dropped by the interface · %s written",
		c.iface, received, decode.Thousands(int(s.Dropped)), decode.Thousands(int(s.IfDropped)), decode.Thousands(int(s.Written))))
	c.stopBtn.Enable()
	c.bar.Show()
	c.action.SetIcon(theme.MediaStopIcon())
}

// stop asks the helper to stop; it flushes what it captured, the stream
// ends, and finished says so.
func (c *liveCtl) stop() {
	if c.lc == nil {
		return
	}
	lc := c.lc
	c.stopBtn.Disable()
	c.counters.SetText("Stopping the capture on " + c.iface + "…")
	go lc.Stop()
}

// finished takes the end of capture gen: stopped, counted out, or failed.
func (c *liveCtl) finished(gen uint64, lc *app.LiveCapture) {
	if gen != c.gen || c.lc != lc {
		return
	}
	c.lc = nil
	c.bar.Hide()
	c.action.SetIcon(theme.MediaRecordIcon())
	s := lc.Stats()
	if err := lc.Err(); err != nil {
		c.u.showError(fmt.Errorf("capture on %s ended: %w (%s)", c.iface, err, s.Summary()))
		return
	}
	c.u.status.setMessage(fmt.Sprintf("Capture on %s stopped: %s. Save as keeps it.", c.iface, s.Summary()))
}

// shutdown stops sampling and any capture being started.
func (c *liveCtl) shutdown() {
	c.cancel()
	if c.dialog != nil {
		c.dialog.stopTicker()
	}
	if c.lc != nil {
		go c.lc.Stop()
	}
}

// showPermission says that the helper may not capture and shows the one
// command that lets it, with a button that copies it. It never suggests
// running the window as root.
func (c *liveCtl) showPermission(perm *app.PermissionError) {
	cmd := perm.Command
	if cmd == "" {
		cmd = app.FixCommand()
	}
	why := widget.NewLabel(fmt.Sprintf("thingsniff may not capture on %s: %v.\n\n"+
		"Capturing needs the cap_net_raw and cap_net_admin privileges. Only the small capture helper needs them, "+
		"never this window. Grant them once with this command in a terminal, then start the capture again:", perm.Interface, perm.Err))
	why.Wrapping = fyne.TextWrapWord
	entry := widget.NewEntry()
	entry.SetText(cmd)
	entry.TextStyle = fyne.TextStyle{Monospace: true}
	entry.OnChanged = func(string) { entry.SetText(cmd) } // the command as it is, whatever is typed
	copied := widget.NewLabel("")
	copyBtn := widget.NewButtonWithIcon("Copy", theme.ContentCopyIcon(), func() {
		c.u.app.Clipboard().SetContent(cmd)
		copied.SetText("Copied.")
	})
	body := container.NewVBox(why, container.NewBorder(nil, nil, nil, copyBtn, entry), copied)
	d := dialog.NewCustom("No permission to capture", "Close", body, c.u.win)
	d.Resize(fyne.NewSize(720, 300))
	d.Show()
	c.u.status.setError(fmt.Sprintf("No permission to capture on %s; grant it with: %s", perm.Interface, cmd))
}

// OfferRecovery looks in dir (the system's temporary folder when "") for
// captures that a window killed mid-capture left behind, and offers to
// open or delete them.
func (u *UI) OfferRecovery(dir string) {
	paths := app.FindSpools(dir)
	if len(paths) == 0 {
		return
	}
	rows := container.NewVBox()
	var d dialog.Dialog
	for _, p := range paths {
		info := filepath.Base(p)
		if st, err := os.Stat(p); err == nil {
			info += fmt.Sprintf("  —  %s, %s", decode.FormatBytes(uint64(st.Size())), st.ModTime().Format("2006-01-02 15:04"))
		}
		label := widget.NewLabel(info)
		var row *fyne.Container
		open := widget.NewButtonWithIcon("Open", theme.FolderOpenIcon(), func() {
			d.Hide()
			u.Open(p)
		})
		del := widget.NewButtonWithIcon("Delete", theme.DeleteIcon(), func() {
			if err := os.Remove(p); err != nil {
				u.showError(fmt.Errorf("delete %s: %w", p, err))
				return
			}
			rows.Remove(row)
			u.live.recovery = slices.DeleteFunc(u.live.recovery, func(q string) bool { return q == p })
			if len(rows.Objects) == 0 {
				d.Hide() // nothing is left to recover
			}
		})
		row = container.NewBorder(nil, nil, nil, container.NewHBox(open, del), label)
		rows.Add(row)
	}
	head := widget.NewLabel("A thingsniff window was closed while it captured. What it had captured is kept in these files " +
		"(in " + filepath.Dir(paths[0]) + "); open one to look at it and Save as to keep it.")
	head.Wrapping = fyne.TextWrapWord
	d = dialog.NewCustom("Recover captures", "Not now", container.NewBorder(head, nil, nil, nil, container.NewVScroll(rows)), u.win)
	d.Resize(fyne.NewSize(760, 320))
	d.Show()
	u.live.recovery = paths
}

// toggleLive stops a running capture, or opens the Capture dialog after
// asking what to do with a live capture that is not saved (a new one
// replaces it).
func (u *UI) toggleLive() {
	if u.live.running() {
		u.live.stop()
		return
	}
	u.unlessLiveUnsaved("start another capture", u.live.showDialog)
}

// guarded returns fn behind unlessLiveUnsaved: for menu items and
// buttons that replace the capture on show.
func (u *UI) guarded(action string, fn func()) func() {
	return func() { u.unlessLiveUnsaved(action, fn) }
}

// unlessLiveUnsaved runs then at once, unless the capture on show is a
// live capture (running or stopped) that has not been saved: then it asks
// first whether to save it, discard it or cancel, as the packets live
// only in a spool that goes when another capture replaces it. action says
// what then does ("open another capture").
func (u *UI) unlessLiveUnsaved(action string, then func()) {
	l := u.loaded
	if l == nil || u.unsavedLive != l {
		then()
		return
	}
	var d dialog.Dialog
	stopThen := func() {
		d.Hide()
		if u.live.running() {
			u.live.stop()
		}
		then()
	}
	what := "The live capture"
	if u.live.running() {
		what = "The capture under way"
	}
	msg := widget.NewLabel(fmt.Sprintf("%s (%s, %s) is not saved. Save it before you %s? Discarded packets cannot be recovered.",
		what, l.Name, plural(l.Index.Len(), "packet", "packets"), action))
	msg.Wrapping = fyne.TextWrapWord
	save := widget.NewButtonWithIcon("Save…", theme.DocumentSaveIcon(), func() {
		d.Hide()
		base := strings.TrimSuffix(filepath.Base(l.Name), filepath.Ext(l.Name))
		u.saveFileDialog(base+".pcapng", []string{".pcapng", ".pcap"}, func(path string) {
			u.saveTo(l, path, nil, func() {
				if u.live.running() {
					u.live.stop()
				}
				then()
			})
		}).Show()
	})
	save.Importance = widget.HighImportance
	discard := widget.NewButtonWithIcon("Discard", theme.DeleteIcon(), stopThen)
	discard.Importance = widget.DangerImportance
	cancel := widget.NewButtonWithIcon("Cancel", theme.CancelIcon(), func() { d.Hide() })
	cd := dialog.NewCustomWithoutButtons("Save the live capture?", msg, u.win)
	cd.SetButtons([]fyne.CanvasObject{cancel, discard, save})
	cd.Resize(fyne.NewSize(560, 200))
	d = cd
	d.Show()
}

// Capture starts capturing on iface at once, as the Capture dialog's
// Start does (`thingsniff -i eth0`).
func (u *UI) Capture(iface string) { u.live.start(iface, "") }
