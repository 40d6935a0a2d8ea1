package stream

import (
	"errors"
	"fmt"
	"sort"
)

// ErrClosed is returned by Add after Close.
var ErrClosed = errors.New("reassembler closed")

// frag is one buffered out-of-order segment. Fragments may overlap; a
// direction keeps them sorted by offset, then by arrival.
type frag struct {
	off     int64
	data    []byte
	skip    int64 // the length of a skipped segment (Segment.Skip), whose data is nil
	pkt     uint64
	arrival uint64
}

func (f *frag) size() int64 {
	if f.data == nil {
		return f.skip
	}
	return int64(len(f.data))
}

// half is the state of one direction.
type half struct {
	started bool
	base    uint32 // sequence number of offset 0
	next    int64  // offset of the next byte to deliver
	finOff  int64
	finSent bool
	truncAt int64 // where the last segment cut by the snap length ended; -1 if none
	frags   []frag
	hist    history
	stats   DirStats
}

// offset maps a sequence number to a stream offset, nearest to next in
// serial-number arithmetic (RFC 1982), which takes care of the wrap at 2^32.
func (h *half) offset(seq uint32) int64 {
	return h.next + int64(int32(seq-(h.base+uint32(h.next))))
}

// Reassembler rebuilds the two byte streams of one TCP flow from its
// segments in capture order and hands them to an Emit callback.
//
// Rules, chosen to match tshark's "follow tcp" byte for byte: the first
// sequence number seen (plus one after a SYN) starts a direction; bytes
// already delivered are dropped (the delivered copy wins, and a differing
// copy is flagged as a conflict); a segment that starts at the next
// expected byte is delivered whole; a segment beyond it is buffered as is.
// When the stream reaches buffered segments, the earliest-arrived of those
// starting at or before the next byte goes first, trimmed to what is new.
// A hole is skipped as a gap once the other side acknowledges past it.
//
// Where it differs from tshark, on purpose: data still buffered at Close is
// delivered after a gap instead of being dropped, a FIN beyond the last
// byte closes with a gap up to it, a hole left by a segment cut short by
// the snap length is marked Truncated, and the memory caps of Config give
// up the oldest hole as a gap marked GivenUp.
//
// A Reassembler is not safe for concurrent use.
type Reassembler struct {
	cfg      Config
	emit     Emit
	half     [2]half
	buffered int64
	arrivals uint64
	err      error
	closed   bool
}

// NewReassembler returns a reassembler that hands its output to emit.
func NewReassembler(cfg Config, emit Emit) *Reassembler {
	r := &Reassembler{cfg: cfg.withDefaults(), emit: emit}
	for d := range r.half {
		r.half[d].hist.max = r.cfg.History
		r.half[d].truncAt = -1
	}
	return r
}

// Base returns the sequence number of direction d's stream offset 0, and
// whether that direction has started.
func (r *Reassembler) Base(d Dir) (uint32, bool) {
	h := &r.half[d&1]
	return h.base, h.started
}

// Waiting reports whether either direction holds segments back for a
// hole before them to fill: then a segment may change more than its own
// place in the stream.
func (r *Reassembler) Waiting() bool {
	return len(r.half[0].frags) > 0 || len(r.half[1].frags) > 0
}

// Next returns the sequence number where direction d's stream goes on,
// and whether that direction has started and is still open to segments
// (no error, not closed).
func (r *Reassembler) Next(d Dir) (uint32, bool) {
	h := &r.half[d&1]
	return h.base + uint32(h.next), h.started && r.err == nil && !r.closed
}

// Add feeds the next segment of the flow in capture order.
func (r *Reassembler) Add(s Segment) error {
	if r.err != nil {
		return r.err
	}
	if r.closed {
		return ErrClosed
	}
	d := s.Dir & 1
	h := &r.half[d]
	if o := &r.half[1-d]; s.Flags&ACK != 0 && len(o.frags) > 0 {
		// The receiver saw bytes the capture missed: skip the holes it
		// acknowledged (tshark does the same).
		a := o.offset(s.Ack)
		for len(o.frags) > 0 && a > o.frags[0].off && r.err == nil {
			r.skipTo(1-d, o.frags[0].off, s.Packet, false)
		}
	}
	seq := s.Seq
	if s.Flags&SYN != 0 {
		seq++
	}
	if !h.started {
		h.started, h.base = true, seq
	}
	h.stats.Segments++
	wire := len(s.Payload)
	if s.WireLen > wire {
		wire = min(s.WireLen, MaxSegment)
	}
	skipped := s.Skip > 0 && len(s.Payload) == 0
	if skipped {
		wire = min(s.Skip, MaxSegment)
	}
	start := h.offset(seq)
	if s.Flags&FIN != 0 && !h.stats.FIN {
		h.stats.FIN, h.stats.FINPacket = true, s.Packet
		h.finOff = start + int64(wire)
	}
	if wire > 0 {
		r.place(d, start, s.Payload, wire, s.Packet, skipped)
	}
	if s.Flags&RST != 0 && !h.stats.RST {
		h.stats.RST, h.stats.RSTPacket = true, s.Packet
		r.out(Chunk{Dir: d, Offset: h.next, RST: true, FirstPacket: s.Packet, LastPacket: s.Packet})
	}
	r.checkFIN(0)
	r.checkFIN(1)
	return r.err
}

