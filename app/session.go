package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gopacket/gopacket/layers"

	"thingsniff/capture"
	"thingsniff/decode"
	"thingsniff/decode/device"
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
	// SpoolDir holds spools of streams and decompressed files.
	SpoolDir string
	// Observers, when set, makes the observers for each new load (device
	// timelines and other event builders); they run on the load goroutine.
	Observers func() []decode.Observer
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

// Session owns at most one loaded capture at a time and the goroutine
// that loads it.
type Session struct {
	opts    Options
	gen     atomic.Uint64
	mu      sync.Mutex
	cancel  context.CancelFunc
	done    chan struct{}
	current *Loaded
	onBatch func(Batch)
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
	Gen       uint64
	Name      string
	Format    string
	Index     *PacketIndex
	Store     *capture.Store
	capture   *capture.Capture
	observers []decode.Observer
	finished  chan struct{}
	engine    *decode.Engine

	ifMu   sync.RWMutex
	ifaces []capture.Interface

	reportOnce sync.Once
	report     *device.Report
	devicesErr error // why the device builder stopped early, if it did
	// builderMu keeps a snapshot of the device builder (DevicesSoFar) from
	// running beside its finish (Devices).
	builderMu sync.Mutex
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
	if int(iface) < len(l.ifaces) {
		return l.ifaces[iface].LinkType
	}
	return noLink
}

// close releases the capture and its store (and so a spool it made).
func (l *Loaded) close() {
	l.capture.Close()
	l.Store.Close()
}

// Observers returns the observers attached to this load.
func (l *Loaded) Observers() []decode.Observer { return l.observers }

// Streaming reports whether the capture arrives over time (standard
// input, a live capture) rather than from a file of known size.
func (l *Loaded) Streaming() bool { return l.capture.Size() < 0 }

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
func (s *Session) OpenStream(r io.Reader, name string) (*Loaded, error) {
	c, err := capture.OpenStream(r, name, s.opts.SpoolDir)
	if err != nil {
		return nil, err
	}
	return s.start(c), nil
}

