package app

import (
	"bufio"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"thingsniff/decode"
)

// rowColumns are the packet list's column titles, as Wireshark's CSV
// export heads them.
var rowColumns = []string{"No.", "Time", "Source", "Destination", "Protocol", "Length", "Info"}

// WriteRowText writes a packet-list row as one line of text, its columns
// aligned as `thingsniff packets` prints them, control bytes of Info
// escaped.
func WriteRowText(w io.Writer, r Row) error {
	_, err := fmt.Fprintf(w, "%6s %12s %-22s %-22s %-8s %5s %s\n", r.No, r.Time, r.Source, r.Destination, r.Protocol, r.Length, decode.Printable(r.Info))
	return err
}

// ExportRows writes the rows of a view of the packet list to path, as
// Wireshark's File → Export Packet Dissections does: CSV (a header row,
// then a row a packet) for a .csv name, aligned text otherwise. view is
// the packets in row order (nil: the first n packets), shown the same in
// capture order (nil for all), which the time since the packet shown
// before reads. progress, if set, hears how many rows are written every
// few thousand. ctx stops it, and nothing is left under path then. It
// formats on the calling goroutine, which must not be the UI's.
func (r *Rows) ExportRows(ctx context.Context, path string, view, shown []int, n int, progress func(done, total int)) error {
	n = min(n, r.l.Index.Len())
	total := n
	if view != nil {
		total = len(view)
	}
	asCSV := strings.EqualFold(filepath.Ext(path), ".csv")
	env := r.workerEnv(shown)
	f := newRowFormatter(r.l, &r.decoded)
	err := writeAtomically(path, func(bw *bufio.Writer) error {
		var cw *csv.Writer
		if asCSV {
			cw = csv.NewWriter(bw)
			if err := cw.Write(rowColumns); err != nil {
				return err
			}
		}
		for k := range total {
			if k&4095 == 0 {
				if err := ctx.Err(); err != nil {
					return err
				}
				if progress != nil {
					progress(k, total)
				}
			}
			i := k
			if view != nil {
				i = view[k]
			}
			row := safeRow(f, i, env)
			var err error
			if asCSV {
				err = cw.Write([]string{row.No, row.Time, row.Source, row.Destination, row.Protocol, row.Length, row.Info})
			} else {
				err = WriteRowText(bw, row)
			}
			if err != nil {
				return err
			}
		}
		if cw != nil {
			cw.Flush()
			return cw.Error()
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("export the packet list to %s: %w", path, err)
	}
	return nil
}
