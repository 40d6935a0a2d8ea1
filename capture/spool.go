package capture

import (
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
	"sync/atomic"
)

// spool copies a stream (a pipe, standard input, the decompressed bytes
// of a gzip file) into a file as it arrives, on a goroutine of its own,
// so that cursors and ReadPacket read the capture where it lies while the
// stream goes on. It never parses records: cursors do.
type spool struct {
	w     *os.File
	src   io.Reader
	comp  *countingReader // the compressed bytes under a gzip stream, or nil
	named bool            // the file keeps its name while it is read (see OpenStream)
	dir   string

	mu     sync.Mutex
	size   int64 // bytes written so far
	done   bool  // the stream has ended
	err    error // why it ended early; nil at a clean end
	grew   chan struct{}
	closer io.Closer // the stream, closed by close
	keep   bool
	stop   atomic.Bool
	exited chan struct{}
}

// spoolChunk is how much the spool reads from its stream at a time.
const spoolChunk = 256 << 10

// startSpool makes c read from a new spool file, filled from src by a
// goroutine. In dir, the file keeps its name while it is read; with dir
// "", it is made in os.TempDir and unlinked at once, so that it goes with
// the process whatever ends it. closer, when set, is closed with the
// capture (the file src reads from).
func (c *Capture) startSpool(src io.Reader, comp *countingReader, closer io.Closer, dir string) error {
	named := dir != ""
	if !named {
		dir = os.TempDir()
	}
	w, err := os.CreateTemp(dir, spoolPattern)
	if err != nil {
		return fmt.Errorf("open capture %q: create spool in %q: %w", c.name, dir, err)
	}
	f, err := os.Open(w.Name())
	if err != nil {
		w.Close()
		os.Remove(w.Name())
		return fmt.Errorf("open capture %q: open spool %q: %w", c.name, w.Name(), err)
	}
	if !named {
		if err := os.Remove(w.Name()); err != nil {
			w.Close()
			f.Close()
			return fmt.Errorf("open capture %q: unlink spool %q: %w", c.name, w.Name(), err)
		}
	}
	sp := &spool{w: w, src: src, comp: comp, named: named, dir: dir, closer: closer,
		grew: make(chan struct{}), exited: make(chan struct{})}
	c.f, c.spool = f, sp
	go sp.run()
	return nil
}

// SpoolPattern is the name spools are created under (os.CreateTemp's
// pattern), so that spools left by a crash can be found again.
const SpoolPattern = spoolPattern

const spoolPattern = "thingsniff-spool-*.pcap"

func (sp *spool) run() {
	defer close(sp.exited)
	buf := make([]byte, spoolChunk)
	var unchecked int64 // bytes that may be written before the disk is looked at again
	for !sp.stop.Load() {
		n, err := sp.src.Read(buf)
		if n > 0 {
			if unchecked -= int64(n); unchecked < 0 {
				room, err := roomOnDisk(sp.dir, int64(n))
				if err != nil {
					sp.end(err)
					return
				}
				unchecked = min(room/2, diskCheckEvery)
			}
			if _, werr := sp.w.Write(buf[:n]); werr != nil {
				sp.end(fmt.Errorf("write spool %q: %w", sp.w.Name(), werr))
				return
			}
			sp.publish(int64(n))
		}
		if err == io.EOF {
			sp.end(nil)
			return
		}
		if err != nil {
			sp.end(err)
			return
		}
	}
	sp.end(errStopped)
}

// errStopped ends a spool that was closed before its stream ended.
var errStopped = errors.New("the capture was closed")

func (sp *spool) publish(n int64) {
	sp.mu.Lock()
	sp.size += n
	close(sp.grew)
	sp.grew = make(chan struct{})
	sp.mu.Unlock()
}

func (sp *spool) end(err error) {
	sp.mu.Lock()
	sp.done, sp.err = true, err
	close(sp.grew)
	sp.grew = make(chan struct{})
	sp.mu.Unlock()
}

// state reports how many bytes have arrived, whether that is all, and why
// the stream ended early.
func (sp *spool) state() (size int64, done bool, err error) {
	sp.mu.Lock()
	defer sp.mu.Unlock()
	return sp.size, sp.done, sp.err
}

func (sp *spool) finished() bool {
	_, done, _ := sp.state()
	return done
}

// arrived returns a channel closed at the next arrival or the end.
func (sp *spool) arrived() <-chan struct{} {
	sp.mu.Lock()
	defer sp.mu.Unlock()
	if sp.done {
		return closedChan
	}
	return sp.grew
}

func (sp *spool) compressedRead() int64 {
	if sp.comp == nil {
		return 0
	}
	return sp.comp.n.Load()
}

func (sp *spool) setCloser(c io.Closer) {
	sp.mu.Lock()
	sp.closer = c
	sp.mu.Unlock()
}

func (sp *spool) setKeep() {
	sp.mu.Lock()
	sp.keep = true
	sp.mu.Unlock()
}

// stopSource makes the goroutine stop after its current read, without
// closing the stream (a failed OpenStream leaves its stream open).
func (sp *spool) stopSource() { sp.stop.Store(true) }

// close stops the goroutine: the stream is closed (which ends a read that
// waits on a pipe) and the goroutine waited for, unless it waits on a
// stream that cannot be closed.
func (sp *spool) close() error {
	sp.stop.Store(true)
	sp.mu.Lock()
	closer := sp.closer
	sp.mu.Unlock()
	var err error
	if closer != nil {
		err = closer.Close()
		<-sp.exited
	} else if sp.finished() {
		<-sp.exited
	}
	if werr := sp.w.Close(); err == nil && werr != nil && !errors.Is(werr, os.ErrClosed) {
		err = werr
	}
	return err
}

// remove deletes the spool file unless it is to be kept, or has no name.
func (sp *spool) remove() error {
	sp.mu.Lock()
	keep := sp.keep
	sp.mu.Unlock()
	if keep || !sp.named {
		return nil
	}
	if err := os.Remove(sp.w.Name()); err != nil && !os.IsNotExist(err) {
		return fmt.Errorf("remove spool %q: %w", sp.w.Name(), err)
	}
	return nil
}

// diskCheckEvery is the most a spool writes between two looks at the
// room left on its disk; it looks more often as the room shrinks.
const diskCheckEvery = 32 << 20

// diskReserve is the share of a disk a spool leaves free: it stops with
// an error rather than fill the disk that the system and the user need.
const diskReserve = 0.05

// roomOnDisk returns how many bytes may still be written on the disk
// holding dir before it has less than diskReserve of it free, or an error
// when writing n bytes more would take that reserve (where the system
// cannot tell, as much as diskCheckEvery).
func roomOnDisk(dir string, n int64) (int64, error) {
	free, total, ok := diskSpace(dir)
	if !ok || total == 0 {
		return diskCheckEvery, nil
	}
	room := int64(free) - int64(diskReserve*float64(total))
	if room < n {
		return 0, &DiskFullError{Dir: dir, Free: free, Total: total}
	}
	return room - n, nil
}

// DiskFullError ends a spool that would have left its disk with less
// than 5% free.
type DiskFullError struct {
	Dir         string
	Free, Total uint64
}

func (e *DiskFullError) Error() string {
	return fmt.Sprintf("the spool stopped: the disk holding %s has only %.0f MB (%.1f%%) free; free some space or spool to another disk",
		e.Dir, float64(e.Free)/1e6, 100*float64(e.Free)/float64(e.Total))
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
