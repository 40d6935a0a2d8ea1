package ui

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"strconv"

	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"thingsniff/decode/stream"
)

// saveDialog asks which bytes to save and where, then writes them as
// raw bytes off the UI goroutine.
func (v *followView) saveDialog() {
	if v.data == nil {
		v.u.status.setMessage("Follow a stream first.")
		return
	}
	choices := []string{"The whole conversation (both directions, in order)", "What the client sent", "What the server sent"}
	which := widget.NewRadioGroup(choices, nil)
	which.SetSelected(choices[v.show])
	d := v.data
	dialog.ShowCustomConfirm("Save the stream as raw bytes", "Choose a file…", "Cancel", which, func(ok bool) {
		if !ok || v.data != d {
			return
		}
		show := stream.Both
		for i, c := range choices {
			if c == which.Selected {
				show = stream.Show(i)
			}
		}
		name := "stream-" + strconv.FormatUint(uint64(d.flow.ID), 10)
		switch show {
		case stream.ClientOnly:
			name += "-client"
		case stream.ServerOnly:
			name += "-server"
		}
		v.u.saveFileDialog(name+".bin", nil, func(path string) { v.saveTo(path, show) }).Show()
	}, v.u.win)
}

// saveTo writes the chosen directions' bytes, as read so far, to path.
func (v *followView) saveTo(path string, show stream.Show) {
	d, runs, done := v.data, v.snap.runs, v.snap.done
	if d == nil {
		return
	}
	v.u.status.setMessage("Saving the stream to " + path + "…")
	d.stopped.Add(1) // keep the file until the copy is done
	v.u.background(func() func() {
		n, err := writeRuns(path, d.file, runs, show)
		d.stopped.Done()
		return func() {
			if err != nil {
				v.u.showError(err)
				return
			}
			msg := fmt.Sprintf("Saved %s of stream %d to %s.", plural(int(n), "byte", "bytes"), d.flow.ID, path)
			if !done {
				msg += " The stream was still being read: that is what had been read."
			}
			v.u.status.setMessage(msg)
		}
	})
}

// writeRuns copies the bytes of the runs of the shown directions from
// src to a new file at path.
func writeRuns(path string, src io.ReaderAt, runs []run, show stream.Show) (int64, error) {
	f, err := os.Create(path)
	if err != nil {
		return 0, fmt.Errorf("save the stream: %w", err)
	}
	w := bufio.NewWriterSize(f, 256<<10)
	var total int64
	for i := range runs {
		r := &runs[i]
		if r.mark != "" || r.n == 0 || !showsDir(show, r.dir) {
			continue
		}
		n, err := io.Copy(w, io.NewSectionReader(src, r.off, r.n))
		total += n
		if err != nil {
			f.Close()
			return total, fmt.Errorf("save the stream to %s: %w", path, err)
		}
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return total, fmt.Errorf("save the stream to %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return total, fmt.Errorf("save the stream to %s: %w", path, err)
	}
	return total, nil
}
