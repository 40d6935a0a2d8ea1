package live

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gopacket/gopacket/pcap"

	"thingsniff/capture"
)

// readTimeout bounds how long a read waits for a packet, so that Run
// flushes at the end of a burst and sees a stop while the line is quiet.
const readTimeout = 50 * time.Millisecond

// DefaultFlushInterval is how often Run flushes during a steady stream.
const DefaultFlushInterval = 250 * time.Millisecond

// RunOptions say how long to capture and how to report.
type RunOptions struct {
	// Count stops the capture after that many packets (0: no limit).
	Count uint64
	// Duration stops the capture after that long (0: no limit).
	Duration time.Duration
	// FlushInterval is the longest time a written packet stays buffered
	// (DefaultFlushInterval when 0; never more than a second).
	FlushInterval time.Duration
	// StatsInterval is how often a counter line goes to Stats (0: only
	// the final line).
	StatsInterval time.Duration
	// Stats receives counter lines (FormatStats, one per line); nil for none.
	Stats io.Writer
}

// Run reads packets and writes them to w as pcapng until ctx is done, the
// count or duration is reached, the interface fails or w fails. It always
// flushes what it read before returning and writes a final counter line.
// A stop (ctx, count, duration) returns a nil error.
func (h *Handle) Run(ctx context.Context, w io.Writer, ro RunOptions) (Stats, error) {
	if ro.FlushInterval <= 0 || ro.FlushInterval > time.Second {
		ro.FlushInterval = DefaultFlushInterval
	}
	if ro.Duration > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, ro.Duration)
		defer cancel()
	}
	pw, err := capture.NewPcapngWriter(w, []capture.Interface{h.Interface()})
	if err != nil {
		return Stats{}, fmt.Errorf("capture on %q: %w", h.name, err)
	}
	// The header goes out at once: a reader learns that the capture runs.
	if err := pw.Flush(); err != nil {
		return Stats{}, fmt.Errorf("capture on %q: write output: %w", h.name, err)
	}

	// A side goroutine only raises flags; the reading loop owns the
	// writer and the handle, so there is nothing else to lock.
	var stop, due atomic.Bool
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(ro.FlushInterval)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				stop.Store(true)
				return
			case <-done:
				return
			case <-t.C:
				due.Store(true)
			}
		}
	}()
	defer func() { close(done); wg.Wait() }()

	var st Stats
	var written uint64
	lastStats := time.Now()
	flush := func() error {
		if written == st.Written {
			return nil
		}
		err := pw.Flush()
		// What reached the output, also when the write failed part way
		// (a full disk takes some of the buffer).
		st.Written, st.end = pw.Delivered()
		if err != nil {
			return fmt.Errorf("capture on %q: write output after %d packets: %w", h.name, st.Written, err)
		}
		return nil
	}
	report := func(final bool) {
		if s, err := h.h.Stats(); err == nil {
			st.Received, st.Dropped, st.IfDropped = uint64(s.PacketsReceived), uint64(s.PacketsDropped), uint64(s.PacketsIfDropped)
		}
		st.Final = final
		if ro.Stats != nil {
			fmt.Fprintln(ro.Stats, FormatStats(st))
		}
	}
	// tick flushes and reports when the ticker asked for it.
	tick := func() error {
		if !due.Load() {
			return nil
		}
		due.Store(false)
		if err := flush(); err != nil {
			return err
		}
		if ro.StatsInterval > 0 {
			if now := time.Now(); now.Sub(lastStats) >= ro.StatsInterval {
				lastStats = now
				report(false)
			}
		}
		return nil
	}

	var runErr error
	for runErr == nil && !stop.Load() {
		data, ci, err := h.h.ZeroCopyReadPacketData()
		switch {
		case err == nil:
			if err := pw.WritePacket(0, ci.Timestamp.UnixNano(), data, uint32(ci.Length)); err != nil {
				st.Written, st.end = pw.Delivered()
				runErr = fmt.Errorf("capture on %q: write output after %d packets: %w", h.name, st.Written, err)
				break
			}
			written++
			if ro.Count > 0 && written >= ro.Count {
				stop.Store(true)
			}
			runErr = tick()
		case errors.Is(err, pcap.NextErrorTimeoutExpired):
			// The line is quiet: the burst is over, make it readable.
			if runErr = flush(); runErr == nil {
				runErr = tick()
			}
		case errors.Is(err, io.EOF):
			stop.Store(true)
		default:
			msg := err.Error()
			if e := h.h.Error(); e != nil && e.Error() != "" {
				msg = e.Error()
			}
			runErr = fmt.Errorf("capture on %q stopped: %s (did the interface go down or away?)", h.name, msg)
		}
	}
	if err := flush(); err != nil && runErr == nil {
		runErr = err
	}
	report(true)
	return st, runErr
}
