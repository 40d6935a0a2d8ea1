package capture

import (
	"bufio"
	"compress/flate"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"slices"
	"sync"
	"sync/atomic"
)

// byteSource is what records are read from: a mapped file, or a read
// buffer over a file or stream.
type byteSource interface {
	Peek(n int) ([]byte, error)
	Discard(n int)
	Read(p []byte) (int, error)
	lend(b []byte) *Slab
}

// readBufSize is the sequential read buffer of a file that is not mapped
// (compressed, a stream, or not on Linux). Records up to this size are
// handed out straight from it (no copy); larger ones go through Capture.big.
const readBufSize = 1 << 20

// Capture walks one capture file or stream record by record. Next,
// Interfaces and Close belong to the reading goroutine; Packets, Offset,
// Size and Store may be called from any goroutine.
type Capture struct {
	name   string
	format string
	br     byteSource
	mr     *mapReader // br, when the file is mapped (see Next)
	// lastByte is where nextMapped reads each record's last byte to.
	lastByte  byte
	lastStart int64 // where the record Next returned last begins (mapped files)
	pos       int64 // offset of the next unread byte in the Store's file
	size      int64

	file   io.Closer // what we read from, closed by Close
	gz     *gzip.Reader
	comp   *countingReader // compressed bytes read, nil unless gzip
	spoolW *os.File
	spool  *spoolFile
	store  *Store
	big    []byte
	err    error // sticky: once Next fails it keeps failing the same way

	packets atomic.Int64
	offset  atomic.Int64

	ng bool // pcapng, else pcap
	// pcap
	order    binary.ByteOrder
	recHdr   int
	fracMul  int64
	maxCap   uint32
	linkType uint32
	// pcapng
	ifaces    []Interface
	ifTime    []tsConv
	secIfaces []int // section-local interface number -> index in ifaces
	lastTime  int64

	closeOnce sync.Once
	closeErr  error
}

// Open opens a capture file by path, detecting pcap, pcapng and gzip from
// the first bytes, never from the extension. The file is read sequentially
// by Next; packet bytes are re-read later through Store.
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
		// A named pipe or a device (/dev/stdin) cannot be re-read: spool it.
		c, err := OpenStream(f, path, "")
		if err != nil {
			f.Close()
		}
		return c, err
	}
	c := &Capture{name: path, size: st.Size(), file: f}
	var magic [2]byte
	n, _ := f.ReadAt(magic[:], 0)
	if n == 0 {
		f.Close()
		return nil, fmt.Errorf("open capture %q: the file is empty", path)
	}
	if n == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		c.comp = &countingReader{r: f}
		gz, err := gzip.NewReader(c.comp)
		if err != nil {
			f.Close()
			return nil, fmt.Errorf("open capture %q: read gzip header: %w", path, err)
		}
		c.gz = gz
		if err := c.startSpool(gz, ""); err != nil {
			f.Close()
			return nil, err
		}
	} else {
		if c.mr = newMapReader(f, st.Size()); c.mr != nil {
			c.br = c.mr
		} else {
			c.br = newSlabReader(f, readBufSize)
		}
		if c.store, err = openStore(path, nil); err != nil {
			f.Close()
			return nil, fmt.Errorf("open capture %q: %w", path, err)
		}
	}
	if err := c.start(); err != nil {
		c.abort()
		return nil, err
	}
	return c, nil
}

// OpenStream reads a capture from r (standard input, a pipe from the live
// capture helper). Its bytes are spooled into a file in dir (os.TempDir
// when dir is "") as they are read, so packets can be re-read by offset
// while the stream is still arriving. name is what the user sees. If r is
// an io.Closer, Close closes it; when OpenStream fails, r stays open.
func OpenStream(r io.Reader, name, dir string) (*Capture, error) {
	c := &Capture{name: name, size: -1}
	raw := bufio.NewReaderSize(r, 64<<10)
	magic, err := raw.Peek(2)
	if len(magic) == 0 {
		if err == io.EOF {
			return nil, fmt.Errorf("open capture %q: the stream is empty", name)
		}
		return nil, fmt.Errorf("open capture %q: %w", name, err)
	}
	var src io.Reader = raw
	if len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		c.comp = &countingReader{r: raw}
		gz, err := gzip.NewReader(c.comp)
		if err != nil {
			return nil, fmt.Errorf("open capture %q: read gzip header: %w", name, err)
		}
		c.gz = gz
		src = gz
	}
	if err := c.startSpool(src, dir); err != nil {
		return nil, err
	}
	if err := c.start(); err != nil {
		c.abort()
		return nil, err
	}
	if rc, ok := r.(io.Closer); ok {
		c.file = rc // closing it stops a live helper's pipe
	}
	return c, nil
}

