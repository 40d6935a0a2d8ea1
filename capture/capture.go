package capture

import (
	"bufio"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
)

// Capture is one capture opened for reading: a pcap or pcapng file read
// where it lies, or the spool that holds a gzip file's or a stream's
// bytes as they arrive. Any number of Cursors read it at once, each on
// its own goroutine, and ReadPacket re-reads a packet by offset from any
// goroutine. A Capture is not a reader itself: every reader opens a
// Cursor and moves it by itself.
type Capture struct {
	name   string
	format string
	f      *os.File // what cursors read: the user's file, or the spool
	size   int64    // on disk (compressed for gzip), -1 for a stream
	spool  *spool   // nil when the user's file is read in place
	gz     bool

	// start is the format's state after the file header, and at is
	// where the first record after it begins: where a Cursor starts.
	start state
	at    int64
	// lead is the state after the blocks that come before the first
	// packet (pcapng interfaces), and leadAt where that packet's block
	// begins: where the pieces of a parallel read start from.
	lead   state
	leadAt int64

	closeOnce sync.Once
	closeErr  error
}

// MaxSize is the biggest capture file Open reads: 256 TiB, the most a
// packet index entry can point into (decode.MaxStore).
const MaxSize = 1 << 48

// Open opens a capture file by path, detecting pcap, pcapng and gzip from
// the first bytes, never from the extension. A plain file is read where
// it lies; a gzip file is decompressed into a spool as it is read; a
// named pipe or device (/dev/stdin) is read as a stream.

func Open(path string) (*Capture, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open capture %q: %w", path, err)
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("open capture %q: %w", path, err)
	}
	if st.IsDir() {
		f.Close()
		return nil, fmt.Errorf("open capture %q: it is a folder, not a file", path)
	}
	if !st.Mode().IsRegular() {
		// A named pipe or a device cannot be re-read: spool it.
		c, err := OpenStream(f, path, "")
		if err != nil {
			f.Close()
		}
		return c, err
	}
	if st.Size() > MaxSize {
		f.Close()
		return nil, fmt.Errorf("open capture %q: it holds %d bytes, more than the %d thingsniff can point into", path, st.Size(), int64(MaxSize))
	}
	var magic [2]byte
	n, _ := f.ReadAt(magic[:], 0)
	if n == 0 {
		f.Close()
		return nil, fmt.Errorf("open capture %q: the file is empty", path)
	}
	if n == 2 && magic == [2]byte{0x1f, 0x8b} {
		comp := &countingReader{r: f}
		gz, err := gzip.NewReader(comp)
		if err != nil {
			f.Close()
			return nil, fmt.Errorf("open capture %q: read gzip header: %w", path, err)
		}
		c := &Capture{name: path, size: st.Size(), gz: true}
		if err := c.startSpool(gz, comp, f, ""); err != nil {
			f.Close()
			return nil, err
		}
		return c.readHead()
	}
	c := &Capture{name: path, size: st.Size(), f: f}
	return c.readHead()
}

// OpenStream reads a capture from r (standard input, a pipe from the live
// capture helper). Its bytes are copied into a spool file as they arrive,
// so that cursors and ReadPacket read them while the stream goes on; a
// cursor that reaches what has arrived so far says so (ErrPending)
// instead of waiting. In dir, the spool keeps its name (SpoolPattern)
// until Close, so that a capture cut short by a crash can be found again;
// with dir "", the spool is unlinked as soon as it is made and nothing is
// left behind however the process ends. A spool stops with a
// *DiskFullError before its disk has less than 5% free. name is what the
// user sees. If r is an io.Closer, Close closes it (which stops a live
// helper's pipe); when OpenStream fails, r stays open.
func OpenStream(r io.Reader, name, dir string) (*Capture, error) {
	c := &Capture{name: name, size: -1}
	br := bufio.NewReaderSize(r, 64<<10)
	magic, err := br.Peek(2)
	if len(magic) == 0 {
		if err == io.EOF {
			return nil, fmt.Errorf("open capture %q: the stream is empty", name)
		}
		return nil, fmt.Errorf("open capture %q: %w", name, err)
	}
	var src io.Reader = br
	var comp *countingReader
	if len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		comp = &countingReader{r: br}
		gz, err := gzip.NewReader(comp)
		if err != nil {
			return nil, fmt.Errorf("open capture %q: read gzip header: %w", name, err)
		}
		c.gz = true
		src = gz
	}
	if err := c.startSpool(src, comp, nil, dir); err != nil {
		return nil, err
	}
	if _, err := c.readHead(); err != nil {
		return nil, err
	}
	if rc, ok := r.(io.Closer); ok {
		c.spool.setCloser(rc) // closing it stops a live helper's pipe
	}
	return c, nil
}

// readHead reads the file header and the blocks before the first packet,
// so that Open fails on a file that only looks like a capture.
func (c *Capture) readHead() (*Capture, error) {
	r := &Cursor{c: c, end: -1}
	if err := r.readFileHeader(); err != nil {
		c.abort()
		return nil, err
	}
	c.start, c.at = r.st.clone(), r.pos
	r.readLeadingBlocks()
	c.lead, c.leadAt = r.st.clone(), r.pos
	return c, nil
}

