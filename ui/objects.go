package ui

import (
	"context"
	"fmt"
	"image/color"
	"slices"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"thingsniff/app"
	"thingsniff/decode"
)

// Columns of the objects table.
const (
	ocCheck = iota
	ocPacket
	ocHost
	ocPath
	ocType
	ocSize
	ocName
	objectColumnCount
)

func objectColumns() []column {
	return []column{
		ocCheck:  {"", 36, fyne.TextAlignCenter},
		ocPacket: {"Packet", 70, fyne.TextAlignTrailing},
		ocHost:   {"Host", 180, fyne.TextAlignLeading},
		ocPath:   {"Path", 300, fyne.TextAlignLeading},
		ocType:   {"Content type", 150, fyne.TextAlignLeading},
		ocSize:   {"Size", 80, fyne.TextAlignTrailing},
		ocName:   {"File name", 180, fyne.TextAlignLeading},
	}
}

// objectsDialog is File > Export Objects > HTTP: every HTTP object of the
// capture, chosen with checkboxes and saved into a folder.
type objectsDialog struct {
	u      *UI
	l      *app.Loaded
	flows  []decode.Flow
	cols   []column
	objs   []app.HTTPObject
	cells  [][objectColumnCount]string
	chosen map[app.ObjectKey]bool
	cancel context.CancelFunc
	// saved is the last export's result, for the report and tests.
	saved []app.HTTPObject

	table   *listTable
	count   *widget.Label
	export  *widget.Button
	all     *widget.Check
	dlg     dialog.Dialog
	content fyne.CanvasObject
}

// exportObjectsDialog lists the capture's HTTP objects in a dialog.
func (u *UI) exportObjectsDialog() {
	if u.loaded == nil {
		u.status.setMessage("Open a capture first.")
		return
	}
	d := newObjectsDialog(u, u.loaded, slices.Clone(u.flows.flows))
	u.objects = d
	d.dlg = dialog.NewCustomWithoutButtons("Export HTTP objects", d.content, u.win)
	d.dlg.SetOnClosed(d.stop)
	d.dlg.Resize(fyne.NewSize(1060, 620))
	d.dlg.Show()
	d.list()
}

func newObjectsDialog(u *UI, l *app.Loaded, flows []decode.Flow) *objectsDialog {
	d := &objectsDialog{u: u, l: l, flows: flows, cols: objectColumns(), chosen: map[app.ObjectKey]bool{}}
	d.table = newListTable(d.length, d.newCell, d.updateCell)
	d.table.showColumns(d.cols, func(id widget.TableCellID, o fyne.CanvasObject) {
		if id.Col >= 0 && id.Col < len(d.cols) {
			h := o.(*headerButton)
			h.label.Alignment = d.cols[id.Col].align
			h.label.SetText(d.cols[id.Col].title)
		}
	})
	d.table.OnSelected = func(id widget.TableCellID) {
		d.table.UnselectAll()
		if id.Row >= 0 && id.Row < len(d.objs) {
			d.toggle(id.Row, !d.chosen[d.objs[id.Row].Key()])
		}
	}
	d.count = widget.NewLabel("Listing the HTTP objects…")
	d.all = widget.NewCheck("Select all", func(on bool) {
		for i := range d.objs {
			d.chosen[d.objs[i].Key()] = on
		}
		d.table.Refresh()
		d.updateCount()
	})
	d.export = widget.NewButtonWithIcon("Export to a folder…", theme.FolderOpenIcon(), d.chooseFolder)
	d.export.Importance = widget.HighImportance
	d.export.Disable()
	closeBtn := widget.NewButton("Close", func() {
		if d.dlg != nil {
			d.dlg.Hide()
		}
	})
	bottom := container.NewBorder(nil, nil, d.all, container.NewHBox(closeBtn, d.export), d.count)
	d.content = container.NewBorder(nil, bottom, nil, nil, d.table)
	return d
}

func (d *objectsDialog) stop() {
	if d.cancel != nil {
		d.cancel()
		d.cancel = nil
	}
}

// list finds the objects off the UI goroutine.
func (d *objectsDialog) list() {
	ctx, cancel := context.WithCancel(context.Background())
	d.cancel = cancel
	flows := d.flows
	if len(flows) == 0 {
		flows = nil // the engine's, once the load is done
	}
	d.u.background(func() func() {
		objs, err := app.ListObjects(ctx, d.l, flows)
		return func() {
			if ctx.Err() != nil {
				return
			}
			d.cancel = nil
			cancel()
			if err != nil {
				d.u.showError(err)
			}
			d.show(objs)
		}
	})
}

func (d *objectsDialog) show(objs []app.HTTPObject) {
	d.objs = objs
	d.cells = make([][objectColumnCount]string, len(objs))
	for i := range objs {
		o := &objs[i]
		c := &d.cells[i]
		c[ocPacket] = strconv.FormatUint(o.Packet, 10)
		c[ocHost] = o.Host
		c[ocPath] = o.Path
		c[ocType] = o.ContentType
		c[ocSize] = decode.FormatBytes(uint64(max(o.Size, 0)))
		c[ocName] = o.Name
		d.chosen[o.Key()] = true
	}
	d.all.SetChecked(len(objs) > 0)
	d.table.Refresh()
	d.updateCount()
}

