package ui

import (
	"bytes"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"thingsniff/app"
	"thingsniff/decode"
)

// shortcut is Ctrl (Cmd on macOS) with key.
func shortcut(key fyne.KeyName) *desktop.CustomShortcut {
	return &desktop.CustomShortcut{KeyName: key, Modifier: fyne.KeyModifierShortcutDefault}
}

// shortcuts lists the keys the window knows, for the menu and for help.
func (u *UI) shortcuts() []struct {
	key  fyne.KeyName
	what string
	do   func()
} {
	return []struct {
		key  fyne.KeyName
		what string
		do   func()
	}{
		{fyne.KeyO, "Open a capture", u.guarded("open another capture", u.openDialog)},
		{fyne.KeyS, "Save as pcapng or pcap", u.saveDialog},
		{fyne.KeyW, "Close the capture", u.guarded("close it", u.CloseCapture)},
		{fyne.KeyE, "Capture live; again to stop", u.toggleLive},
		{fyne.KeyG, "Go to packet", u.goToDialog},
		{fyne.KeyF, "Filter packets", u.focusFilter},
		{fyne.KeyD, "Show the devices", u.showDevices},
		{fyne.KeyT, "Light or dark theme", func() { toggleTheme(u.app) }},
		{fyne.KeyQ, "Quit", u.Quit},
	}
}

func (u *UI) addShortcuts() {
	for _, s := range u.shortcuts() {
		do := s.do
		u.win.Canvas().AddShortcut(shortcut(s.key), func(fyne.Shortcut) { do() })
	}
	u.win.Canvas().AddShortcut(followShortcut(), func(fyne.Shortcut) { u.followSelected() })
	u.addTimeShortcuts()
	u.win.Canvas().AddShortcut(propertiesShortcut(), func(fyne.Shortcut) { u.propertiesDialog() })
}

func (u *UI) newMainMenu() *fyne.MainMenu {
	item := func(label string, key fyne.KeyName, icon fyne.Resource, do func()) *fyne.MenuItem {
		if key != "" {
			label = roomForShortcut(label, "Ctrl+"+string(key))
		}
		m := fyne.NewMenuItemWithIcon(label, icon, do)
		if key != "" {
			m.Shortcut = shortcut(key)
		}
		return m
	}
	recent := fyne.NewMenuItemWithIcon("Open recent", theme.HistoryIcon(), nil)
	for _, path := range u.recent.list() {
		recent.ChildMenu = appendItem(recent.ChildMenu, fyne.NewMenuItem(path, u.guarded("open another capture", func() { u.Open(path) })))
	}
	if recent.ChildMenu == nil {
		recent.Disabled = true
	} else {
		recent.ChildMenu.Items = append(recent.ChildMenu.Items, fyne.NewMenuItemSeparator(),
			fyne.NewMenuItem("Clear the list", func() {
				u.recent.clear()
				u.refreshRecent()
			}))
	}
	quit := item("Quit", fyne.KeyQ, theme.LogoutIcon(), u.Quit)
	quit.IsQuit = true
	file := fyne.NewMenu("File",
		item("Open…", fyne.KeyO, theme.FolderOpenIcon(), u.guarded("open another capture", u.openDialog)),
		recent,
		item("Open the demo capture", "", theme.MediaPlayIcon(), u.guarded("open the demo capture", u.OpenDemo)),
		fyne.NewMenuItemSeparator(),
		item("Save as…", fyne.KeyS, theme.DocumentSaveIcon(), u.saveDialog),
		item("Export displayed packets…", "", theme.UploadIcon(), u.exportDialog),
		item("Export packet list as CSV or text…", "", theme.ListIcon(), u.exportRowsDialog),
		item("Export device report…", "", theme.DocumentIcon(), func() { u.devices.exportDialog() }),
		&fyne.MenuItem{Label: "Export objects", Icon: theme.DownloadIcon(), ChildMenu: fyne.NewMenu("", fyne.NewMenuItem("HTTP…", u.exportObjectsDialog))},
		item("Close", fyne.KeyW, theme.CancelIcon(), u.guarded("close it", u.CloseCapture)),
		fyne.NewMenuItemSeparator(),
		quit,
	)
	view := fyne.NewMenu("View",
		item("Go to packet…", fyne.KeyG, theme.NavigateNextIcon(), u.goToDialog),
		item("Filter packets", fyne.KeyF, theme.SearchIcon(), u.focusFilter),
		item("Devices", fyne.KeyD, iconDevices(), u.showDevices),
		&fyne.MenuItem{Label: roomForShortcut("Follow stream", "Ctrl+Shift+F"), Icon: theme.MailForwardIcon(), Action: u.followSelected, Shortcut: followShortcut()},
		u.timeFormatMenu(),
		item("Light or dark theme", fyne.KeyT, theme.ColorPaletteIcon(), func() { toggleTheme(u.app) }),
	)
	capture := fyne.NewMenu("Capture",
		item("Capture…", fyne.KeyE, theme.MediaRecordIcon(), u.toggleLive),
		item("Stop", "", theme.MediaStopIcon(), func() { u.live.stop() }),
	)
	help := fyne.NewMenu("Help",
		item("Keyboard shortcuts", "", theme.HelpIcon(), u.shortcutsDialog),
		item("About thingsniff", "", theme.InfoIcon(), u.aboutDialog),
	)
	return fyne.NewMainMenu(file, view, capture, u.statsMenu(), help)
}

