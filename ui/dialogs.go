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
	d := dialog.NewFileSave(chosenPath[fyne.URIWriteCloser](u, then), u.win)
	d.SetFileName(name)
	if len(exts) > 0 {
		d.SetFilter(storage.NewExtensionFileFilter(exts))
	}
	d.Resize(fyne.NewSize(900, 600))
	return d
}

// chosenPath makes a file dialog's callback: it closes what the dialog
// opened (the caller reads or writes the file itself, off the UI
// goroutine), shows an error, and calls then with the chosen path unless
// the user cancelled.
func chosenPath[F interface {
	URI() fyne.URI
	Close() error
}](u *UI, then func(path string)) func(F, error) {
	return func(f F, err error) {
		if err != nil {
			u.showError(err)
			return
		}
		if any(f) == nil {
			return // cancelled
		}
		path := f.URI().Path()
		f.Close()
		then(path)
	}
}
