package stream

import "sync/atomic"

// Budget caps the bytes held by everything that shares it: the
// out-of-order bytes of reassemblers, the bodies HTTP conversations keep.
// It is safe for concurrent use.
type Budget struct {
	limit int64
	used  atomic.Int64
}

// NewBudget returns a budget of limit bytes (DefaultTotalBuffered when
// limit <= 0).
func NewBudget(limit int64) *Budget {
	if limit <= 0 {
		limit = DefaultTotalBuffered
	}
	return &Budget{limit: limit}
}

// Reserve takes n bytes from the budget and reports whether they were
// there; nothing is taken when they were not.
func (b *Budget) Reserve(n int64) bool {
	for {
		u := b.used.Load()
		if u+n > b.limit {
			return false
		}
		if b.used.CompareAndSwap(u, u+n) {
			return true
		}
	}
}

// Release gives back n bytes taken with Reserve.
func (b *Budget) Release(n int64) { b.used.Add(-n) }

// Available returns how many bytes are left.
func (b *Budget) Available() int64 { return max(b.limit-b.used.Load(), 0) }