// abort undoes a failed open.
func (c *Capture) abort() {
	if c.spool != nil {
		c.spool.stopSource()
	}
	c.Close()
}

// Cursor returns a new cursor at the first record. Each cursor reads by
// itself, with its own buffer; open one per goroutine.
func (c *Capture) Cursor() *Cursor {
	return &Cursor{c: c, st: c.start.clone(), pos: c.at, first: c.at, end: -1}
}

// Name is the path or stream name the capture was opened with.
func (c *Capture) Name() string { return c.name }

// Format describes the file format, e.g. "pcap (little-endian,
// microseconds)" or "pcapng, gzip".
func (c *Capture) Format() string { return c.format }

// Size is the size of the file on disk (compressed for gzip), or -1 for a
// stream.
func (c *Capture) Size() int64 { return c.size }

// Growing reports whether the capture's bytes still arrive: a stream, or
// a gzip file being decompressed, until its end has been spooled.
func (c *Capture) Growing() bool { return c.spool != nil && !c.spool.finished() }

// Progress turns a cursor's offset into how far the file on disk has been
// read: the offset itself for a plain file, the compressed bytes read so
// far for a gzip file, so that it compares with Size.
func (c *Capture) Progress(offset int64) int64 {
	if c.gz && c.spool != nil {
		return c.spool.compressedRead()
	}
	return offset
}

// Interfaces lists the interfaces the file describes before its first
// packet; a cursor knows those it has met since (Cursor.Interfaces).
func (c *Capture) Interfaces() []Interface { return c.lead.ifaces }

// ReadPacket reads caplen bytes at off (a Frame.Offset). It reuses buf
// when it is big enough, so a caller that keeps its buffer allocates only
// once. It is safe from any goroutine.
func (c *Capture) ReadPacket(off int64, caplen uint32, buf []byte) ([]byte, error) {
	n := int(caplen)
	if cap(buf) >= n {
		buf = buf[:n]
	} else {
		buf = make([]byte, n)
	}
	m, err := c.f.ReadAt(buf, off)
	if m == n {
		return buf, nil
	}
	return buf[:m], fmt.Errorf("read packet of %d bytes at byte %d of %q: %w", n, off, c.f.Name(), err)
}

// ReadAt makes a Capture an io.ReaderAt over the bytes cursors read (the
// decompressed ones of a gzip file), so that "Save" can copy a spool.
func (c *Capture) ReadAt(p []byte, off int64) (int, error) { return c.f.ReadAt(p, off) }

// Path is the file cursors read: the user's file, or the spool.
func (c *Capture) Path() string { return c.f.Name() }

// SpoolPath is the named spool holding the streamed capture, or "" when
// packets are read from the user's own file or from a spool without a
// name.
func (c *Capture) SpoolPath() string {
	if c.spool == nil || !c.spool.named {
		return ""
	}
	return c.f.Name()
}

// KeepSpool keeps a named spool file on disk after Close (for a live
// capture the user may still save, or recover after a crash).
func (c *Capture) KeepSpool() {
	if c.spool != nil {
		c.spool.setKeep()
	}
}

// Close stops spooling, closes the file and removes a spool unless
// KeepSpool was called. Cursors and ReadPacket fail afterwards. Calling
// Close twice is safe.
func (c *Capture) Close() error {
	c.closeOnce.Do(func() {
		var errs []error
		if c.spool != nil {
			errs = append(errs, c.spool.close())
		}
		if c.f != nil {
			errs = append(errs, c.f.Close())
		}
		if c.spool != nil {
			errs = append(errs, c.spool.remove())
		}
		if err := errors.Join(errs...); err != nil {
			c.closeErr = fmt.Errorf("close capture %q: %w", c.name, err)
		}
	})
	return c.closeErr
}

// readAt reads the bytes cursors read: up to what has arrived, for a
// spool. At the end of what has arrived it returns ErrPending while more
// may come, and at the end of the capture io.EOF, or the error that ended
// the stream early.
func (c *Capture) readAt(p []byte, off int64) (int, error) {
	if c.spool == nil {
		return c.f.ReadAt(p, off)
	}
	size, done, serr := c.spool.state()
	if off >= size {
		switch {
		case !done:
			return 0, ErrPending
		case serr != nil:
			return 0, serr
		}
		return 0, io.EOF
	}
	if int64(len(p)) > size-off {
		p = p[:size-off]
	}
	n, err := c.f.ReadAt(p, off)
	if err == io.EOF && n == len(p) {
		err = nil
	}
	return n, err
}

// arrivedPast returns a channel that is closed when a growing capture
// holds more than end bytes, or has ended; closed already when it does
// (and for a complete file). The channel is taken before the size is
// looked at, so an arrival between the two cannot be missed.
func (c *Capture) arrivedPast(end int64) <-chan struct{} {
	if c.spool == nil {
		return closedChan
	}
	ch := c.spool.arrived()
	if size, done, _ := c.spool.state(); done || size > end {
		return closedChan
	}
	return ch
}

var closedChan = func() chan struct{} { ch := make(chan struct{}); close(ch); return ch }()

// ErrPending is what a Cursor returns at the end of what a growing
// capture (a stream) has delivered so far: wait on Capture.Arrived (or
// Cursor.Await) and call Next again.
var ErrPending = errors.New("capture: the next record has not arrived yet")