// roomForShortcut widens a menu label so that the shortcut drawn after it
// stays inside the menu: Fyne measures the menu without the shortcut's
// text in the dense theme, and "Ctrl+T" ran over the menu's edge.
func roomForShortcut(label, keys string) string {
	return label + strings.Repeat("\u2002", len(keys)+1)
}

func appendItem(m *fyne.Menu, it *fyne.MenuItem) *fyne.Menu {
	if m == nil {
		return fyne.NewMenu("", it)
	}
	m.Items = append(m.Items, it)
	return m
}

func (u *UI) newToolbar() fyne.CanvasObject {
	return widget.NewToolbar(
		widget.NewToolbarAction(theme.FolderOpenIcon(), u.guarded("open another capture", u.openDialog)),
		widget.NewToolbarAction(theme.DocumentSaveIcon(), u.saveDialog),
		widget.NewToolbarAction(theme.CancelIcon(), u.guarded("close it", u.CloseCapture)),
		widget.NewToolbarSeparator(),
		u.live.action,
		widget.NewToolbarSeparator(),
		widget.NewToolbarAction(theme.NavigateNextIcon(), u.goToDialog),
		widget.NewToolbarAction(theme.SearchIcon(), u.focusFilter),
		widget.NewToolbarSpacer(),
		widget.NewToolbarAction(theme.ColorPaletteIcon(), func() { toggleTheme(u.app) }),
		widget.NewToolbarAction(theme.HelpIcon(), u.shortcutsDialog),
	)
}

// refreshRecent updates the places that list recent files.
func (u *UI) refreshRecent() {
	u.welcome.refreshRecent()
	u.win.SetMainMenu(u.newMainMenu())
}

// Quit ends the program, after asking what to do with a live capture
// that is not saved. The window's close button does the same.
func (u *UI) Quit() {
	u.unlessLiveUnsaved("quit", func() {
		u.Shutdown()
		u.Ending()
		u.app.Quit()
	})
}

func (u *UI) focusFilter() {
	if u.loaded == nil {
		return
	}
	u.tabs.SelectIndex(0)
	u.win.Canvas().Focus(u.packets.bar.entry)
}

// OpenDemo opens the capture that comes with thingsniff.
func (u *UI) OpenDemo() {
	if u.cfg.Demo == nil {
		u.showError(fmt.Errorf("open the demo capture: this build has none"))
		return
	}
	u.packets.startAtTop = true
	u.OpenStream(bytes.NewReader(u.cfg.Demo()), "thing-phones-home.pcapng")
}

func (u *UI) saveDialog()   { u.save(nil) }
func (u *UI) exportDialog() { u.save(u.packets.shown) }

// save asks where to write the packets (all of them when which is nil)
// and writes them in the background; the extension picks the format.
func (u *UI) save(which []int) {
	l := u.loaded
	if l == nil {
		u.status.setMessage("Open a capture first.")
		return
	}
	base := strings.TrimSuffix(filepath.Base(l.Name), filepath.Ext(l.Name))
	if which != nil {
		base += "-filtered"
	}
	u.saveFileDialog(base+".pcapng", []string{".pcapng", ".pcap"}, func(path string) {
		u.saveTo(l, path, which, nil)
	}).Show()
}

