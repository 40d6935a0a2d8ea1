package ui

import (
	"cmp"
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

	"thingsniff/decode"
)

// captureExts are the names the Open dialog lists unless asked for all
// files (the content decides, not the name: any file can be opened).
var captureExts = []string{".pcap", ".pcapng", ".cap", ".gz", ".dmp"}

// openDialog is the Open dialog: a field to type or paste a path (Enter
// opens a file or goes into a folder) above the folder's entries. A click
// chooses an entry and puts its path in the field; a double-click or Enter
// opens it, a folder one level deep whatever the speed of the clicks.
type openDialog struct {
	u       *UI
	dir     string
	entries []fileEntry
	path    *widget.Entry
	list    *keyList
	all     *widget.Check
	problem *widget.Label
	dlg     dialog.Dialog
	open    func(path string)
}

type fileEntry struct {
	name string
	dir  bool
	size int64
	mod  time.Time
}

// newOpenDialog makes the dialog over dir; open is called with the file
// chosen, after the dialog is hidden.
func newOpenDialog(u *UI, dir string, open func(path string)) *openDialog {
	d := &openDialog{u: u, open: open}
	d.path = widget.NewEntry()
	d.path.SetPlaceHolder("Type or paste the path of a capture or a folder, then Enter")
	d.path.OnSubmitted = d.submit
	d.problem = widget.NewLabel("")
	d.problem.Importance = widget.DangerImportance
	d.problem.Wrapping = fyne.TextWrapWord
	d.problem.Hide()
	d.all = widget.NewCheck("Show all files", func(bool) { d.show(d.dir) })
	d.list = newKeyList(func() int { return len(d.entries) }, d.newItem, d.updateItem)
	d.list.OnSelected = func(id widget.ListItemID) {
		if id >= 0 && id < len(d.entries) {
			d.path.SetText(filepath.Join(d.dir, d.entries[id].name))
		}
	}
	d.list.OnEnter = d.activate
	up := widget.NewButtonWithIcon("Up", theme.MoveUpIcon(), func() { d.show(filepath.Dir(d.dir)) })
	home := widget.NewButtonWithIcon("Home", theme.HomeIcon(), func() {
		if h, err := os.UserHomeDir(); err == nil {
			d.show(h)
		}
	})
	openBtn := widget.NewButtonWithIcon("Open", theme.FolderOpenIcon(), func() { d.submit(d.path.Text) })
	openBtn.Importance = widget.HighImportance
	cancel := widget.NewButtonWithIcon("Cancel", theme.CancelIcon(), func() { d.dlg.Hide() })
	top := container.NewVBox(container.NewBorder(nil, nil, container.NewHBox(up, home), nil, d.path), d.problem)
	bottom := container.NewBorder(nil, nil, d.all, container.NewHBox(cancel, openBtn))
	content := container.NewBorder(top, bottom, nil, nil, d.list)
	d.dlg = dialog.NewCustomWithoutButtons("Open a capture", content, u.win)
	d.show(dir)
	return d
}

// fileItem is one entry of the folder: a click chooses it, a double-click
// opens it.
type fileItem struct {
	widget.BaseWidget
	d     *openDialog
	id    widget.ListItemID
	icon  *widget.Icon
	name  *widget.Label
	about *widget.Label
}

func (d *openDialog) newItem() fyne.CanvasObject {
	it := &fileItem{d: d, icon: widget.NewIcon(theme.FileIcon()), name: widget.NewLabel(""), about: widget.NewLabel("")}
	it.name.Truncation = fyne.TextTruncateEllipsis
	it.about.Alignment = fyne.TextAlignTrailing
	it.ExtendBaseWidget(it)
	return it
}

func (it *fileItem) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(container.NewBorder(nil, nil, it.icon, it.about, it.name))
}

// Tapped chooses the entry, as a click on a list item does.
func (it *fileItem) Tapped(*fyne.PointEvent) {
	it.d.list.Select(it.id)
	if c := fyne.CurrentApp().Driver().CanvasForObject(it.d.list); c != nil {
		c.Focus(it.d.list)
	}
}

