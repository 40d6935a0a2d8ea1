package app

import (
	"fmt"
	"sync"
	"sync/atomic"

	"thingsniff/decode"
)

// Sizes of the row source's work and memory.
const (
	// chunkRows is how many lines of the view one job formats and one
	// Dispatch delivers: a screen's worth many times over, and a few
	// milliseconds of decoding.
	chunkRows = 1000
	// maxChunks is how many formatted chunks stay cached, the least
	// recently shown evicted first (a few MB of strings at most).
	maxChunks = 8
	// nearChunks bounds the waiting jobs: a new request drops those more
	// than nearChunks chunks away from it (the user scrolled past them),
	// so at most 2*nearChunks+1 wait.
	nearChunks = 2
)

// RowSource hands the packet table its rows without decoding on the UI
// goroutine. Asked for a line of its view (all packets, or a filter's
// packets), it returns the preformatted row when that line's chunk of
// chunkRows lines is ready; otherwise it reports so and queues the
// chunk for a worker goroutine. The worker reads and decodes the packets
// by offset with its own parser, formats them with copies of the flows
// recorded in Rows, and hands each finished chunk to the UI goroutine
// with one Dispatch call, which caches it and calls ready.
//
// Its exported methods belong to the UI goroutine, except Wait. The
// worker runs only while there is work and stops at once after Close.
type RowSource struct {
	rows     *Rows
	dispatch func(func())
	ready    func()

	// Owned by the UI goroutine.
	closed bool
	n      int   // packets readable: the view's length when view is nil
	view   []int // packets of a filter's or a sort's view, in view order; nil for all
	shown  []int // the same packets in capture order, nil for all
	cache  map[int]*rowChunk
	tick   uint64 // counts cache hits, for least-recently-used eviction

	// gen changes when the view changes or the source closes; jobs of an
	// older generation are abandoned and their chunks dropped.
	gen atomic.Uint64

	mu      sync.Mutex
	idle    *sync.Cond      // signalled when the worker stops
	want    []*rowJob       // queued jobs, newest last
	busy    map[int]*rowJob // chunk -> its job, queued, formatting or dispatched
	running bool            // a worker goroutine is alive
	f       *rowFormatter   // the worker's; only a running worker uses it
}

// rowChunk is lines [k*chunkRows, k*chunkRows+len(rows)) of the view.
type rowChunk struct {
	rows []Row
	ver  uint64 // Rows.ver the rows were formatted under
	used uint64
}

// rowJob asks the worker for lines [from, to) of chunk k.
type rowJob struct {
	gen      uint64
	chunk    int
	from, to int
	pkts     []int // the view's packets for lines from..to; nil when line = packet
	shown    []int // the view's packets in capture order; nil for all
}

// NewRowSource returns a row source over all packets of r's capture,
// none readable yet (see Grow). dispatch runs a function on the UI
// goroutine (the session's Dispatch); ready is called there after a
// chunk has arrived, to refresh the table.
func NewRowSource(r *Rows, dispatch func(func()), ready func()) *RowSource {
	s := &RowSource{rows: r, dispatch: dispatch, ready: ready, cache: map[int]*rowChunk{}, busy: map[int]*rowJob{}}
	s.idle = sync.NewCond(&s.mu)
	return s
}

// Grow takes the news that n packets are readable (a batch's Packets).
// Chunks of the view of all packets are extended as lines are asked for.
func (s *RowSource) Grow(n int) {
	s.n = n
	s.rows.noteReadable(n)
}

// Show makes the view the given packets in the given order (a filter's,
// a sort's; not modified afterwards), or all packets when view is nil;
// shown is the same packets in capture order (the filter's; nil for
// all), which the time since the packet shown before reads. Lines
// change meaning, so cached chunks and pending work are dropped.
func (s *RowSource) Show(view, shown []int) {
	if view == nil && s.view == nil && shown == nil && s.shown == nil {
		return
	}
	s.view, s.shown = view, shown
	s.restart()
	clear(s.cache)
}

// Len is the number of lines in the view.
func (s *RowSource) Len() int {
	if s.view != nil {
		return len(s.view)
	}
	return s.n
}

// Row returns line k of the view. When its chunk is not formatted yet,
// ok is false and the chunk is queued for the worker; ready is called
// once it has arrived. Row never reads or decodes a packet.
func (s *RowSource) Row(k int) (row Row, ok bool) {
	if s.closed || k < 0 || k >= s.Len() {
		return Row{}, false
	}
	c := k / chunkRows
	start := c * chunkRows
	from := start
	if ch := s.cache[c]; ch != nil && ch.ver == s.rows.ver {
		if k < start+len(ch.rows) {
			s.tick++
			ch.used = s.tick
			return ch.rows[k-start], true
		}
		from = start + len(ch.rows) // the capture grew: format the rest
	}
	s.ask(c, from, min(start+chunkRows, s.Len()))
	return Row{}, false
}