// saveTo writes packets of l to path in the background; a .pcap or .cap
// name gets pcap, any other pcapng.
func (u *UI) saveTo(l *app.Loaded, path string, which []int, then func()) {
	format := "pcapng"
	if ext := filepath.Ext(path); strings.EqualFold(ext, ".pcap") || strings.EqualFold(ext, ".cap") {
		format = "pcap"
	}
	u.status.setMessage("Saving " + filepath.Base(path) + "…")
	u.background(func() func() {
		err := app.SaveAs(l, path, format, which)
		return func() {
			if err != nil {
				u.showError(err)
				return
			}
			n := l.Index.Len()
			if which != nil {
				n = len(which)
			}
			u.status.setMessage(fmt.Sprintf("Saved %s to %s (%s).", plural(n, "packet", "packets"), path, format))
			if which == nil && u.unsavedLive == l {
				u.unsavedLive = nil
			}
			if then != nil {
				then()
			}
		}
	})
}

func (u *UI) goToDialog() {
	if u.loaded == nil {
		return
	}
	e := widget.NewEntry()
	e.SetPlaceHolder(fmt.Sprintf("1 to %s", decode.Thousands(u.packets.n)))
	d := dialog.NewForm("Go to packet", "Go", "Cancel",
		[]*widget.FormItem{widget.NewFormItem("Packet number", e)}, func(ok bool) {
			if !ok {
				return
			}
			n, err := strconv.Atoi(strings.NewReplacer(",", "", ".", "", " ", "", "\u202f", "").Replace(e.Text))
			if err != nil {
				u.status.setError(fmt.Sprintf("Go to packet: %q is not a packet number.", e.Text))
				return
			}
			u.tabs.SelectIndex(0)
			if err := u.packets.goTo(n); err != nil {
				u.status.setError(err.Error())
			}
		}, u.win)
	e.OnSubmitted = func(string) { d.Submit() }
	// Wide enough for the placeholder of a capture of millions ("1 to
	// 1,000,000"), which the form's own width cut.
	d.Resize(fyne.NewSize(max(380, d.MinSize().Width), d.MinSize().Height))
	d.Show()
	u.win.Canvas().Focus(e)
}

func (u *UI) shortcutsDialog() {
	grid := container.NewGridWithColumns(2)
	mod := "Ctrl+"
	if fyne.CurrentDevice().IsMobile() {
		mod = ""
	}
	for _, s := range u.shortcuts() {
		grid.Add(widget.NewLabelWithStyle(mod+string(s.key), fyne.TextAlignLeading, fyne.TextStyle{Monospace: true}))
		grid.Add(widget.NewLabel(s.what))
	}
	grid.Add(widget.NewLabelWithStyle(mod+"Shift+F", fyne.TextAlignLeading, fyne.TextStyle{Monospace: true}))
	grid.Add(widget.NewLabel("Follow the chosen packet's stream"))
	grid.Add(widget.NewLabelWithStyle(mod+"Alt+1 … 6", fyne.TextAlignLeading, fyne.TextStyle{Monospace: true}))
	grid.Add(widget.NewLabel("Time column format (View → Time format)"))
	grid.Add(widget.NewLabelWithStyle(mod+"Alt+Shift+C", fyne.TextAlignLeading, fyne.TextStyle{Monospace: true}))
	grid.Add(widget.NewLabel("Capture file properties"))
	grid.Add(widget.NewLabelWithStyle("↑ ↓ PgUp PgDn Home End", fyne.TextAlignLeading, fyne.TextStyle{Monospace: true}))
	grid.Add(widget.NewLabel("Move through any list or table (click it first)"))
	grid.Add(widget.NewLabelWithStyle("Enter", fyne.TextAlignLeading, fyne.TextStyle{Monospace: true}))
	grid.Add(widget.NewLabel("Show the packets of the flow the keys are on"))
	dialog.ShowCustom("Keyboard shortcuts", "Close", grid, u.win)
}

func (u *UI) aboutDialog() {
	text := widget.NewLabel("thingsniff opens packet captures (pcap, pcapng, gzip, standard input) or captures live, and tells what the devices on a network say: " +
		"each device's lease, lookups, connections and findings on one timeline, beside the packets, the conversations (who closed each, after how long idle) and their streams.\n\n" +
		"Built with Fyne and gopacket.")
	text.Wrapping = fyne.TextWrapWord
	d := dialog.NewCustom("About thingsniff", "Close", text, u.win)
	d.Resize(fyne.NewSize(480, 260))
	d.Show()
}

// dropped opens the first file dropped onto the window.
func (u *UI) dropped(_ fyne.Position, uris []fyne.URI) {
	for _, uri := range uris {
		if uri.Scheme() == "file" {
			path := uri.Path()
			u.unlessLiveUnsaved("open "+filepath.Base(path), func() { u.Open(path) })
			return
		}
	}
}
