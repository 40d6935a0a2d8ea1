package stream

import (
	"errors"
	"fmt"
	"sort"
)

// ErrClosed is returned by Add after Close.
var ErrClosed = errors.New("reassembler closed")

// frag is buffered out-of-order data. The fragments of a direction are
// sorted by offset and never overlap.
type frag struct {
	off         int64
	data        []byte
	first, last uint64
	conflict    bool
}

func (f *frag) end() int64 { return f.off + int64(len(f.data)) }

// half is the state of one direction.
type half struct {
	started bool
	base    uint32 // sequence number of offset 0
	next    int64  // offset of the next byte to deliver
	finOff  int64
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
// Rules, chosen to match tshark's "follow tcp": the first sequence number
// seen (plus one after a SYN) starts a direction; bytes already delivered
// are dropped (the first delivered copy wins, and a differing copy is
// flagged as a conflict); a segment beyond the next expected byte is
// buffered until the hole before it is filled, or skipped as a gap once the
// other side acknowledges past it. Unlike tshark, data still buffered at
// Close is delivered after a gap instead of being dropped, the part of a
// segment cut off by the snap length is reported as a gap, and the memory
// caps of Config give up the oldest hole as a gap marked GivenUp.
//
// A Reassembler is not safe for concurrent use.
type Reassembler struct {
	cfg      Config
	emit     Emit
	half     [2]half
	buffered int64
	err      error
	closed   bool
}

// NewReassembler returns a reassembler that hands its output to emit.
func NewReassembler(cfg Config, emit Emit) *Reassembler {
	r := &Reassembler{cfg: cfg.withDefaults(), emit: emit}
	r.half[0].hist.max = r.cfg.History
	r.half[1].hist.max = r.cfg.History
	return r
}

// Stats returns the counters so far.
func (r *Reassembler) Stats() Stats {
	return Stats{r.half[0].stats, r.half[1].stats}
}

// Buffered reports the bytes (with overhead) held for out-of-order data.
func (r *Reassembler) Buffered() int64 { return r.buffered }

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
		wire = min(s.WireLen, 1<<20)
	}
	start := h.offset(seq)
	if s.Flags&FIN != 0 && !h.stats.FIN {
		h.stats.FIN, h.stats.FINPacket = true, s.Packet
		h.finOff = start + int64(wire)
	}
	if s.Flags&RST != 0 && !h.stats.RST {
		h.stats.RST, h.stats.RSTPacket = true, s.Packet
	}
	if wire > 0 {
		r.place(d, start, s.Payload, wire, s.Packet)
	}
	return r.err
}

