package capture

import (
	"errors"
	"io"
	"sync/atomic"
	"unsafe"
)

// slabReader is a read-ahead buffer with bufio.Reader's Peek, Discard
// and Read, whose bytes can be lent out (Capture.Lend). A slab with loans
// outstanding is never overwritten: the reader moves on to another one
// and takes the lent one back once every loan is returned. So a packet's
// bytes may outlive the next call to Capture.Next for whoever borrows
// them, and the device timelines read payloads where they lie instead of
// copying them to their goroutine.
type slabReader struct {
	r        io.Reader
	cur      *Slab
	pos, end int // unread bytes are cur.buf[pos:end]
	err      error
	retired  []*Slab // slabs left behind with loans, reused once returned
}

// Slab is one read buffer of a capture, lent out by Capture.Lend.
type Slab struct {
	buf   []byte
	loans atomic.Int32
	owner *mapReader // a window of a mapped file, else nil
}

// Holds reports whether b lies in the slab.
func (s *Slab) Holds(b []byte) bool { return within(b, s.buf) }

// Return gives a loan back; the slab may be read into again once all
// its loans are returned. It may be called from any goroutine.
func (s *Slab) Return() {
	if s.loans.Add(-1) < 0 {
		panic("capture: slab returned more often than lent")
	}
	if s.owner != nil {
		s.owner.returned()
	}
}

// within reports whether b lies inside buf's memory. Heap memory does not
// move, so comparing addresses is sound.
func within(b, buf []byte) bool {
	if len(b) == 0 || cap(buf) == 0 {
		return false
	}
	p, start := uintptrOf(b), uintptrOf(buf)
	return p >= start && p+uintptr(len(b)) <= start+uintptr(cap(buf))
}

func newSlabReader(r io.Reader, size int) *slabReader {
	return &slabReader{r: r, cur: &Slab{buf: make([]byte, size)}}
}

// lend puts a loan on the current slab when b lies in it.
func (s *slabReader) lend(b []byte) *Slab {
	if !within(b, s.cur.buf) {
		return nil
	}
	s.cur.loans.Add(1)
	return s.cur
}

// Peek returns the next n bytes without consuming them. With fewer
// available it returns those and the error that cut them short (which,
// as with bufio, is not kept: the next call reads again).
func (s *slabReader) Peek(n int) ([]byte, error) {
	if n > len(s.cur.buf) {
		return nil, errors.New("capture: peek larger than the read buffer")
	}
	empty := 0
	for s.end-s.pos < n && s.err == nil {
		if len(s.cur.buf)-s.pos < n {
			s.makeRoom()
		}
		m, err := s.r.Read(s.cur.buf[s.end:])
		s.end += m
		s.err = err
		if m == 0 && err == nil {
			if empty++; empty >= 100 {
				s.err = io.ErrNoProgress
			}
		}
	}
	if s.end-s.pos < n {
		err := s.err
		s.err = nil
		return s.cur.buf[s.pos:s.end], err
	}
	return s.cur.buf[s.pos : s.pos+n], nil
}

// Discard skips n bytes that Peek returned.
func (s *slabReader) Discard(n int) {
	s.pos += min(n, s.end-s.pos)
}

// Read implements io.Reader for records too large for a slab.
func (s *slabReader) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	if s.pos == s.end {
		if _, err := s.Peek(1); err != nil && s.pos == s.end {
			return 0, err
		}
	}
	n := copy(p, s.cur.buf[s.pos:s.end])
	s.pos += n
	return n, nil
}

// makeRoom moves the unread bytes to the start of a slab: the current one
// when nothing is lent from it, else a free one.
func (s *slabReader) makeRoom() {
	next := s.cur
	if s.cur.loans.Load() != 0 {
		next = s.free()
		s.retired = append(s.retired, s.cur)
	}
	s.end = copy(next.buf, s.cur.buf[s.pos:s.end])
	s.pos, s.cur = 0, next
}

// free takes back a retired slab whose loans are all returned, or makes
// a new one.
func (s *slabReader) free() *Slab {
	for i, r := range s.retired {
		if r.loans.Load() == 0 {
			s.retired = append(s.retired[:i], s.retired[i+1:]...)
			return r
		}
	}
	return &Slab{buf: make([]byte, len(s.cur.buf))}
}

func uintptrOf(b []byte) uintptr { return uintptr(unsafe.Pointer(unsafe.SliceData(b))) }
