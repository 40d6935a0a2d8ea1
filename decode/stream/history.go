package stream

// history keeps the last bytes delivered in one direction so that a later
// retransmission can be checked for different content. It grows on demand
// up to max bytes (a power of two), so short flows stay small.
type history struct {
	buf []byte
	max int
	end int64 // stream offset just after the newest byte kept
	n   int   // bytes kept, ending at end
}

const minHistory = 4 << 10

// write records p as the bytes at stream offset off.
func (g *history) write(off int64, p []byte) {
	if off != g.end {
		g.n, g.end = 0, off
	}
	if g.max <= 0 || len(p) == 0 {
		g.end += int64(len(p))
		return
	}
	if len(g.buf) < g.max && g.n+len(p) > len(g.buf) {
		g.grow(g.n + len(p))
	}
	l := len(g.buf)
	if len(p) > l {
		off += int64(len(p) - l)
		p = p[len(p)-l:]
	}
	at := int(off & int64(l-1))
	k := copy(g.buf[at:], p)
	copy(g.buf, p[k:])
	g.end = off + int64(len(p))
	g.n = min(g.n+len(p), l)
}

func (g *history) grow(need int) {
	l := max(len(g.buf), minHistory)
	for l < need && l < g.max {
		l *= 2
	}
	l = min(l, g.max)
	nb := make([]byte, l)
	keep := min(g.n, l)
	for i := g.end - int64(keep); i < g.end; {
		// Copy the longest run that is contiguous in both buffers.
		oi := int(i & int64(len(g.buf)-1))
		ni := int(i & int64(l-1))
		run := min(int(g.end-i), len(g.buf)-oi, l-ni)
		copy(nb[ni:ni+run], g.buf[oi:oi+run])
		i += int64(run)
	}
	g.buf, g.n = nb, keep
}

// matches reports whether p, claimed to be the bytes at off, agrees with
// the bytes kept. Bytes no longer kept count as agreeing: they cannot be
// checked.
func (g *history) matches(off int64, p []byte) bool {
	lo := max(off, g.end-int64(g.n))
	hi := min(off+int64(len(p)), g.end)
	if lo >= hi {
		return true
	}
	l := int64(len(g.buf))
	for i := lo; i < hi; {
		bi := int(i & (l - 1))
		run := min(int(hi-i), len(g.buf)-bi)
		a := g.buf[bi : bi+run]
		b := p[i-off : i-off+int64(run)]
		if string(a) != string(b) {
			return false
		}
		i += int64(run)
	}
	return true
}