// DoubleTapped opens the entry: the driver tells a double-click apart
// from two clicks, so a folder is entered once.
func (it *fileItem) DoubleTapped(*fyne.PointEvent) {
	it.d.list.Select(it.id)
	it.d.activate(it.id)
}

func (d *openDialog) updateItem(id widget.ListItemID, o fyne.CanvasObject) {
	it := o.(*fileItem)
	it.id = id
	if id < 0 || id >= len(d.entries) {
		return
	}
	e := d.entries[id]
	if e.dir {
		it.icon.SetResource(theme.FolderIcon())
		it.name.SetText(e.name + string(filepath.Separator))
		it.about.SetText("")
		return
	}
	it.icon.SetResource(theme.FileIcon())
	it.name.SetText(e.name)
	it.about.SetText(decode.FormatBytes(uint64(e.size)) + "   " + e.mod.Format("2006-01-02 15:04"))
}

// show lists folder dir.
func (d *openDialog) show(dir string) {
	list, err := os.ReadDir(dir)
	if err != nil {
		d.say(fmt.Sprintf("Cannot list %s: %v.", dir, err))
		return
	}
	d.dir = dir
	d.entries = d.entries[:0]
	for _, de := range list {
		name := de.Name()
		if strings.HasPrefix(name, ".") && !d.all.Checked {
			continue
		}
		info, err := os.Stat(filepath.Join(dir, name)) // follows links to folders
		if err != nil {
			continue
		}
		e := fileEntry{name: name, dir: info.IsDir(), size: info.Size(), mod: info.ModTime()}
		if !e.dir && !d.all.Checked && !isCaptureName(name) {
			continue
		}
		d.entries = append(d.entries, e)
	}
	slices.SortFunc(d.entries, func(a, b fileEntry) int {
		if a.dir != b.dir {
			if a.dir {
				return -1
			}
			return 1
		}
		return cmp.Compare(strings.ToLower(a.name), strings.ToLower(b.name))
	})
	d.problem.Hide()
	d.path.SetText(dir + string(filepath.Separator))
	d.list.UnselectAll()
	d.list.Refresh()
	d.list.ScrollToTop()
}

func isCaptureName(name string) bool {
	lower := strings.ToLower(name)
	for _, ext := range captureExts {
		if strings.HasSuffix(lower, ext) {
			return true
		}
	}
	return false
}

// activate opens entry id: a folder is listed, a file opened.
func (d *openDialog) activate(id widget.ListItemID) {
	if id < 0 || id >= len(d.entries) {
		return
	}
	d.submit(filepath.Join(d.dir, d.entries[id].name))
}

// submit opens what text names: a folder is listed, a file opened; "~"
// is the home folder, and a relative path is taken from the folder shown.
func (d *openDialog) submit(text string) {
	p := strings.TrimSpace(text)
	if p == "" {
		return
	}
	if p == "~" || strings.HasPrefix(p, "~"+string(filepath.Separator)) {
		if h, err := os.UserHomeDir(); err == nil {
			p = filepath.Join(h, p[1:])
		}
	}
	if !filepath.IsAbs(p) {
		p = filepath.Join(d.dir, p)
	}
	info, err := os.Stat(p)
	switch {
	case err != nil && os.IsNotExist(err):
		d.say(fmt.Sprintf("There is no file or folder %s.", p))
	case err != nil:
		d.say(fmt.Sprintf("Cannot open %s: %v.", p, err))
	case info.IsDir():
		d.show(filepath.Clean(p))
	default:
		d.dlg.Hide()
		d.open(p)
	}
}

func (d *openDialog) say(msg string) {
	d.problem.SetText(msg)
	d.problem.Show()
}

// openDialog shows the Open dialog in the folder of the last file opened
// (or the working folder).
func (u *UI) openDialog() {
	dir, _ := os.Getwd()
	if list := u.recent.list(); len(list) > 0 {
		if st, err := os.Stat(filepath.Dir(list[0])); err == nil && st.IsDir() {
			dir = filepath.Dir(list[0])
		}
	}
	d := newOpenDialog(u, dir, func(path string) { u.Open(path) })
	d.dlg.Resize(fyne.NewSize(900, 600))
	d.dlg.Show()
	u.win.Canvas().Focus(d.path)
}
