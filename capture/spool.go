package capture

import (
	"fmt"
	"io"
	"os"
	"sync/atomic"
)

// spoolTee copies every byte it reads into the spool before handing it on,
// so a packet the reader delivers is already in the spool file and the
// Store can re-read it while the stream is still arriving.
type spoolTee struct {
	r io.Reader
	w *os.File
}

func (t *spoolTee) Read(p []byte) (int, error) {
	n, err := t.r.Read(p)
	if n > 0 {
		if _, werr := t.w.Write(p[:n]); werr != nil {
			return 0, fmt.Errorf("write spool %q: %w", t.w.Name(), werr)
		}
	}
	return n, err
}

// countingReader counts the compressed bytes read so far, for progress.
type countingReader struct {
	r io.Reader
	n atomic.Int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n.Add(int64(n))
	return n, err
}

// newSpool creates the spool file in dir and a Store reading it.
func newSpool(dir, name string) (*os.File, *Store, *spoolFile, error) {
	if dir == "" {
		dir = os.TempDir()
	}
	w, err := os.CreateTemp(dir, "thingsniff-spool-*.pcap")
	if err != nil {
		return nil, nil, nil, fmt.Errorf("create spool for %q in %q: %w", name, dir, err)
	}
	sp := &spoolFile{path: w.Name(), refs: 2}
	st, err := openStore(w.Name(), sp)
	if err != nil {
		w.Close()
		os.Remove(w.Name())
		return nil, nil, nil, err
	}
	return w, st, sp, nil
}
