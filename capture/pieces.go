package capture

import "io"

// Piece is a byte range of a capture file that a cursor of its own reads,
// so that several goroutines read one file at once. A piece's cursor
// starts at the first record that begins in its range (found by looking
// for a run of plausible records) and reads the records that begin in
// it; the last may end beyond. Where a piece begins is a guess, so
// whoever merges the pieces checks that each begins where the one before
// it ended, with the same interfaces (Mark.Continues), and reads a
// piece again from there (Capture.Resume) when it does not: the result
// is then exactly what one cursor reading the whole file gives.
type Piece struct {
	c          *Capture
	Start, End int64
}

// Pieces splits a capture into pieces of about size bytes. A growing
// capture (a stream) is not split: it is one piece that reads to its end.
func (c *Capture) Pieces(size int64) []Piece {
	if c.spool != nil || c.size <= c.leadAt+size || size <= 0 {
		return []Piece{{c: c, Start: c.leadAt, End: -1}}
	}
	var out []Piece
	for start := c.leadAt; start < c.size; start += size {
		end := start + size
		if end >= c.size {
			end = -1
		}
		out = append(out, Piece{c: c, Start: start, End: end})
	}
	return out
}

// syncChain is how many plausible records in a row make a piece's cursor
// believe it found where records begin.
const syncChain = 4

// Cursor opens the piece's cursor. The first piece begins where the
// file's first packet does; the others look for their first record.
func (p Piece) Cursor() *Cursor {
	r := &Cursor{}
	r.MoveTo(p)
	return r
}

// MoveTo makes r the cursor of piece p, keeping its buffer: a goroutine
// that reads piece after piece moves one cursor.
func (r *Cursor) MoveTo(p Piece) {
	*r = Cursor{c: p.c, st: p.c.lead.clone(), pos: p.Start, end: p.End, startLayout: p.c.lead.layout,
		buf: r.buf[:0], bufOff: 0, bufLen: 0}
	if p.Start > p.c.leadAt && !r.sync() {
		r.first = -1
		r.err = io.EOF // found nothing: whoever merges reads it again
		return
	}
	r.first = r.pos
}

// Mark is where a cursor began and stopped, with what it knew there: a
// value that another goroutine may keep after the cursor moved on.
type Mark struct {
	first, pos  int64
	st          state
	startLayout int
	guessedTime bool
	sawPacket   bool
}

// Mark returns where r stands now.
func (r *Cursor) Mark() Mark {
	return Mark{first: r.first, pos: r.pos, st: r.st.clone(), startLayout: r.startLayout, guessedTime: r.guessedTime, sawPacket: r.sawPacket}
}

// Offset is where the cursor stopped: after the last record it read.
func (m Mark) Offset() int64 { return m.pos }

// Interfaces lists the interfaces the cursor had met.
func (m Mark) Interfaces() []Interface { return m.st.ifaces }

// Continues reports whether m, a piece's cursor's mark, began exactly
// where prev stopped, with the same interfaces, and without taking a
// time from before its piece: then its packets are the ones a single
// cursor would have read there.
func (m Mark) Continues(prev Mark) bool {
	return m.first >= 0 && m.first == prev.pos && m.startLayout == prev.st.layout && !m.guessedTime
}

// Resume returns a cursor that reads on from where m stopped to end
// (-1: to the end of the capture), with what m knew: the piece after m,
// read again when its own cursor did not continue m.
func (c *Capture) Resume(m Mark, end int64) *Cursor {
	return &Cursor{c: c, st: m.st.clone(), pos: m.pos, first: m.pos, end: end, startLayout: m.st.layout, sawPacket: m.sawPacket}
}

// sync moves the cursor to the first offset in its piece where syncChain
// plausible records follow each other (or the last ones end exactly at
// the end of the file), and reports whether it found one. A piece in
// which no record seems to begin is read again by the merge from where
// the piece before it stopped, which costs nothing when a record that
// began before spans it.
func (r *Cursor) sync() bool {
	from, step := r.pos, int64(1)
	if r.st.ng {
		from, step = (from+3)&^3, 4 // pcapng blocks begin at multiples of 4
	}
	limit := r.c.size
	if r.end >= 0 {
		limit = min(limit, r.end)
	}
	for off := from; off < limit; off += step {
		if r.plausibleChain(off) {
			r.pos = off
			return true
		}
	}
	return false
}

// plausibleChain reports whether syncChain records that look sound
// follow each other from off.
func (r *Cursor) plausibleChain(off int64) bool {
	var lastSec uint32
	for i := 0; i < syncChain; i++ {
		next, sec, ok := r.plausibleAt(off)
		if !ok {
			return false
		}
		if !r.st.ng && i > 0 && absDiff(sec, lastSec) > 7*86400 {
			return false
		}
		lastSec = sec
		if next == r.c.size {
			return true // the file ends with a whole record
		}
		off = next
	}
	return true
}

// plausibleAt checks the record that would begin at off and returns where
// the next one would.
func (r *Cursor) plausibleAt(off int64) (next int64, sec uint32, ok bool) {
	st := &r.st
	if st.ng {
		h, err := r.peekAt(off, 8)
		if err != nil {
			return 0, 0, false
		}
		typ, n := st.order.Uint32(h), st.order.Uint32(h[4:])
		if !skippableBlock(typ) || n < 12 || n%4 != 0 || n > maxRecord {
			return 0, 0, false
		}
		b, err := r.peekAt(off, int(n))
		if err != nil || st.order.Uint32(b[n-4:]) != n {
			return 0, 0, false
		}
		if typ == blockEPB && (n < 32 || st.order.Uint32(b[8:]) >= uint32(len(st.secIfaces)) || st.order.Uint32(b[20:]) > n-32) {
			return 0, 0, false
		}
		return off + int64(n), 0, true
	}
	h, err := r.peekAt(off, st.recHdr)
	if err != nil {
		return 0, 0, false
	}
	sec, frac, incl, orig := st.order.Uint32(h), st.order.Uint32(h[4:]), st.order.Uint32(h[8:]), st.order.Uint32(h[12:])
	fracMax := uint32(1_000_000)
	if st.fracMul == 1 {
		fracMax = 1_000_000_000
	}
	if incl > st.maxCap || incl > orig || orig > maxRecord || frac >= fracMax {
		return 0, 0, false
	}
	next = off + int64(st.recHdr) + int64(incl)
	if next > r.c.size {
		return 0, 0, false
	}
	return next, sec, true
}

// skippableBlock reports whether typ is a block type that may stand in
// the middle of a section: packets, interface statistics, name
// resolution, decryption secrets, journal entries and custom blocks. A
// section or interface block changes what follows, so a piece never
// starts at one (the merge reads on from the piece before instead).
func skippableBlock(typ uint32) bool {
	switch typ {
	case blockEPB, blockSPB, blockPB, 4, 5, 9, 10, 0xbad, 0x40000bad:
		return true
	}
	return false
}

// peekAt returns n bytes at off, reading them into the buffer when they
// are not there.
func (r *Cursor) peekAt(off int64, n int) ([]byte, error) {
	if o := off - r.bufOff; off >= r.bufOff && int(o)+n <= r.bufLen {
		return r.buf[o : int(o)+n], nil
	}
	r.pos = off
	b, err := r.fill(n)
	if err == nil && len(b) < n {
		err = io.ErrUnexpectedEOF
	}
	return b, err
}

func absDiff(a, b uint32) uint32 {
	if a > b {
		return a - b
	}
	return b - a
}
