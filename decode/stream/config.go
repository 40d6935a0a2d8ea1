package stream

const (
	// DefaultMaxBuffered caps the out-of-order bytes one flow may buffer.
	DefaultMaxBuffered = 4 << 20
	// DefaultTotalBuffered is the cap of a Budget made with NewBudget(0).
	DefaultTotalBuffered = 64 << 20
	// DefaultMaxFragments caps the separate out-of-order pieces one flow
	// may buffer; it bounds the cost of keeping them sorted.
	DefaultMaxFragments = 4096
	// DefaultHistory is how many delivered bytes per direction are kept to
	// detect retransmissions with different content.
	DefaultHistory = 64 << 10

	// fragOverhead is what one buffered fragment costs beyond its bytes,
	// charged so that a flood of one-byte fragments is capped too.
	fragOverhead = 64
)

// Config sets the limits of a Reassembler. The zero value uses the
// defaults and no shared budget.
type Config struct {
	// MaxBuffered caps the out-of-order bytes buffered by this flow (both
	// directions, with a per-fragment overhead); 0 means
	// DefaultMaxBuffered.
	MaxBuffered int64
	// MaxFragments caps the buffered pieces; 0 means DefaultMaxFragments.
	MaxFragments int
	// History is the number of delivered bytes kept per direction to flag
	// conflicting retransmissions; 0 means DefaultHistory, < 0 disables
	// the check. It is rounded up to a power of two.
	History int
	// Budget, when set, caps the buffered bytes across every reassembler
	// sharing it.
	Budget *Budget
}

func (c Config) withDefaults() Config {
	if c.MaxBuffered <= 0 {
		c.MaxBuffered = DefaultMaxBuffered
	}
	if c.MaxFragments <= 0 {
		c.MaxFragments = DefaultMaxFragments
	}
	switch {
	case c.History == 0:
		c.History = DefaultHistory
	case c.History < 0:
		c.History = 0
	default:
		p := minHistory
		for p < c.History {
			p *= 2
		}
		c.History = p
	}
	return c
}