// checkFIN hands on the end of a direction once its stream has reached
// the FIN.
func (r *Reassembler) checkFIN(d Dir) {
	h := &r.half[d]
	if h.stats.FIN && !h.finSent && h.next >= h.finOff {
		h.finSent = true
		r.out(Chunk{Dir: d, Offset: h.finOff, FIN: true, FirstPacket: h.stats.FINPacket, LastPacket: h.stats.FINPacket})
	}
}

// place delivers or buffers one segment's bytes.
func (r *Reassembler) place(d Dir, start int64, payload []byte, wire int, pkt uint64, skipped bool) {
	h := &r.half[d]
	end := start + int64(wire)
	for r.err == nil {
		if end <= h.next {
			h.stats.Duplicate += int64(len(payload))
			if !h.hist.matches(start, payload) {
				h.stats.Conflicts++
				r.out(Chunk{Dir: d, Offset: start, Conflict: true, FirstPacket: pkt, LastPacket: pkt})
			}
			return
		}
		if start <= h.next && skipped {
			r.out(Chunk{Dir: d, Offset: h.next, Gap: end - h.next, FirstPacket: pkt, LastPacket: pkt})
			r.drain(d)
			return
		}
		if start <= h.next {
			r.deliver(d, start, payload, end, pkt)
			return
		}
		var skip int64
		if skipped {
			skip = int64(wire)
		}
		switch r.buffer(d, start, payload, skip, pkt) {
		case buffered:
			return
		case retry:
			continue
		case cannot:
			r.skipTo(d, start, pkt, true)
		}
	}
}

// deliver hands on a segment that starts at or before the next expected
// byte and ends after it.
func (r *Reassembler) deliver(d Dir, start int64, payload []byte, end int64, pkt uint64) {
	h := &r.half[d]
	skip := h.next - start
	conflict := false
	var data []byte
	if skip < int64(len(payload)) {
		data = payload[skip:]
	}
	if skip > 0 {
		old := payload[:min(skip, int64(len(payload)))]
		h.stats.Duplicate += int64(len(old))
		if !h.hist.matches(start, old) {
			conflict = true
		}
	}
	if conflict {
		h.stats.Conflicts++
	}
	if len(data) > 0 {
		r.out(Chunk{Dir: d, Data: data, Offset: h.next, Conflict: conflict, FirstPacket: pkt, LastPacket: pkt})
	} else if conflict {
		r.out(Chunk{Dir: d, Offset: h.next, Conflict: true, FirstPacket: pkt, LastPacket: pkt})
	}
	if end > h.next {
		// The capture cut the segment short (snap length): the rest is a
		// hole like any other, which a retransmission may still fill.
		h.truncAt = h.next
	}
	r.drain(d)
}

// drain delivers the buffered segments that the stream has reached, in
// tshark's order: among the fragments that start at or before the next
// byte, the one that arrived first goes next, trimmed to its new bytes.
func (r *Reassembler) drain(d Dir) {
	h := &r.half[d]
	for r.err == nil {
		k := 0 // fragments [0,k) start at or before next
		best := -1
		for k < len(h.frags) && h.frags[k].off <= h.next {
			if best < 0 || h.frags[k].arrival < h.frags[best].arrival {
				best = k
			}
			k++
		}
		if best < 0 {
			return
		}
		f := h.frags[best]
		if best == 0 {
			h.frags[0] = frag{}
			h.frags = h.frags[1:] // the usual case: no shifting
		} else {
			h.frags = append(h.frags[:best], h.frags[best+1:]...)
		}
		r.free(int64(cap(f.data)) + fragOverhead)
		skip := min(h.next-f.off, f.size())
		if f.data == nil {
			if rest := f.skip - skip; rest > 0 {
				r.out(Chunk{Dir: d, Offset: h.next, Gap: rest, FirstPacket: f.pkt, LastPacket: f.pkt})
			}
			continue
		}
		old, data := f.data[:skip], f.data[skip:]
		h.stats.Duplicate += int64(len(old))
		conflict := !h.hist.matches(f.off, old)
		if conflict {
			h.stats.Conflicts++
		}
		switch {
		case len(data) > 0:
			r.out(Chunk{Dir: d, Data: data, Offset: h.next, Conflict: conflict, FirstPacket: f.pkt, LastPacket: f.pkt})
		case conflict:
			r.out(Chunk{Dir: d, Offset: f.off, Conflict: true, FirstPacket: f.pkt, LastPacket: f.pkt})
		}
	}
}