// ask queues lines [from, to) of chunk c unless that chunk is on its way.
func (s *RowSource) ask(c, from, to int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if j := s.busy[c]; j != nil {
		// Still wanted: make it the newest, so what is on screen is
		// formatted before what was scrolled past.
		for k, q := range s.want {
			if q == j {
				copy(s.want[k:], s.want[k+1:])
				s.want[len(s.want)-1] = j
				if from == j.from && to > j.to {
					j.to = to
					if s.view != nil {
						j.pkts = s.view[from:to]
					}
				}
				break
			}
		}
		return
	}
	j := &rowJob{gen: s.gen.Load(), chunk: c, from: from, to: to, shown: s.shown}
	if s.view != nil {
		j.pkts = s.view[from:to]
	}
	s.busy[c] = j
	s.want = append(s.want, j)
	kept := s.want[:0]
	for _, q := range s.want {
		if q != j && (q.chunk < c-nearChunks || q.chunk > c+nearChunks) {
			delete(s.busy, q.chunk)
			continue
		}
		kept = append(kept, q)
	}
	clear(s.want[len(kept):])
	s.want = kept
	if !s.running {
		s.running = true
		go s.work()
	}
}

// Close stops the worker and drops the chunks it has not delivered; call
// it when the capture closes or another opens.
func (s *RowSource) Close() {
	s.closed = true
	s.restart()
	clear(s.cache)
}

// restart abandons every job: queued ones are forgotten, the one being
// formatted stops at its next check, and dispatched ones are dropped on
// arrival.
func (s *RowSource) restart() {
	s.mu.Lock()
	s.gen.Add(1)
	clear(s.want)
	s.want = s.want[:0]
	clear(s.busy)
	s.mu.Unlock()
}

// Wait blocks until the worker has run out of work, having handed every
// chunk it finished to Dispatch. Tests use it instead of sleeping.
func (s *RowSource) Wait() {
	s.mu.Lock()
	for s.running {
		s.idle.Wait()
	}
	s.mu.Unlock()
}

// work formats queued chunks, newest first, until none is left.
func (s *RowSource) work() {
	for {
		s.mu.Lock()
		if len(s.want) == 0 {
			s.running = false
			s.idle.Broadcast()
			s.mu.Unlock()
			return
		}
		j := s.want[len(s.want)-1]
		s.want[len(s.want)-1] = nil
		s.want = s.want[:len(s.want)-1]
		if s.f == nil {
			s.f = newRowFormatter(s.rows.l, &s.rows.decoded)
		}
		f := s.f
		s.mu.Unlock()
		rows, ver, ok := s.format(f, j)
		if !ok {
			continue
		}
		s.dispatch(func() { s.install(j, rows, ver) })
	}
}

// format formats job j on the worker. It gives up (ok false) when the job
// is abandoned meanwhile.
func (s *RowSource) format(f *rowFormatter, j *rowJob) (rows []Row, ver uint64, ok bool) {
	if j.gen != s.gen.Load() {
		return nil, 0, false
	}
	at := func(k int) int {
		if j.pkts != nil {
			return j.pkts[k-j.from]
		}
		return k
	}
	// Copy the chunk's flows once, under one read lock: the UI goroutine
	// goes on recording newer copies meanwhile.
	env := &rowEnv{l: f.l, flows: map[uint32]decode.Flow{}, shown: j.shown}
	ids := map[uint32]struct{}{}
	for k := j.from; k < j.to; k++ {
		if id := f.l.Index.At(at(k)).Flow; id != 0 {
			ids[id] = struct{}{}
		}
	}
	r := s.rows
	r.mu.RLock()
	ver, env.ifaces, env.timeFmt, env.multiDay = r.ver, r.ifaces, r.timeFmt, r.multiDay
	for id := range ids {
		if fl, ok := r.flows[id]; ok {
			env.flows[id] = fl
		}
	}
	r.mu.RUnlock()

	rows = make([]Row, 0, j.to-j.from)
	for k := j.from; k < j.to; k++ {
		if k%64 == 0 && j.gen != s.gen.Load() {
			return nil, 0, false
		}
		rows = append(rows, safeRow(f, at(k), env))
	}
	return rows, ver, true
}

// safeRow formats packet i, turning a panic in a describer into a marked
// row: a bad packet must not take the window down from a worker.
func safeRow(f *rowFormatter, i int, env *rowEnv) (row Row) {
	defer func() {
		if p := recover(); p != nil {
			row = Row{No: fmt.Sprint(i + 1), Info: fmt.Sprintf("cannot format packet %d: %v", i+1, p), Flags: decode.FlagMalformed}
		}
	}()
	return f.row(i, env)
}

// install caches a finished chunk on the UI goroutine and tells the
// table, unless the source has moved on since the job was queued.
func (s *RowSource) install(j *rowJob, rows []Row, ver uint64) {
	s.mu.Lock()
	if s.busy[j.chunk] == j {
		delete(s.busy, j.chunk)
	}
	s.mu.Unlock()
	if s.closed || j.gen != s.gen.Load() {
		return
	}
	start := j.chunk * chunkRows
	ch := s.cache[j.chunk]
	switch {
	case j.from == start:
		ch = &rowChunk{rows: rows, ver: ver}
		s.cache[j.chunk] = ch
	case ch != nil && ch.ver == ver && start+len(ch.rows) == j.from:
		ch.rows = append(ch.rows, rows...)
	default:
		return // the chunk changed under the job; Row asks again
	}
	s.tick++
	ch.used = s.tick
	for len(s.cache) > maxChunks {
		oldest, at := -1, ^uint64(0)
		for c, ch := range s.cache {
			if ch.used < at {
				oldest, at = c, ch.used
			}
		}
		delete(s.cache, oldest)
	}
	s.ready()
}
