package capture

import (
	"compress/flate"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
)

// cursorBuf is a cursor's read buffer: records are read into it a
// buffer at a time and handed out where they lie. Reading into one small
// buffer that stays in the processor's cache costs a fraction of what
// touching the file through a memory mapping costs (measured on the 1M
// mix: 45-55 ms against 125 ms to walk every record).
const cursorBuf = 256 << 10

// Cursor reads the records of a Capture in file order, with a buffer of
// its own. Any goroutine may open one (Capture.Cursor, or a Piece's for
// a parallel read) and move it by itself; a Cursor itself belongs to one
// goroutine. A file cut short or damaged ends a cursor with a
// *TruncatedError after every packet before the damage.
type Cursor struct {
	c   *Capture
	st  state
	buf []byte
	// The buffer holds bufLen bytes of the file from bufOff.
	bufOff int64
	bufLen int
	pos    int64 // where the next record begins
	// end is a piece's end: a record that begins there or later is the
	// next piece's (-1: read to the end of the capture).
	end   int64
	first int64 // where the first record this cursor read begins
	// startLayout is the file's layout (state.layout) where the cursor
	// began.
	startLayout int
	// guessedTime is set when a simple packet block took its time from
	// before the piece this cursor reads (see Piece).
	guessedTime bool
	sawPacket   bool
	packets     int
	err         error // sticky: once Next fails it keeps failing the same way
	// props gathers what the file says of itself (Capture.Properties);
	// nil for every other cursor.
	props *Properties
}

// Next returns the next packet. It returns io.EOF at a clean end (a
// piece's cursor: at the piece's end), ErrPending when a growing capture
// has not delivered the next record yet (then wait and call again), and
// a *TruncatedError when the data ends or breaks inside a record; every
// packet before that was delivered. Frame.Data is valid until the next
// call.
func (r *Cursor) Next() (Frame, error) {
	if r.err != nil {
		return Frame{}, r.err
	}
	var f Frame
	var err error
	if r.st.ng {
		f, err = r.nextBlock()
	} else {
		f, err = r.nextPcap()
	}
	if err != nil {
		if err != ErrPending {
			r.err = err
		}
		return Frame{}, err
	}
	r.packets++
	return f, nil
}

// NextWait is Next, but waits for a growing capture's next record rather
// than return ErrPending; it returns ctx's error when ctx ends first.
func (r *Cursor) NextWait(ctx context.Context) (Frame, error) {
	for {
		f, err := r.Next()
		if err != ErrPending {
			return f, err
		}
		if err := r.Await(ctx); err != nil {
			return Frame{}, err
		}
	}
}

// Await waits until a growing capture has delivered more bytes, or ended,
// or ctx is done; it returns ctx's error then.
func (r *Cursor) Await(ctx context.Context) error {
	select {
	case <-r.Arrived():
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Arrived returns a channel that is closed once a growing capture holds
// more than this cursor has read (or has ended): what to wait on after
// ErrPending. Bytes that came between the cursor's last read and the
// call are not missed: the channel is then closed already.
func (r *Cursor) Arrived() <-chan struct{} {
	return r.c.arrivedPast(r.bufOff + int64(r.bufLen))
}

// Interfaces lists the interfaces this cursor has met so far;
// Frame.Iface indexes it. pcapng interfaces of all sections are numbered
// in the order they appear.
func (r *Cursor) Interfaces() []Interface { return r.st.ifaces }

// Packets is the number of packets this cursor has delivered.
func (r *Cursor) Packets() int { return r.packets }

// Offset is where the next record begins: after the last one read.
func (r *Cursor) Offset() int64 { return r.pos }

// peek returns the next n bytes from pos without consuming them. With
// fewer available it returns those and why: io.EOF at the end of the
// capture, ErrPending where a growing one has not delivered more yet,
// or the error that ended its stream.
func (r *Cursor) peek(n int) ([]byte, error) {
	if off := int(r.pos - r.bufOff); r.pos >= r.bufOff && off+n <= r.bufLen {
		return r.buf[off : off+n], nil
	}
	return r.fill(n)
}

// take consumes n bytes.
func (r *Cursor) take(n int) ([]byte, error) {
	b, err := r.peek(n)
	if err != nil {
		return b, err
	}
	r.pos += int64(n)
	return b, nil
}

// fill reads from pos on until at least n bytes are in the buffer, a
// buffer's worth at a time. A record larger than the buffer gets a
// buffer of its own size, given up again at the next fill.
func (r *Cursor) fill(n int) ([]byte, error) {
	keep := 0
	if off := r.pos - r.bufOff; off >= 0 && off < int64(r.bufLen) {
		keep = r.bufLen - int(off)
		copy(r.buf, r.buf[off:r.bufLen])
	}
	size := max(n, cursorBuf)
	if left := r.c.size - r.pos; r.c.spool == nil && left < int64(size) {
		size = max(n, int(left)) // a small file needs no bigger buffer
	}
	if cap(r.buf) < size || cap(r.buf) > cursorBuf && n <= cursorBuf {
		grown := make([]byte, size)
		copy(grown, r.buf[:keep])
		r.buf = grown
	}
	r.buf = r.buf[:cap(r.buf)]
	r.bufOff, r.bufLen = r.pos, keep
	for r.bufLen < n {
		m, err := r.c.readAt(r.buf[r.bufLen:], r.bufOff+int64(r.bufLen))
		r.bufLen += m
		if r.bufLen >= n {
			break
		}
		if err != nil {
			return r.buf[:r.bufLen], err
		}
		if m == 0 {
			return r.buf[:r.bufLen], io.ErrNoProgress
		}
	}
	return r.buf[:n], nil
}

// cut turns a short read inside a record into the error Next returns:
// running out of data or damaged compressed data is a TruncatedError,
// a growing capture that has not delivered the rest yet is ErrPending
// (nothing consumed), anything else (a disk error, a full spool disk) is
// passed on wrapped.
func (r *Cursor) cut(start int64, got, want int, what string, err error) error {
	var corrupt flate.CorruptInputError
	switch {
	case err == ErrPending:
		r.pos = start
		return ErrPending
	case err == nil || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF):
		if got == 0 && r.c.gz && errors.Is(err, io.ErrUnexpectedEOF) {
			return r.corrupt(start, "the compressed data ends early")
		}
		return r.corrupt(start, fmt.Sprintf("%s cut short (%d of %d bytes)", what, got, want))
	case errors.Is(err, gzip.ErrChecksum), errors.Is(err, gzip.ErrHeader), errors.As(err, &corrupt):
		return r.corrupt(start, "damaged compressed data: "+err.Error())
	}
	return fmt.Errorf("read %s at byte %d of capture %q: %w", what, start, r.c.name, err)
}

func (r *Cursor) corrupt(start int64, reason string) error {
	return &TruncatedError{Offset: start, Packets: r.packets, Reason: reason}
}