func (d *objectsDialog) toggle(row int, on bool) {
	d.chosen[d.objs[row].Key()] = on
	d.table.RefreshItem(widget.TableCellID{Row: row, Col: ocCheck})
	d.updateCount()
}

func (d *objectsDialog) nChosen() int {
	n := 0
	for i := range d.objs {
		if d.chosen[d.objs[i].Key()] {
			n++
		}
	}
	return n
}

func (d *objectsDialog) updateCount() {
	if len(d.objs) == 0 {
		d.count.SetText("This capture has no HTTP objects.")
		d.export.Disable()
		return
	}
	n := d.nChosen()
	d.count.SetText(fmt.Sprintf("%s of %s chosen", decode.Thousands(n), plural(len(d.objs), "object", "objects")))
	if n == 0 {
		d.export.Disable()
	} else {
		d.export.Enable()
	}
}

func (d *objectsDialog) length() (int, int) { return len(d.objs), len(d.cols) }

func (d *objectsDialog) newCell() fyne.CanvasObject {
	return container.NewStack(newTintedCell(), widget.NewCheck("", nil))
}

func (d *objectsDialog) updateCell(id widget.TableCellID, o fyne.CanvasObject) {
	c := o.(*fyne.Container)
	cell, check := c.Objects[0], c.Objects[1].(*widget.Check)
	if id.Row < 0 || id.Row >= len(d.objs) {
		return
	}
	if id.Col == ocCheck {
		cell.Hide()
		check.Show()
		row := id.Row
		check.OnChanged = nil
		check.SetChecked(d.chosen[d.objs[row].Key()])
		check.OnChanged = func(on bool) { d.toggle(row, on) }
		return
	}
	check.Hide()
	cell.Show()
	setCell(cell, d.cells[id.Row][id.Col], d.cols[id.Col].align, color.Transparent, fyne.TextStyle{})
}

func (d *objectsDialog) chooseFolder() {
	dialog.ShowFolderOpen(func(dir fyne.ListableURI, err error) {
		if err != nil {
			d.u.showError(err)
			return
		}
		if dir != nil {
			d.exportTo(dir.Path())
		}
	}, d.u.win)
}

// exportTo saves the chosen objects into dir off the UI goroutine, then
// says what was saved under which names.
func (d *objectsDialog) exportTo(dir string) {
	chosen := make(map[app.ObjectKey]bool, len(d.chosen))
	for k, on := range d.chosen {
		if on {
			chosen[k] = true
		}
	}
	flows := d.flows
	if len(flows) == 0 {
		flows = nil
	}
	ctx, cancel := context.WithCancel(context.Background())
	d.stop()
	d.cancel = cancel
	d.export.Disable()
	d.count.SetText("Exporting " + plural(len(chosen), "object", "objects") + "…")
	d.u.background(func() func() {
		objs, err := app.ExportObjects(ctx, d.l, flows, dir, func(o app.HTTPObject) bool { return chosen[o.Key()] })
		return func() {
			d.cancel = nil
			cancel()
			d.updateCount()
			var saved []app.HTTPObject
			for _, o := range objs {
				if o.SavedAs != "" || o.Failed != "" {
					saved = append(saved, o)
				}
			}
			d.saved = saved
			if err != nil {
				d.u.showError(fmt.Errorf("export HTTP objects into %s: %w (%s saved before that)", dir, err, plural(countSaved(saved), "object was", "objects were")))
				return
			}
			d.u.status.setMessage(fmt.Sprintf("Saved %s into %s.", plural(countSaved(saved), "HTTP object", "HTTP objects"), dir))
			d.report(dir, saved)
		}
	})
}

// report lists the names the objects were saved under, and why any that
// could not be saved were skipped.
func (d *objectsDialog) report(dir string, saved []app.HTTPObject) {
	var b strings.Builder
	failed := 0
	for _, o := range saved {
		if o.Failed != "" {
			failed++
			fmt.Fprintf(&b, "%s   (packet %d) — not saved: %s\n", o.Name, o.Packet, o.Failed)
			continue
		}
		fmt.Fprintf(&b, "%s   (packet %d, %s)", o.SavedAs, o.Packet, decode.FormatBytes(uint64(max(o.Size, 0))))
		if o.Note != "" {
			b.WriteString(" — " + o.Note)
		}
		b.WriteByte('\n')
	}
	names := widget.NewLabel(strings.TrimSuffix(b.String(), "\n"))
	names.Selectable = true
	text := fmt.Sprintf("Saved %s into %s:", plural(len(saved)-failed, "object", "objects"), dir)
	if failed > 0 {
		text = fmt.Sprintf("Saved %s into %s; %s could not be saved and skipped:", plural(len(saved)-failed, "object", "objects"), dir,
			plural(failed, "object", "objects"))
	}
	head := widget.NewLabel(text)
	head.Wrapping = fyne.TextWrapWord
	rep := dialog.NewCustom("HTTP objects saved", "OK", container.NewBorder(head, nil, nil, nil, container.NewVScroll(names)), d.u.win)
	rep.Resize(fyne.NewSize(720, 420))
	rep.Show()
}

// countSaved counts the objects that were saved.
func countSaved(objs []app.HTTPObject) int {
	n := 0
	for _, o := range objs {
		if o.SavedAs != "" {
			n++
		}
	}
	return n
}
