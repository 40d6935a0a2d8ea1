package stream

// The program reads none of these; the tests use them to check the
// reassembler's counters and caps.

// Stats is the per-direction summary of a reassembler, indexed by Dir.
type Stats [2]DirStats

// Used reports the bytes currently reserved.
func (b *Budget) Used() int64 { return b.used.Load() }

// Limit reports the cap.
func (b *Budget) Limit() int64 { return b.limit }

// Stats returns the counters so far.
func (r *Reassembler) Stats() Stats {
	return Stats{r.half[0].stats, r.half[1].stats}
}

// Buffered reports the bytes (with overhead) held for out-of-order data.
func (r *Reassembler) Buffered() int64 { return r.buffered }

// Len is the number of stream bytes the chunk covers.
func (c *Chunk) Len() int64 {
	if c.Data != nil {
		return int64(len(c.Data))
	}
	return c.Gap
}