// skipTo jumps the stream of d forward to off with a gap chunk, then
// delivers what was buffered from there.
func (r *Reassembler) skipTo(d Dir, off int64, pkt uint64, givenUp bool) {
	h := &r.half[d]
	if off > h.next {
		r.out(Chunk{Dir: d, Offset: h.next, Gap: off - h.next, GivenUp: givenUp, Truncated: h.truncAt == h.next,
			FirstPacket: pkt, LastPacket: pkt})
	}
	r.drain(d)
}

// giveUpOldest skips the hole before the oldest buffered fragment of the
// flow. It reports false when nothing is buffered.
func (r *Reassembler) giveUpOldest(pkt uint64) bool {
	a, b := &r.half[0], &r.half[1]
	var d Dir
	switch {
	case len(a.frags) == 0 && len(b.frags) == 0:
		return false
	case len(a.frags) == 0:
		d = 1
	case len(b.frags) > 0 && b.frags[0].arrival < a.frags[0].arrival:
		d = 1
	}
	r.skipTo(d, r.half[d].frags[0].off, pkt, true)
	return true
}

type bufferResult int

const (
	buffered bufferResult = iota
	retry                 // a hole was given up to make room: place again
	cannot                // nothing left to give up and still no room
)

// buffer keeps a copy of an out-of-order segment's captured bytes, or
// the length of a skipped one.
func (r *Reassembler) buffer(d Dir, start int64, data []byte, skip int64, pkt uint64) bufferResult {
	h := &r.half[d]
	if len(data) == 0 && skip == 0 {
		return buffered // only a hole the capture cut off
	}
	cost := int64(len(data)) + fragOverhead
	if len(r.half[0].frags)+len(r.half[1].frags) >= r.cfg.MaxFragments || !r.reserve(cost) {
		if r.giveUpOldest(pkt) {
			return retry
		}
		return cannot
	}
	r.arrivals++
	f := frag{off: start, skip: skip, pkt: pkt, arrival: r.arrivals}
	if skip == 0 {
		f.data = make([]byte, len(data))
		copy(f.data, data)
	}
	// Out-of-order data mostly arrives in rising order: append then.
	i := len(h.frags)
	if i > 0 && h.frags[i-1].off > start {
		i = sort.Search(len(h.frags), func(j int) bool { return h.frags[j].off > start })
	}
	h.frags = append(h.frags, frag{})
	copy(h.frags[i+1:], h.frags[i:])
	h.frags[i] = f
	return buffered
}

func (r *Reassembler) reserve(n int64) bool {
	if r.buffered+n > r.cfg.MaxBuffered {
		return false
	}
	if r.cfg.Budget != nil && !r.cfg.Budget.Reserve(n) {
		return false
	}
	r.buffered += n
	return true
}

func (r *Reassembler) free(n int64) {
	r.buffered -= n
	if r.cfg.Budget != nil {
		r.cfg.Budget.Release(n)
	}
}

// out hands a chunk to the consumer and keeps the counters.
func (r *Reassembler) out(c Chunk) {
	if r.err != nil {
		return
	}
	h := &r.half[c.Dir]
	switch {
	case c.Data != nil:
		h.hist.write(c.Offset, c.Data)
		h.next = c.Offset + int64(len(c.Data))
		h.stats.Bytes += int64(len(c.Data))
	case c.Gap > 0:
		h.next = c.Offset + c.Gap
		h.stats.Gaps++
		h.stats.GapBytes += c.Gap
		if c.GivenUp {
			h.stats.GivenUpBytes += c.Gap
		}
	}
	if err := r.emit(c); err != nil {
		r.err = fmt.Errorf("hand on %s bytes at offset %d (packet %d): %w", c.Dir, c.Offset, c.LastPacket, err)
	}
}

// Close delivers what is still buffered, each hole before it as a gap, and
// a gap up to a FIN that the capture saw beyond the last byte. It releases
// the buffered memory. Close is idempotent.
func (r *Reassembler) Close() error {
	if r.closed {
		return r.err
	}
	r.closed = true
	for d := range Dir(2) {
		h := &r.half[d]
		for len(h.frags) > 0 && r.err == nil {
			r.skipTo(d, h.frags[0].off, h.frags[0].pkt, false)
		}
		if h.stats.FIN && h.finOff > h.next && h.finOff-h.next < 1<<31 {
			r.skipTo(d, h.finOff, h.stats.FINPacket, false)
		}
		r.checkFIN(d)
	}
	for d := range r.half {
		h := &r.half[d]
		for i := range h.frags {
			r.free(int64(cap(h.frags[i].data)) + fragOverhead)
		}
		h.frags = nil
		h.hist = history{}
	}
	return r.err
}