// place delivers or buffers one segment's bytes.
func (r *Reassembler) place(d Dir, start int64, payload []byte, wire int, pkt uint64) {
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
		if start <= h.next {
			r.deliver(d, start, payload, end, pkt)
			return
		}
		switch r.buffer(d, start, payload, pkt) {
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
	if len(data) > 0 && r.overlapsDiffer(h, h.next, data) {
		conflict = true
	}
	if conflict {
		h.stats.Conflicts++
	}
	if len(data) > 0 {
		r.out(Chunk{Dir: d, Data: data, Offset: h.next, Conflict: conflict, FirstPacket: pkt, LastPacket: pkt})
	} else if conflict {
		r.out(Chunk{Dir: d, Offset: h.next, Conflict: true, FirstPacket: pkt, LastPacket: pkt})
	}
	if len(h.frags) > 0 {
		// Buffered bytes beat a hole the snap length made.
		end = min(end, max(h.frags[0].off, h.next))
	}
	if end > h.next {
		r.out(Chunk{Dir: d, Offset: h.next, Gap: end - h.next, Truncated: true, FirstPacket: pkt, LastPacket: pkt})
	}
	r.drain(d)
}

// overlapsDiffer reports whether data at off disagrees with buffered
// fragments it overlaps (which are then dropped by drain: the in-order copy
// is delivered whole, as tshark does).
func (r *Reassembler) overlapsDiffer(h *half, off int64, data []byte) bool {
	end := off + int64(len(data))
	for i := range h.frags {
		f := &h.frags[i]
		if f.off >= end {
			break
		}
		lo, hi := max(off, f.off), min(end, f.end())
		if lo < hi && string(f.data[lo-f.off:hi-f.off]) != string(data[lo-off:hi-off]) {
			return true
		}
	}
	return false
}

// drain delivers the buffered fragments that the stream has reached.
func (r *Reassembler) drain(d Dir) {
	h := &r.half[d]
	k := 0
	for k < len(h.frags) && h.frags[k].off <= h.next && r.err == nil {
		f := &h.frags[k]
		if f.end() > h.next {
			r.out(Chunk{Dir: d, Data: f.data[h.next-f.off:], Offset: h.next, Conflict: f.conflict,
				FirstPacket: f.first, LastPacket: f.last})
		} else {
			h.stats.Duplicate += int64(len(f.data))
		}
		r.free(int64(cap(f.data)) + fragOverhead)
		f.data = nil
		k++
	}
	if k > 0 {
		h.frags = append(h.frags[:0], h.frags[k:]...)
	}
}

// skipTo jumps the stream of d forward to off with a gap chunk, then
// delivers what was buffered from there.
func (r *Reassembler) skipTo(d Dir, off int64, pkt uint64, givenUp bool) {
	h := &r.half[d]
	if off > h.next {
		r.out(Chunk{Dir: d, Offset: h.next, Gap: off - h.next, GivenUp: givenUp, FirstPacket: pkt, LastPacket: pkt})
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
	case len(b.frags) > 0 && b.frags[0].first < a.frags[0].first:
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

// piece is a part of a new segment not yet covered by buffered data.
type piece struct {
	at       int // index in frags where it goes
	lo, hi   int64
	coalesce bool // appended to frags[at-1]
	grow     int  // capacity growth when coalescing
}

// buffer keeps the parts of an out-of-order segment that no buffered
// fragment covers yet (the first copy wins; differing overlaps are
// flagged).
func (r *Reassembler) buffer(d Dir, start int64, data []byte, pkt uint64) bufferResult {
	h := &r.half[d]
	if len(data) == 0 {
		return buffered // only a hole the capture cut off
	}
	end := start + int64(len(data))
	i := sort.Search(len(h.frags), func(i int) bool { return h.frags[i].end() > start })
	var pieces []piece
	var cost int64
	newFrags := 0
	conflict := false
	for cur := start; cur < end; {
		if i < len(h.frags) && h.frags[i].off <= cur {
			f := &h.frags[i]
			hi := min(f.end(), end)
			if string(f.data[cur-f.off:hi-f.off]) != string(data[cur-start:hi-start]) {
				f.conflict, conflict = true, true
			}
			h.stats.Duplicate += hi - cur
			cur = hi
			i++
			continue
		}
		hi := end
		if i < len(h.frags) {
			hi = min(hi, h.frags[i].off)
		}
		p := piece{at: i, lo: cur, hi: hi}
		if i > 0 && h.frags[i-1].end() == cur {
			f := &h.frags[i-1]
			p.coalesce = true
			if need := len(f.data) + int(hi-cur); need > cap(f.data) {
				p.grow = growCap(cap(f.data), need) - cap(f.data)
			}
			cost += int64(p.grow)
		} else {
			newFrags++
			cost += hi - cur + fragOverhead
		}
		pieces = append(pieces, p)
		cur = hi
	}
	if conflict {
		h.stats.Conflicts++
	}
	if len(pieces) == 0 {
		return buffered
	}
	if len(r.half[0].frags)+len(r.half[1].frags)+newFrags > r.cfg.MaxFragments || !r.reserve(cost) {
		if r.giveUpOldest(pkt) {
			return retry
		}
		return cannot
	}
	// Insert from the back so that the indexes stay valid.
	for k := len(pieces) - 1; k >= 0; k-- {
		p := pieces[k]
		src := data[p.lo-start : p.hi-start]
		if p.coalesce {
			f := &h.frags[p.at-1]
			if p.grow > 0 {
				nb := make([]byte, len(f.data), cap(f.data)+p.grow)
				copy(nb, f.data)
				f.data = nb
			}
			f.data = append(f.data, src...)
			f.last = pkt
			continue
		}
		buf := make([]byte, len(src))
		copy(buf, src)
		h.frags = append(h.frags, frag{})
		copy(h.frags[p.at+1:], h.frags[p.at:])
		h.frags[p.at] = frag{off: p.lo, data: buf, first: pkt, last: pkt}
	}
	return buffered
}

// growCap picks the capacity of a fragment that grows by appending:
// doubling, but at most 64 KiB over what is needed, so that the charge stays
// close to the bytes held.
func growCap(old, need int) int {
	return max(need, min(2*old, need+64<<10))
}

func (r *Reassembler) reserve(n int64) bool {
	if r.buffered+n > r.cfg.MaxBuffered {
		return false
	}
	if r.cfg.Budget != nil && !r.cfg.Budget.reserve(n) {
		return false
	}
	r.buffered += n
	return true
}

func (r *Reassembler) free(n int64) {
	r.buffered -= n
	if r.cfg.Budget != nil {
		r.cfg.Budget.release(n)
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
			r.skipTo(d, h.frags[0].off, h.frags[0].first, false)
		}
		if h.stats.FIN && h.finOff > h.next && h.finOff-h.next < 1<<31 {
			r.skipTo(d, h.finOff, h.stats.FINPacket, false)
		}
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
