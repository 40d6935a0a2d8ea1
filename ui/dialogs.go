package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
)

// saveFileDialog prepares a dialog that asks for a file to write, first
// named name and limited to exts when any are given, and calls then with
// the chosen path. The dialog's own writer is closed at once: callers
// write the file themselves, off the UI goroutine. Call Show on the result.
func (u *UI) saveFileDialog(name string, exts []string, then func(path string)) *dialog.FileDialog {
	d := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil {
			u.showError(err)
			return
		}
		if w == nil {
			return
		}
		path := w.URI().Path()
		w.Close()
		then(path)
	}, u.win)
	d.SetFileName(name)
	if len(exts) > 0 {
		d.SetFilter(storage.NewExtensionFileFilter(exts))
	}
	d.Resize(fyne.NewSize(900, 600))
	return d
}
