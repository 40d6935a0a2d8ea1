package loadtest

import (
	"context"
	"fmt"
	"io"
	"net/netip"
	"time"

	"thingsniff/capture/live"
)

// RateOptions configure RateTest.
type RateOptions struct {
	// Netns is the network namespace the load is sent from, Target where
	// it goes; the capture being measured must see it (and, with a
	// filter, only it).
	Netns  string
	Target netip.AddrPort
	// Rates are the offered packets per second, one step each, for Each.
	Rates []int
	Each  time.Duration
	// Size is the UDP payload size (default 64).
	Size int
	// Counters returns the measured capture's counters now.
	Counters func() live.Stats
	// Captured, when set, returns how many packets the consumer (the
	// window, a spool) has read, which is what counts in the end; else
	// the helper's Written counts.
	Captured func() uint64
	// Settle is the longest wait after each step for the counters to stop
	// moving (default 3 s).
	Settle time.Duration
}

// RateStep is what one rate of a RateTest gave.
type RateStep struct {
	Rate    int
	Offered uint64 // datagrams the sender's kernel accepted
	Seen    uint64 // packets the filter passed (libpcap's received)
	// Captured is packets that reached the output (or the consumer).
	Captured    uint64
	KernelDrops uint64
	IfDrops     uint64
	// Lost is offered packets that no counter accounts for (lost before
	// the capture socket, or after it, in our own pipeline).
	Lost int64
}

// RateTest offers UDP load at each rate in turn and reports what the
// measured capture saw, from the differences of its counters.
func RateTest(ctx context.Context, o RateOptions) ([]RateStep, error) {
	if o.Size <= 0 {
		o.Size = 64
	}
	if o.Settle <= 0 {
		o.Settle = 3 * time.Second
	}
	captured := o.Captured
	if captured == nil {
		captured = func() uint64 { return o.Counters().Written }
	}
	g, err := NewGenerator(o.Netns, o.Target, o.Size)
	if err != nil {
		return nil, err
	}
	defer g.Close()
	var steps []RateStep
	for _, rate := range o.Rates {
		before, capBefore := o.Counters(), captured()
		sent, err := g.Send(ctx, rate, o.Each, 0)
		if err != nil {
			return steps, err
		}
		after, capAfter := settle(ctx, o, captured)
		s := RateStep{Rate: rate, Offered: sent, Seen: after.Received - before.Received,
			Captured: capAfter - capBefore, KernelDrops: after.Dropped - before.Dropped,
			IfDrops: after.IfDropped - before.IfDropped}
		s.Lost = int64(s.Offered) - int64(s.Captured) - int64(s.KernelDrops) - int64(s.IfDrops)
		steps = append(steps, s)
		if ctx.Err() != nil {
			break
		}
	}
	return steps, ctx.Err()
}

// settle waits until the counters stop moving or Settle passes.
func settle(ctx context.Context, o RateOptions, captured func() uint64) (live.Stats, uint64) {
	deadline := time.Now().Add(o.Settle)
	last, lastCap := o.Counters(), captured()
	for time.Now().Before(deadline) && ctx.Err() == nil {
		time.Sleep(300 * time.Millisecond)
		s, c := o.Counters(), captured()
		if s == last && c == lastCap {
			break
		}
		last, lastCap = s, c
	}
	return last, lastCap
}

// WriteRateTable prints steps as a table for people.
func WriteRateTable(w io.Writer, steps []RateStep) {
	fmt.Fprintf(w, "%10s %10s %10s %10s %12s %10s %10s\n", "rate/s", "offered", "seen", "captured", "kernel-drop", "if-drop", "lost")
	for _, s := range steps {
		fmt.Fprintf(w, "%10d %10d %10d %10d %12d %10d %10d\n", s.Rate, s.Offered, s.Seen, s.Captured, s.KernelDrops, s.IfDrops, s.Lost)
	}
}
