package ui

import (
	"strconv"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"

	"thingsniff/app"
)

// prefTimeFormat remembers the Time column's format between runs.
const prefTimeFormat = "timeFormat"

// timeFormat is the Time column's format the user chose last.
func (u *UI) timeFormat() app.TimeFormat {
	tf, err := app.ParseTimeFormat(u.app.Preferences().StringWithFallback(prefTimeFormat, app.TimeSinceStart.String()))
	if err != nil {
		return app.TimeSinceStart
	}
	return tf
}

// SetTimeFormat writes the packet list's Time column in tf from now on,
// and remembers the choice (View → Time format, Ctrl+Alt+1 to 6).
func (u *UI) SetTimeFormat(tf app.TimeFormat) {
	u.app.Preferences().SetString(prefTimeFormat, tf.String())
	if u.rows != nil {
		u.rows.SetTimeFormat(tf)
	}
	u.packets.timeFormatChanged(tf)
	u.win.SetMainMenu(u.newMainMenu()) // its check mark
	u.status.setMessage("Time column: " + tf.Title() + ".")
}

// timeShortcut is Ctrl+Alt+n for the nth time format, as Wireshark's
// View → Time Display Format numbers its own.
func timeShortcut(n int) *desktop.CustomShortcut {
	return &desktop.CustomShortcut{KeyName: fyne.KeyName(strconv.Itoa(n)), Modifier: fyne.KeyModifierShortcutDefault | fyne.KeyModifierAlt}
}

// timeFormatMenu is View → Time format, the chosen one checked.
func (u *UI) timeFormatMenu() *fyne.MenuItem {
	sub := fyne.NewMenu("")
	chosen := u.timeFormat()
	for i, tf := range app.TimeFormats() {
		m := fyne.NewMenuItem(roomForShortcut(tf.Title(), "Ctrl+Alt+1"), func() { u.SetTimeFormat(tf) })
		m.Checked = tf == chosen
		m.Shortcut = timeShortcut(i + 1)
		sub.Items = append(sub.Items, m)
	}
	return &fyne.MenuItem{Label: "Time format", Icon: theme.HistoryIcon(), ChildMenu: sub}
}

// addTimeShortcuts lets Ctrl+Alt+1 to 6 choose the time format.
func (u *UI) addTimeShortcuts() {
	for i, tf := range app.TimeFormats() {
		u.win.Canvas().AddShortcut(timeShortcut(i+1), func(fyne.Shortcut) { u.SetTimeFormat(tf) })
	}
}

// timeFormatChanged widens or narrows the Time column to what format tf
// writes, and sorts again when the list is sorted by time (a delta
// format sorts by the gaps).
func (p *packetsView) timeFormatChanged(tf app.TimeFormat) {
	p.setTimeWidth(tf)
	if p.sort.col == int(app.SortTime) {
		p.runSort()
	}
	p.table.Refresh()
}

// setTimeWidth sizes the Time column for the longest text of format tf.
func (p *packetsView) setTimeWidth(tf app.TimeFormat) {
	widest := map[app.TimeFormat]float32{app.TimeOfDay: 132, app.TimeDateAndTime: 214, app.TimeEpoch: 150}
	w, ok := widest[tf]
	if !ok {
		w = packetColumns()[app.SortTime].width
	}
	p.cols[app.SortTime].width = w
	p.table.SetColumnWidth(int(app.SortTime), w)
	p.list.Refresh() // Info takes what is left
}