// startSpool makes the reader copy everything it decodes into a new spool.
func (c *Capture) startSpool(src io.Reader, dir string) error {
	w, st, sp, err := newSpool(dir, c.name)
	if err != nil {
		return fmt.Errorf("open capture %q: %w", c.name, err)
	}
	c.spoolW, c.store, c.spool = w, st, sp
	c.br = newSlabReader(&spoolTee{r: src, w: w}, readBufSize)
	return nil
}

// start reads the file header and picks the record reader.
func (c *Capture) start() error {
	b, err := c.br.Peek(4)
	if len(b) == 0 {
		if err == io.EOF {
			return fmt.Errorf("open capture %q: the file is empty", c.name)
		}
		return fmt.Errorf("open capture %q: %w", c.name, err)
	}
	if len(b) == 4 {
		if binary.LittleEndian.Uint32(b) == blockSHB {
			c.ng = true
			c.format = "pcapng"
			return c.startPcapng()
		}
		if order, nano, kuz, ok := pcapMagic(b); ok {
			return c.startPcap(order, nano, kuz)
		}
	}
	inside := ""
	if c.gz != nil {
		inside = " inside the gzip data"
	}
	return fmt.Errorf("open capture %q: not a pcap or pcapng file%s (starts with 0x%x)", c.name, inside, b)
}

func (c *Capture) gzipSuffix() string {
	if c.gz != nil {
		return ", gzip"
	}
	return ""
}

// Name is the path or stream name the capture was opened with.
func (c *Capture) Name() string { return c.name }

// Format describes the file format, e.g. "pcap (little-endian,
// microseconds)" or "pcapng, gzip".
func (c *Capture) Format() string { return c.format }

// Interfaces lists the interfaces seen so far; Frame.Iface indexes it.
// pcapng interfaces of all sections are numbered in the order they appear.
func (c *Capture) Interfaces() []Interface { return c.ifaces }

// Packets is the number of packets delivered so far.
func (c *Capture) Packets() int { return int(c.packets.Load()) }

// Offset is how far the reader got, in bytes of the file as it lies on
// disk: for a gzip file the compressed position, so it compares with Size.
func (c *Capture) Offset() int64 {
	if c.comp != nil {
		return c.comp.n.Load()
	}
	return c.offset.Load()
}

// Size is the size of the file on disk (compressed for gzip), or -1 for a
// stream.
func (c *Capture) Size() int64 { return c.size }

// Store re-reads packet bytes by Frame.Offset. It stays usable after the
// Capture is closed, until it is closed itself.
func (c *Capture) Store() *Store { return c.store }

// Lend keeps the memory of b, bytes of the packet Next returned last,
// valid (not read into again, not unmapped) until the returned slab's
// Return is called, so that they can be read on another goroutine without
// a copy. It returns nil when b does not lie in the read buffer or a
// single window of the mapped file (a record too large for it, or bytes
// from elsewhere). Call it from the reading goroutine.
func (c *Capture) Lend(b []byte) *Slab {
	if c.br == nil {
		return nil
	}
	return c.br.lend(b)
}

// SpoolPath is the spool holding the decompressed or streamed capture, or
// "" when packets are read from the user's own file.
func (c *Capture) SpoolPath() string {
	if c.spool == nil {
		return ""
	}
	return c.spool.path
}

// KeepSpool keeps the spool file on disk after Close (for a live capture
// the user may still save).
func (c *Capture) KeepSpool() {
	if c.spool != nil {
		c.spool.setKeep()
	}
}

// abort undoes a failed open: nobody got the Store, so close it too, and
// with it goes the spool.
func (c *Capture) abort() {
	c.Close()
	if c.store != nil {
		c.store.Close()
	}
}

// Close closes the reader. A spool is removed once the Store is closed
// too, unless KeepSpool was called. Calling Close twice is safe.
func (c *Capture) Close() error {
	c.closeOnce.Do(func() {
		var errs []error
		if c.gz != nil {
			errs = append(errs, c.gz.Close())
		}
		if c.mr != nil {
			c.mr.close()
		}
		if c.file != nil {
			errs = append(errs, c.file.Close())
		}
		if c.spoolW != nil {
			errs = append(errs, c.spoolW.Close())
		}
		if c.spool != nil {
			errs = append(errs, c.spool.release())
		}
		if err := errors.Join(errs...); err != nil {
			c.closeErr = fmt.Errorf("close capture %q: %w", c.name, err)
		}
	})
	return c.closeErr
}

