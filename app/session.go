package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gopacket/gopacket/layers"

	"thingsniff/capture"
	"thingsniff/decode"
)

// Options configure a Session. Zero values get sensible defaults.
type Options struct {
	// Dispatch runs f on the UI goroutine (fyne.Do in the program, a
	// direct call in tests).
	Dispatch func(f func())
	// Now is the clock; tests inject their own.
	Now func() time.Time
	// Interval is the least time between two batches (default 80 ms).
	Interval time.Duration
	// FirstRows is how many packets make the first batch go out early, so
	// the first rows show at once on any file size (default 500).
	FirstRows int
	// SpoolDir holds the spools of live captures (OpenLive), under a name
	// that FindSpools finds again after a crash; os.TempDir when "".
	SpoolDir string
	// Devices builds the device timelines of every load, as a stage of
	// its own beside the index (see Loaded.Devices).
	Devices bool
}

// Batch is one delivery of news about the current load to the UI.
type Batch struct {
	// Gen identifies the load; batches of an older load are never delivered.
	Gen uint64
	// Packets is how many index entries are now readable.
	Packets int
	// Flows are copies of the flows that changed since the last batch.
	Flows []decode.Flow
	// Interfaces is set when the capture's interfaces changed.
	Interfaces []capture.Interface
	// Read and Size give progress in bytes (Size -1 when unknown).
	Read, Size int64
	// Done is set on the last batch of a load; Err says why it stopped
	// early (a *capture.TruncatedError for a cut file), nil at a clean end.
	Done bool
	Err  error
}

// Session owns at most one loaded capture at a time and the goroutines
// that read it.
type Session struct {
	opts    Options
	gen     atomic.Uint64
	mu      sync.Mutex
	cancel  context.CancelFunc
	done    chan struct{}
	current *Loaded
	onBatch func(Batch)
	// closing is held through a Close, so that a second one (a signal's,
	// beside the window's own) returns only once the capture is released
	// and its spool removed, not while the first is still at it.
	closing sync.Mutex
}