// Close stops any load and releases the current capture.
func (s *Session) Close() {
	s.stop()
	s.mu.Lock()
	cur := s.current
	s.current = nil
	s.mu.Unlock()
	if cur != nil {
		cur.close()
	}
}

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
	var obs []decode.Observer
	if s.opts.Observers != nil {
		obs = s.opts.Observers()
	}
	l := &Loaded{Gen: gen, Name: c.Name(), Format: c.Format(), Index: NewPacketIndex(),
		Store: c.Store(), capture: c, observers: obs, finished: make(chan struct{})}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	s.mu.Lock()
	old := s.current
	s.current, s.cancel, s.done = l, cancel, done
	s.mu.Unlock()
	if old != nil {
		old.close()
	}
	go func() {
		defer close(done)
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

func (s *Session) load(ctx context.Context, l *Loaded) {
	c := l.capture
	eng := decode.NewEngine(l.observers...)
	l.engine = eng
	pending := make([]decode.Index, 0, 4096)
	var flows []decode.Flow
	var ifaces, ifaceNews []capture.Interface
	// publish makes pending entries readable, interfaces first so that
	// every readable entry's link type is known.
	publish := func() {
		l.Index.Append(pending...)
		pending = pending[:0]
	}
	setIfaces := func(ifs []capture.Interface) {
		ifaces = append([]capture.Interface(nil), ifs...)
		ifaceNews = ifaces
		l.ifMu.Lock()
		l.ifaces = ifaces
		l.ifMu.Unlock()
	}
	send := func(done bool, err error) {
		publish()
		// Device timelines see what came since the last batch, however
		// slowly a live capture fills theirs.
		for _, o := range l.observers {
			if a, ok := o.(*decode.Async); ok {
				a.Flush()
			}
		}
		flows = flows[:0]
		eng.TakeDirty(func(f *decode.Flow) { flows = append(flows, *f) })
		b := Batch{Gen: l.Gen, Packets: l.Index.Len(), Flows: append([]decode.Flow(nil), flows...),
			Interfaces: ifaceNews, Read: c.Offset(), Size: c.Size(), Done: done, Err: err}
		ifaceNews = nil
		s.deliver(b)
	}
	add := func(fr *capture.Frame) {
		pending = append(pending, addFrame(eng, ifaces, fr))
		if len(pending) == cap(pending) {
			publish()
		}
	}
	end := func(err error) {
		if errors.Is(err, io.EOF) {
			err = nil
		}
		if errors.Is(err, context.Canceled) {
			closeObservers(l.observers)
		} else {
			l.finishDevices()
			if err == nil {
				err = l.devicesErr
			}
		}
		send(true, err)
	}
	if c.Size() < 0 {
		s.loadStream(ctx, l, setIfaces, add, send, end)
		return
	}
	lendPayloads(c, l.observers)
	defer holdGC()()
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer func() {
		if cut := cutByFault(c, recover()); cut != nil {
			end(cut)
		}
	}()

	last := s.opts.Now()
	first := true
	for {
		fr, err := c.Next()
		if ifs := c.Interfaces(); len(ifs) != len(ifaces) {
			setIfaces(ifs)
		}
		if err != nil {
			end(err)
			return
		}
		add(&fr)
		if n := eng.Count(); n&255 == 0 || (first && n >= s.opts.FirstRows) {
			if ctx.Err() != nil {
				end(fmt.Errorf("loading %s: %w", l.Name, context.Canceled))
				return
			}
			if now := s.opts.Now(); now.Sub(last) >= s.opts.Interval || (first && n >= s.opts.FirstRows) {
				first = false
				last = now
				send(false, nil)
			}
		}
	}
}

// streamFrame carries one frame (its bytes copied) from a stream's reader
// goroutine, with the interfaces when they changed, or the error that
// ended the stream.
type streamFrame struct {
	frame  capture.Frame
	ifaces []capture.Interface
	err    error
}

// loadStream loads a capture that arrives over time (stdin, a live
// helper's pipe). Reading blocks while the sender is quiet, so a goroutine
// of its own reads, and the engine's goroutine sends a batch on a timer:
// the last packets of a burst show without waiting for the next burst.
func (s *Session) loadStream(ctx context.Context, l *Loaded, setIfaces func([]capture.Interface),
	add func(*capture.Frame), send func(bool, error), end func(error)) {
	c := l.capture
	frames := make(chan streamFrame, 4096)
	quit := make(chan struct{})
	defer close(quit)
	go func() {
		known := 0
		for {
			fr, err := c.Next()
			m := streamFrame{err: err}
			if ifs := c.Interfaces(); len(ifs) != known {
				known = len(ifs)
				m.ifaces = append([]capture.Interface(nil), ifs...)
			}
			if err == nil {
				m.frame = fr
				m.frame.Data = append([]byte(nil), fr.Data...)
			}
			select {
			case frames <- m:
			case <-quit:
				return
			}
			if err != nil {
				return
			}
		}
	}()
	tick := time.NewTicker(s.opts.Interval)
	defer tick.Stop()
	fresh := false
	for {
		select {
		case m := <-frames:
			if m.ifaces != nil {
				setIfaces(m.ifaces)
			}
			if m.err != nil {
				end(m.err)
				return
			}
			add(&m.frame)
			fresh = true
		case <-tick.C:
			if fresh {
				fresh = false
				send(false, nil)
			}
		case <-ctx.Done():
			end(fmt.Errorf("loading %s: %w", l.Name, context.Canceled))
			return
		}
	}
}

// TruncatedError is the capture package's error for a file that stops
// inside a record, so that the window can recognise it through app.
type TruncatedError = capture.TruncatedError

// lendPayloads lets asynchronous observers borrow payloads where c holds
// them instead of copying them. Only for captures read on the engine's
// goroutine: a loan is taken there, right after Next.
func lendPayloads(c *capture.Capture, observers []decode.Observer) {
	for _, o := range observers {
		if a, ok := o.(*decode.Async); ok {
			a.LendFrom(captureLender{c})
		}
	}
}

// captureLender lends packet bytes from where a capture holds them: its
// mapped file, or its read buffer.
type captureLender struct{ c *capture.Capture }

func (l captureLender) Lend(b []byte) decode.Loan {
	if s := l.c.Lend(b); s != nil {
		return s
	}
	return nil
}
