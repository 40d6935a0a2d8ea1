package device

import "sync/atomic"

// bodyHints say which payload bytes the builder will not read: the part
// of an HTTP body beyond what it keeps, which it only counts. The builder
// sets them on its own goroutine as it reads heads, and skips such bytes
// it is given; NeedsPayload reads them on the load goroutine, so that
// such packets need not be copied to it (see decode.Async). A hint that
// arrives late only means some bytes are copied that need not have been.
type bodyHints struct {
	// table holds, by flow ID and direction, the sequence numbers
	// from<<32 | to of the bytes not wanted. Only the builder stores or
	// grows it; a grown table is published whole.
	table atomic.Pointer[[]atomic.Uint64]
	_     [56]byte // a cache line of its own (see Builder.hints)
}

// set records that bytes [from, to) of direction d of flow id are not
// wanted. Call it on the builder's goroutine.
func (h *bodyHints) set(id uint32, d int, from, to uint32) {
	i := int(id)*2 + d
	t := h.table.Load()
	if t == nil || i >= len(*t) {
		n := 1024
		if t != nil {
			n = len(*t)
		}
		for n <= i {
			n *= 2
		}
		grown := make([]atomic.Uint64, n)
		if t != nil {
			for j := range *t {
				grown[j].Store((*t)[j].Load())
			}
		}
		h.table.Store(&grown)
		t = &grown
	}
	(*t)[i].Store(uint64(from)<<32 | uint64(to))
}

// markHTTP records that flow id is read as HTTP, with nothing unwanted
// yet (an empty window, which is not 0).
func (h *bodyHints) markHTTP(id uint32) {
	h.set(id, 0, 1, 1)
	h.set(id, 1, 1, 1)
}

// http reports whether flow id was marked as read as HTTP.
func (h *bodyHints) http(id uint32) bool {
	t := h.table.Load()
	i := int(id) * 2
	return t != nil && i < len(*t) && (*t)[i].Load() != 0
}

// end returns where the unwanted bytes of direction d of flow id end.
func (h *bodyHints) end(id uint32, d int) uint32 {
	t := h.table.Load()
	i := int(id)*2 + d
	if t == nil || i >= len(*t) {
		return 0
	}
	return uint32((*t)[i].Load())
}

// unwanted reports whether the n payload bytes at seq of direction d of
// flow id lie wholly in bytes the builder does not want.
func (h *bodyHints) unwanted(id uint32, d int, seq uint32, n int) bool {
	t := h.table.Load()
	i := int(id)*2 + d
	if t == nil || i >= len(*t) || n == 0 {
		return false
	}
	v := (*t)[i].Load()
	from, to := uint32(v>>32), uint32(v)
	// Serial-number arithmetic: the window may straddle the wrap at 2^32.
	return v != 0 && int32(to-from) > 0 && int32(seq-from) >= 0 && int32(to-(seq+uint32(n))) >= 0
}
