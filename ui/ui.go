package ui

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"sync"
	"sync/atomic"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"

	"thingsniff/app"
)

// UI is one thingsniff window: the session it shows and the views that
// show it. Its methods must be called on the UI goroutine.
type UI struct {
	app      fyne.App
	win      fyne.Window
	cfg      Config
	session  *app.Session
	dispatch func(func()) // see dropWhenEnded
	// ending is set once the event loop is about to end (see Ending).
	ending atomic.Bool
	// work counts background jobs (filter, sort, save) so tests can wait
	// for their results to be dispatched.
	work sync.WaitGroup

	loaded *app.Loaded
	rows   *app.Rows
	// unsavedLive is the live capture whose packets are only in its
	// spool (not saved), or nil: replacing it asks first.
	unsavedLive *app.Loaded

	welcome *welcomeView
	packets *packetsView
	flows   *flowsView
	devices *devicesView
	stream  *followView
	objects *objectsDialog // the last Export Objects dialog
	stats   *statsView     // made on first use (statsOf)
	live    *liveCtl
	status  *statusBar
	recent  *recentFiles

	tabs    *container.AppTabs
	main    fyne.CanvasObject
	toolbar fyne.CanvasObject

	onLoad  []func(*app.Loaded)
	onBatch []func(app.Batch)
}

// Config is what the window needs from outside the ui package.
type Config struct {
	// Session configures the session; a nil Dispatch means fyne.Do.
	Session app.Options
	// Demo returns the bytes of the demo capture (assets.Demo).
	Demo func() []byte
	// Icon is the application icon shown on the welcome page.
	Icon fyne.Resource
}

// Create builds thingsniff's content into w and returns its UI.
func Create(a fyne.App, w fyne.Window, cfg Config) *UI {
	opts := cfg.Session
	if opts.Dispatch == nil {
		opts.Dispatch = fyne.Do
	}
	opts.Devices = true
	u := &UI{app: a, win: w, cfg: cfg}
	u.dispatch = u.dropWhenEnded(opts.Dispatch)
	opts.Dispatch = u.dispatch
	u.session = app.NewSession(opts, u.batch)
	u.recent = newRecentFiles(a.Preferences())
	applyThemePreference(a)

	u.status = newStatusBar()
	u.packets = newPacketsView(u)
	u.packets.setTimeWidth(u.timeFormat())
	u.flows = newFlowsView(u)
	u.welcome = newWelcomeView(u)
	u.tabs = container.NewAppTabs(
		container.NewTabItemWithIcon("Packets", iconPackets(), u.packets.content),
		container.NewTabItemWithIcon("Flows", iconFlows(), u.flows.content),
	)
	u.devices = newDevicesView(u)
	u.AddTab(u.devices.tab)
	u.tabs.OnSelected = func(t *container.TabItem) {
		if t == u.devices.tab {
			u.devices.shown()
		}
	}
	u.stream = newFollowView(u)
	u.AddTab(u.stream.tab)
	u.OnLoad(func(*app.Loaded) { u.forget() })
	u.main = u.tabs
	u.live = newLiveCtl(u)
	u.toolbar = u.newToolbar()

	w.SetMainMenu(u.newMainMenu())
	u.addShortcuts()
	w.SetOnDropped(u.dropped)
	w.SetContent(container.NewBorder(u.toolbar, container.NewVBox(u.live.bar, u.status.content), nil, nil,
		container.NewStack(u.welcome.content, u.main)))
	u.showWelcome()
	return u
}

// dropWhenEnded is base (fyne.Do in the program) for the functions that
// workers hand to the UI goroutine, except that once the window is ending
// they are dropped. After its event loop ends, Fyne runs such a function
// at once on the goroutine that hands it over, where it would race the
// window's last steps and other late ones (two table refreshes at once
// crashed a window told to end, leaving its capture's spool behind).
func (u *UI) dropWhenEnded(base func(func())) func(func()) {
	return func(f func()) {
		base(func() {
			if !u.ending.Load() {
				f()
			}
		})
	}
}

// Ending tells the window that its event loop is about to end: nothing
// workers hand to the UI goroutine runs from now on. Call it before
// asking the loop to quit; Ended calls it too.
func (u *UI) Ending() { u.ending.Store(true) }

// AddTab adds a view to the window's tabs, after Packets and Flows. It is
// how the Devices tab and the Follow stream view plug in.
func (u *UI) AddTab(item *container.TabItem) { u.tabs.Append(item) }

// SelectTab brings item to the front.
func (u *UI) SelectTab(item *container.TabItem) { u.tabs.Select(item) }

// OnLoad registers fn to be called (on the UI goroutine) whenever a new
// capture starts loading.
func (u *UI) OnLoad(fn func(*app.Loaded)) { u.onLoad = append(u.onLoad, fn) }

// OnBatch registers fn to be called (on the UI goroutine) with every batch
// of the current load, after the built-in views have taken it.
func (u *UI) OnBatch(fn func(app.Batch)) { u.onBatch = append(u.onBatch, fn) }

// ShowPackets switches to the packet list filtered by expr ("" for all).
func (u *UI) ShowPackets(expr string) {
	u.tabs.SelectIndex(0)
	u.packets.setFilter(expr)
}