// NewSession returns a session that reports to onBatch through
// opts.Dispatch.
func NewSession(opts Options, onBatch func(Batch)) *Session {
	if opts.Dispatch == nil {
		opts.Dispatch = func(f func()) { f() }
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Interval == 0 {
		opts.Interval = 80 * time.Millisecond
	}
	if opts.FirstRows == 0 {
		opts.FirstRows = 500
	}
	if onBatch == nil {
		onBatch = func(Batch) {}
	}
	return &Session{opts: opts, onBatch: onBatch}
}

// Loaded is one opened capture: its packet index and the bytes behind it.
// Index entries below the last batch's Packets and the Store are safe to
// read from any goroutine.
type Loaded struct {
	Gen    uint64
	Name   string
	Format string
	Index  *PacketIndex
	// Store re-reads packets by their index entry's offset.
	Store    *capture.Capture
	finished chan struct{}
	engine   *decode.Engine
	dupAcks  dupAcks      // beside Index: which duplicate ACK a packet is
	devices  *deviceStage // nil when the session builds no timelines

	ifMu   sync.RWMutex
	ifaces []capture.Interface
}

// dupAckOf is which duplicate ACK packet i (0-based, entry ix) is, when
// its entry says it is one.
func (l *Loaded) dupAckOf(i int, ix decode.Index) decode.DupAck {
	if !ix.Analysis.Has(decode.AnalysisDupAck) {
		return decode.DupAck{}
	}
	return l.dupAcks.of(i)
}

// Interfaces returns the capture interfaces seen so far.
func (l *Loaded) Interfaces() []capture.Interface {
	l.ifMu.RLock()
	defer l.ifMu.RUnlock()
	return l.ifaces
}

func (l *Loaded) linkType(iface uint16) layers.LinkType {
	l.ifMu.RLock()
	defer l.ifMu.RUnlock()
	return linkOf(l.ifaces, iface)
}

// linkOf is the link type of interface iface, or noLink when the capture
// never described it.
func linkOf(ifs []capture.Interface, iface uint16) layers.LinkType {
	if int(iface) < len(ifs) {
		return ifs[iface].LinkType
	}
	return noLink
}

// noLink stands for the link type of a record whose interface was never
// described: the engine marks such a packet malformed instead of dropping it.
const noLink = layers.LinkType(0xffff)

// close releases the capture (and so a spool it made).
func (l *Loaded) close() { l.Store.Close() }

// Streaming reports whether the capture arrives over time (standard
// input, a live capture) rather than from a file of known size.
func (l *Loaded) Streaming() bool { return l.Store.Size() < 0 }

// Wait blocks until the load has finished.
func (l *Loaded) Wait() { <-l.finished }

// Engine returns the load's engine; only safe to use after Wait.
func (l *Loaded) Engine() *decode.Engine { return l.engine }

// Current returns the capture being shown, or nil.
func (s *Session) Current() *Loaded {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.current
}

// Open opens a capture file and starts loading it in the background.
func (s *Session) Open(path string) (*Loaded, error) {
	c, err := capture.Open(path)
	if err != nil {
		return nil, err
	}
	return s.start(c), nil
}

// OpenStream starts loading a capture that arrives on r (stdin, a pipe).
// Its spool has no name: nothing of it is left behind however the
// process ends.
func (s *Session) OpenStream(r io.Reader, name string) (*Loaded, error) {
	c, err := capture.OpenStream(r, name, "")
	if err != nil {
		return nil, err
	}
	return s.start(c), nil
}

// OpenLive starts loading a live capture's stream (LiveCapture.Stream).
// Its spool keeps a name in SpoolDir while it is read, so that a capture
// cut short by a crash is offered again at the next start (FindSpools).
func (s *Session) OpenLive(r io.Reader, name string) (*Loaded, error) {
	dir := s.opts.SpoolDir
	if dir == "" {
		dir = os.TempDir()
	}
	c, err := capture.OpenStream(r, name, dir)
	if err != nil {
		return nil, err
	}
	return s.start(c), nil
}

// Close stops any load and releases the current capture.
func (s *Session) Close() {
	s.closing.Lock()
	defer s.closing.Unlock()
	s.stop()
	s.mu.Lock()
	cur := s.current
	s.current = nil
	s.mu.Unlock()
	if cur != nil {
		cur.close()
	}
}

// stop cancels the current load's stages and waits until they have ended.
func (s *Session) stop() {
	s.mu.Lock()
	cancel, done := s.cancel, s.done
	s.cancel, s.done = nil, nil
	s.mu.Unlock()
	if cancel != nil {
		cancel()
		<-done
	}
}

func (s *Session) start(c *capture.Capture) *Loaded {
	s.stop()
	gen := s.gen.Add(1)
	l := &Loaded{Gen: gen, Name: c.Name(), Format: c.Format(), Index: NewPacketIndex(),
		Store: c, engine: decode.NewEngine(), finished: make(chan struct{})}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	s.mu.Lock()
	old := s.current
	s.current, s.cancel, s.done = l, cancel, done
	s.mu.Unlock()
	if old != nil {
		old.close()
	}
	if s.opts.Devices {
		l.devices = startDevices(ctx, c)
	}
	go func() {
		defer close(done)
		defer func() {
			if l.devices != nil {
				<-l.devices.done
			}
		}()
		defer close(l.finished)
		s.load(ctx, l)
	}()
	return l
}

// deliver sends b to the UI unless a newer load has started by the time
// the UI goroutine runs it.
func (s *Session) deliver(b Batch) {
	s.opts.Dispatch(func() {
		if b.Gen == s.gen.Load() {
			s.onBatch(b)
		}
	})
}

// loader is the index stage of one load: it appends index entries,
// publishes the capture's interfaces, and sends the UI a batch at most
// every Interval.
type loader struct {
	s         *Session
	l         *Loaded
	pending   []decode.Index
	ifaceNews []capture.Interface
	last      time.Time
	first     bool
	read      int64 // how far the reading got, in bytes of the file
	sent      int   // packets the last batch made readable
	known     int   // interfaces published
}

func (s *Session) load(ctx context.Context, l *Loaded) {
	ld := &loader{s: s, l: l, pending: make([]decode.Index, 0, 4096), last: s.opts.Now(), first: true}
	var err error
	if l.Store.Growing() {
		err = ld.readStream(ctx)
	} else {
		err = readPieces(ctx, l.Store, l.engine, pieceSize, ld)
	}
	if errors.Is(err, io.EOF) {
		err = nil
	}
	if ctx.Err() != nil && err == nil {
		err = ctx.Err()
	}
	if errors.Is(err, context.Canceled) {
		err = fmt.Errorf("loading %s: %w", l.Name, context.Canceled)
	}
	ld.send(true, err)
}

// add takes the next index entry. Now and then it sends a batch: when
// the first rows are in, or Interval has passed since the last one.
func (ld *loader) add(ix decode.Index) {
	if ix.Analysis.Has(decode.AnalysisDupAck) {
		ld.l.dupAcks.add(ld.l.engine.Count()-1, ld.l.engine.DupAck())
	}
	ld.pending = append(ld.pending, ix)
	if len(ld.pending) == cap(ld.pending) {
		ld.publish()
	}
	if n := ld.l.engine.Count(); n&255 == 0 || ld.first && n >= ld.s.opts.FirstRows {
		now := ld.s.opts.Now()
		if now.Sub(ld.last) >= ld.s.opts.Interval || ld.first && n >= ld.s.opts.FirstRows {
			ld.first, ld.last = false, now
			ld.send(false, nil)
		}
	}
}

// progress says how far the reading got, in bytes of the file.
func (ld *loader) progress(read int64) { ld.read = read }

// publish makes pending entries readable.
func (ld *loader) publish() {
	ld.l.Index.Append(ld.pending...)
	ld.pending = ld.pending[:0]
}

// interfaces takes the interfaces the reading has met so far; every
// readable entry's link type is known before it is published.
func (ld *loader) interfaces(ifs []capture.Interface) {
	if len(ifs) == ld.known {
		return
	}
	ld.known = len(ifs)
	l := ld.l
	l.ifMu.Lock()
	defer l.ifMu.Unlock()
	l.ifaces = append([]capture.Interface(nil), ifs...)
	ld.ifaceNews = l.ifaces
}

// send publishes what is pending and hands the UI a batch.
func (ld *loader) send(done bool, err error) {
	ld.publish()
	var flows []decode.Flow
	ld.l.engine.TakeDirty(func(f *decode.Flow) { flows = append(flows, *f) })
	l := ld.l
	b := Batch{Gen: l.Gen, Packets: l.Index.Len(), Flows: flows, Interfaces: ld.ifaceNews,
		Read: l.Store.Progress(ld.read), Size: l.Store.Size(), Done: done, Err: err}
	ld.ifaceNews, ld.sent = nil, b.Packets
	ld.s.deliver(b)
}

// readStream reads a capture that arrives over time (stdin, a live
// helper's pipe, a gzip file being decompressed) with one cursor. When
// the cursor has read all that has arrived, it sends what it has and
// waits for more: the last packets of a burst show without waiting for
// the next burst.
func (ld *loader) readStream(ctx context.Context) error {
	c, eng := ld.l.Store, ld.l.engine
	cur := c.Cursor()
	wake := time.NewTimer(time.Hour)
	defer wake.Stop()
	for n := 1; ; n++ {
		fr, err := cur.Next()
		if err == nil {
			ld.interfaces(cur.Interfaces())
			ld.progress(cur.Offset())
			ld.add(addFrame(eng, cur.Interfaces(), &fr))
			if n&255 == 0 && ctx.Err() != nil {
				return ctx.Err()
			}
			continue
		}
		if !errors.Is(err, capture.ErrPending) {
			ld.interfaces(cur.Interfaces())
			ld.read = cur.Offset()
			return err
		}
		ld.read = cur.Offset()
		// All that has arrived is read: show it, at most once an Interval.
		fresh := eng.Count() > ld.sent
		wait := ld.s.opts.Interval - ld.s.opts.Now().Sub(ld.last)
		if fresh && wait <= 0 {
			ld.first, ld.last = false, ld.s.opts.Now()
			ld.send(false, nil)
			fresh = false
		}
		var timer <-chan time.Time
		if fresh {
			wake.Reset(wait)
			timer = wake.C
		}
		select {
		case <-cur.Arrived():
		case <-timer:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// TruncatedError is the capture package's error for a file that stops
// inside a record, so that the window can recognise it through app.
type TruncatedError = capture.TruncatedError

// OpenErrorSentence says in one sentence why path could not be opened,
// for a dialog: what a file that is not a capture looks like ("The file thing.zip
// is not a packet capture: it looks like a Zip archive."), or the reason
// without the layers of "open …: open capture …:" that wrap it.
func OpenErrorSentence(path string, err error) string {
	var nc *capture.NotCaptureError
	if errors.As(err, &nc) {
		return nc.Sentence()
	}
	msg := err.Error()
	if i := strings.LastIndex(msg, fmt.Sprintf("open capture %q: ", path)); i >= 0 {
		msg = msg[i+len(fmt.Sprintf("open capture %q: ", path)):]
	}
	msg = strings.TrimSuffix(msg, ".")
	return fmt.Sprintf("Could not open %s: %s.", filepath.Base(path), msg)
}