// Next returns the next packet. It returns io.EOF at a clean end and a
// *TruncatedError when the data ends or breaks inside a record; every
// packet before that was delivered. Frame.Data is valid until the next
// call.
func (c *Capture) Next() (Frame, error) {
	if c.err != nil {
		return Frame{}, c.err
	}
	var f Frame
	var err error
	switch {
	case c.mr != nil:
		f, err = c.nextMapped()
	case c.ng:
		f, err = c.nextBlock()
	default:
		f, err = c.nextPcap()
	}
	c.offset.Store(c.pos)
	if err != nil {
		c.err = err
		return Frame{}, err
	}
	c.packets.Add(1)
	return f, nil
}

// nextMapped reads the next record of a mapped file. Touching a page the
// file lost since it was mapped (someone shortened it) is a memory fault:
// it becomes the error that ends the capture, after every packet before
// it, instead of a crash. The record's last byte is touched here so that
// its decoder finds it whole.
func (c *Capture) nextMapped() (f Frame, err error) {
	start := c.pos
	c.lastStart = start
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer func() {
		if r := recover(); r != nil {
			if !IsFault(r) {
				panic(r)
			}
			f, err = Frame{}, c.corrupt(start, shortened)
		}
	}()
	if c.ng {
		f, err = c.nextBlock()
	} else {
		f, err = c.nextPcap()
	}
	if len(f.Data) > 0 {
		c.lastByte = f.Data[len(f.Data)-1]
	}
	return f, err
}

const shortened = "the file became shorter while it was read"

// Shortened is the error that ends a capture whose file was found shorter
// (by a memory fault, see IsFault) while the packet Next returned last
// was decoded: that packet is lost with the rest.
func (c *Capture) Shortened() error {
	return &TruncatedError{Offset: c.lastStart, Packets: int(c.packets.Load()) - 1, Reason: shortened}
}

// IsFault reports whether r, a value recovered from a panic, is a memory
// fault: bytes of a mapped capture that its file no longer holds. A
// goroutine reading a capture's bytes after Next (a decoder, a borrower
// of a Lend) may turn such faults into panics with
// debug.SetPanicOnFault and recover them with this.
func IsFault(r any) bool {
	_, ok := r.(interface{ Addr() uintptr })
	return ok
}

// take consumes n bytes. From a mapped file, and up to readBufSize from
// a read buffer, they come straight from where they lie; beyond that
// they are copied into c.big. On a short read it
// returns what there was and the error, consuming nothing.
func (c *Capture) take(n int) ([]byte, error) {
	if n <= readBufSize || c.mr != nil {
		b, err := c.br.Peek(n)
		if err != nil {
			return b, err
		}
		c.br.Discard(n)
		c.pos += int64(n)
		return b, nil
	}
	// Grow as the bytes arrive: a damaged length must not allocate
	// megabytes for a record whose data is not there.
	b := c.big[:0]
	for len(b) < n {
		chunk := min(n-len(b), readBufSize)
		b = slices.Grow(b, chunk)
		m, err := io.ReadFull(c.br, b[len(b):len(b)+chunk])
		b = b[:len(b)+m]
		c.pos += int64(m)
		if err != nil {
			c.big = b[:0]
			return b, err
		}
	}
	c.big = b[:0]
	return b, nil
}

// cut turns a short read inside a record into the error Next returns:
// running out of data or damaged compressed data is a TruncatedError,
// anything else (a disk error, a full spool disk) is passed on wrapped.
func (c *Capture) cut(start int64, got, want int, what string, err error) error {
	var corrupt flate.CorruptInputError
	switch {
	case err == nil || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF):
		if got == 0 && c.gz != nil && errors.Is(err, io.ErrUnexpectedEOF) {
			return c.corrupt(start, "the compressed data ends early")
		}
		return c.corrupt(start, fmt.Sprintf("%s cut short (%d of %d bytes)", what, got, want))
	case errors.Is(err, gzip.ErrChecksum), errors.Is(err, gzip.ErrHeader), errors.As(err, &corrupt):
		return c.corrupt(start, "damaged compressed data: "+err.Error())
	}
	return fmt.Errorf("read %s at byte %d of capture %q: %w", what, start, c.name, err)
}

func (c *Capture) corrupt(start int64, reason string) error {
	return &TruncatedError{Offset: start, Packets: int(c.packets.Load()), Reason: reason}
}
