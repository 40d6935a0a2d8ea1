package capture

import (
	"math"
	"math/bits"
)

// tsConv converts one interface's pcapng timestamps to Unix nanoseconds.
// With mul set a timestamp is units*mul; otherwise units per second is div.
type tsConv struct {
	mul    uint64
	div    uint64
	offset int64 // if_tsoffset, seconds
}

// resolution decodes if_tsresol: 10^-n seconds, or 2^-n with the top bit.
func resolution(v byte) tsConv {
	n := uint(v & 0x7f)
	if v&0x80 != 0 {
		if n >= 64 {
			return tsConv{mul: 1000}
		}
		return tsConv{div: 1 << n}
	}
	switch {
	case n <= 9:
		m := uint64(1)
		for range 9 - n {
			m *= 10
		}
		return tsConv{mul: m}
	case n <= 19:
		d := uint64(1)
		for range n {
			d *= 10
		}
		return tsConv{div: d}
	}
	return tsConv{mul: 1000}
}

// ns converts a raw timestamp. Times past the year 2262 (the end of int64
// nanoseconds) saturate rather than wrap into the past.
func (t tsConv) ns(units uint64) int64 {
	var ns uint64
	if t.mul != 0 {
		hi, lo := bits.Mul64(units, t.mul)
		if hi != 0 || lo > math.MaxInt64 {
			return math.MaxInt64
		}
		ns = lo
	} else {
		sec, frac := units/t.div, units%t.div
		hi, lo := bits.Mul64(frac, 1e9)
		q, _ := bits.Div64(hi, lo, t.div)
		if sec >= math.MaxInt64/1_000_000_000 {
			return math.MaxInt64
		}
		ns = sec*1e9 + q
	}
	if t.offset == 0 {
		return int64(ns)
	}
	off := t.offset
	if off > math.MaxInt64/1_000_000_000 || off < math.MinInt64/1_000_000_000 {
		return math.MaxInt64
	}
	r := int64(ns) + off*1e9
	if off > 0 && r < int64(ns) {
		return math.MaxInt64
	}
	return r
}
