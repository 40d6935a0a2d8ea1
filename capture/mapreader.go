//go:build linux

package capture

import (
	"io"
	"os"
	"sync"
	"sync/atomic"
	"syscall"
)

// mapWindow is how much of a mapped file one loan covers, and the step in
// which pages behind the reader are given back (a multiple of the 2 MB
// huge page, so that windows hold whole ones).
const mapWindow = 4 << 20

// mapReader reads a regular file through a read-only memory mapping.
// Records are handed out where they lie in the page cache, so nothing is
// copied and only the bytes a decoder touches are read at all, and a
// payload is lent without holding back a read buffer. Lent bytes stay
// valid until returned: the mapping goes only once the reader is closed
// and every loan is back. The windows the reader has passed, and nobody
// borrows, are unmapped as it goes, so that the process does not keep the
// whole file resident.
type mapReader struct {
	data     []byte
	pos      int
	windows  []*Slab
	released int   // windows below this were given back, or wait in pending
	pending  []int // windows passed while lent
	loans    atomic.Int64
	closed   atomic.Bool
	unmap    sync.Once
}

// newMapReader maps f, which is size bytes long, or returns nil when the
// system will not map it: then the caller reads the file instead.
func newMapReader(f *os.File, size int64) *mapReader {
	if size <= 0 || int64(int(size)) != size {
		return nil
	}
	data, err := syscall.Mmap(int(f.Fd()), 0, int(size), syscall.PROT_READ, syscall.MAP_SHARED)
	if err != nil {
		return nil
	}
	// Advice only: a kernel that ignores it still reads the file right.
	// Huge pages, where the page cache holds the file so, cost one fault
	// and one unmapping per 2 MB instead of per 4 kB: on a 900 MB capture
	// that is more than the copy reading would cost.
	_ = syscall.Madvise(data, syscall.MADV_SEQUENTIAL)
	_ = syscall.Madvise(data, syscall.MADV_HUGEPAGE)
	m := &mapReader{data: data}
	for off := 0; off < len(data); off += mapWindow {
		end := min(off+mapWindow, len(data))
		m.windows = append(m.windows, &Slab{buf: data[off:end:end], owner: m})
	}
	return m
}

// Peek returns the next n bytes; fewer, with io.EOF, at the end of the file.
func (m *mapReader) Peek(n int) ([]byte, error) {
	if n > len(m.data)-m.pos {
		return m.data[m.pos:], io.EOF
	}
	return m.data[m.pos : m.pos+n], nil
}

// Discard skips n bytes, and gives back the windows left behind.
func (m *mapReader) Discard(n int) {
	m.pos += min(n, len(m.data)-m.pos)
	// The window before the current one stays: the record being decoded
	// may begin there, and touching a page given back maps it (its whole
	// huge page) again.
	if w := m.pos/mapWindow - 1; w > m.released {
		m.release(w)
	}
}

// Read copies the next bytes into p (records larger than a window).
func (m *mapReader) Read(p []byte) (int, error) {
	if m.pos >= len(m.data) {
		return 0, io.EOF
	}
	n := copy(p, m.data[m.pos:])
	m.Discard(n)
	return n, nil
}

// release gives back the pages of the windows below upTo that nobody
// borrows; lent ones wait until a later call finds them returned.
func (m *mapReader) release(upTo int) {
	keep := m.pending[:0]
	for _, w := range m.pending {
		if !m.drop(w) {
			keep = append(keep, w)
		}
	}
	m.pending = keep
	for ; m.released < upTo; m.released++ {
		if !m.drop(m.released) {
			m.pending = append(m.pending, m.released)
		}
	}
}

// drop unmaps the pages of window w unless they are lent. The file's
// bytes stay in the page cache; only this process's hold on them goes.
func (m *mapReader) drop(w int) bool {
	s := m.windows[w]
	if s.loans.Load() != 0 {
		return false
	}
	_ = syscall.Madvise(s.buf, syscall.MADV_DONTNEED) // advice: on failure the pages just stay
	return true
}

// lend puts a loan on the window b lies in; nil when b is not in the
// mapping or straddles two windows (then the borrower copies it).
func (m *mapReader) lend(b []byte) *Slab {
	if !within(b, m.data) {
		return nil
	}
	s := m.windows[int(uintptrOf(b)-uintptrOf(m.data))/mapWindow]
	if !within(b, s.buf) {
		return nil
	}
	m.loans.Add(1)
	s.loans.Add(1)
	return s
}

// returned is called by a window's Return.
func (m *mapReader) returned() {
	if m.loans.Add(-1) == 0 && m.closed.Load() {
		m.unmap.Do(m.munmap)
	}
}

// close removes the mapping now, or when the last loan comes back.
func (m *mapReader) close() {
	m.closed.Store(true)
	if m.loans.Load() == 0 {
		m.unmap.Do(m.munmap)
	}
}

func (m *mapReader) munmap() { _ = syscall.Munmap(m.data) }