// Open opens the capture file at path and starts loading it. Errors are
// shown in a dialog and returned.
func (u *UI) Open(path string) error {
	l, err := u.session.Open(path)
	if err != nil {
		u.showError(errors.New(app.OpenErrorSentence(path, err)))
		return err
	}
	u.recent.add(path)
	u.refreshRecent()
	// A saved file reads from its first packet, as in other analyzers;
	// pipes and live captures follow the newest instead.
	u.packets.startAtTop = true
	u.adopt(l)
	return nil
}

// OpenStream reads a capture from r (standard input, a pipe) in the
// background; name is what the window calls it.
func (u *UI) OpenStream(r io.Reader, name string) { u.openStream(r, name, u.session.OpenStream, false) }

// openLive reads a live capture's stream, spooled under a name that the
// next start finds again if this one is cut short (see OfferRecovery).
func (u *UI) openLive(r io.Reader, name string) { u.openStream(r, name, u.session.OpenLive, true) }

func (u *UI) openStream(r io.Reader, name string, open func(io.Reader, string) (*app.Loaded, error), live bool) {
	u.status.setMessage("Waiting for " + name + "…")
	u.work.Add(1)
	go func() {
		defer u.work.Done()
		l, err := open(r, name)
		u.dispatch(func() {
			if err != nil {
				u.showError(fmt.Errorf("read %s: %w", name, err))
				return
			}
			u.adopt(l)
			if live {
				u.unsavedLive = l
			}
		})
	}()
}

// forget drops what the views showed of the capture before: the
// followed stream (and its tab's title), an Export Objects dialog, and
// the Stream tab if it was in front, as nothing of it is left.
func (u *UI) forget() {
	if u.tabs.Selected() == u.stream.tab {
		u.tabs.SelectIndex(0)
	}
	u.stream.clear()
	if u.objects != nil {
		u.objects.dlg.Hide()
		u.objects = nil
	}
}

// CloseCapture stops loading and shows the welcome page.
func (u *UI) CloseCapture() {
	u.packets.cancelFilter()
	u.loaded, u.rows = nil, nil
	u.packets.reset() // stops the row worker before the capture closes under it
	u.session.Close()
	u.flows.reset()
	u.devices.reset()
	u.forget()
	u.status.reset()
	u.win.SetTitle("thingsniff")
	u.showWelcome()
}

// CloseSession releases the capture on show (its spool with it) from any
// goroutine: the last thing a program ending without its UI goroutine
// does.
func (u *UI) CloseSession() { u.session.Close() }

// Ended is called once the event loop has ended, on the goroutine that
// ran it: it stops a live capture and waits for its helper to flush and
// exit, removes the followed stream's temporary file, and releases the
// capture on show, removing its spool.
func (u *UI) Ended() {
	u.Ending()
	u.packets.cancelFilter()
	u.stream.stopNow() // its temporary file too
	u.live.cancel()
	if lc := u.live.lc; lc != nil {
		lc.Stop()
	}
	u.session.Close()
}

// Shutdown stops any load; call it when the window closes.
func (u *UI) Shutdown() {
	u.packets.cancelFilter()
	u.stream.stop()
	u.live.shutdown()
	u.session.Close()
}

// adopt makes l the capture on screen, once per load.
func (u *UI) adopt(l *app.Loaded) {
	if u.loaded != nil && u.loaded.Gen == l.Gen {
		return
	}
	u.packets.cancelFilter()
	u.loaded = l
	u.rows = app.NewRows(l)
	u.rows.SetTimeFormat(u.timeFormat())
	u.packets.reset()
	u.flows.reset()
	u.status.start(l)
	u.win.SetTitle(filepath.Base(l.Name) + " — thingsniff")
	u.showMain()
	for _, fn := range u.onLoad {
		fn(l)
	}
}

// batch takes one delivery from the session. A batch can overtake the
// code that opened its load (OpenStream), so it adopts its load itself.
func (u *UI) batch(b app.Batch) {
	if u.loaded == nil || u.loaded.Gen != b.Gen {
		l := u.session.Current()
		if l == nil || l.Gen != b.Gen {
			return
		}
		u.adopt(l)
	}
	if b.Interfaces != nil {
		u.rows.SetInterfaces(b.Interfaces)
	}
	for _, f := range b.Flows {
		u.rows.SetFlow(f)
	}
	u.flows.update(b.Flows, b.Done)
	u.packets.grow(b.Packets, b.Done)
	u.status.update(b)
	if b.Err != nil && !errors.Is(b.Err, context.Canceled) {
		u.status.setLoadError(loadError(b.Err))
	}
	for _, fn := range u.onBatch {
		fn(b)
	}
}

func (u *UI) showWelcome() {
	u.main.Hide()
	u.welcome.content.Show()
	u.welcome.refreshRecent()
}

func (u *UI) showMain() {
	u.welcome.content.Hide()
	u.main.Show()
}

func (u *UI) showError(err error) {
	u.status.setError(err.Error())
	dialog.ShowError(err, u.win)
}

// background runs job off the UI goroutine and then done on it.
func (u *UI) background(job func() func()) {
	u.work.Add(1)
	go func() {
		defer u.work.Done()
		done := job()
		if done != nil {
			u.dispatch(done)
		}
	}()
}
