package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"thingsniff/capture"
	"thingsniff/decode"
	"thingsniff/decode/device"
	"thingsniff/decode/stats"
)

// BuildStats reads a whole capture once, with a cursor of its own, through
// one engine that feeds both a statistics collector and a device builder
// (which names endpoints and lists DNS and HTTP), and returns every
// statistic, with the reason the capture ended early, if it did.
func BuildStats(c *capture.Capture, opts stats.Options) (*stats.Result, error) {
	b := device.NewBuilder(device.Options{})
	col := stats.New(opts)
	eng, err := Scan(c, []decode.Observer{b, col}, nil)
	b.Finish(eng.Flow)
	r := b.Report()
	return col.Result(eng.Flows(), &r), err
}

// Stats computes the statistics of a loaded capture on the calling
// goroutine: a pass of its own over the capture, with its own cursor
// and engine, joined with the device timelines the load built (it waits
// for them; a live capture gives what has arrived so far). It returns
// ctx's error when ctx ends first. Call it off the
// UI goroutine.
func (l *Loaded) Stats(ctx context.Context, opts stats.Options) (*stats.Result, error) {
	col := stats.New(opts)
	eng := decode.NewEngine(col)
	cur := l.Store.Cursor()
	for n := 1; ; n++ {
		fr, err := cur.Next()
		if err == nil {
			addFrame(eng, cur.Interfaces(), &fr)
			if n%askEvery == 0 && ctx.Err() != nil {
				return nil, ctx.Err()
			}
			continue
		}
		var trunc *capture.TruncatedError
		switch {
		case errors.Is(err, capture.ErrPending):
			// A live capture: the statistics of what has come so far.
			return col.Result(eng.Flows(), l.DevicesSoFar()), nil
		case errors.Is(err, io.EOF), errors.As(err, &trunc):
			return col.Result(eng.Flows(), l.Devices()), nil
		}
		return nil, fmt.Errorf("statistics of %s: %w", l.Name, err)
	}
}

// IOSeries counts the first n packets of the index (those of which, when
// which is not nil: 0-based indexes, as a filter returns them) into
// buckets of interval, at most maxBuckets of them: the I/O graph's
// lines. It reads only the index in memory, so it is quick on any
// capture; safe off the UI goroutine for n up to the last batch's count.
func (l *Loaded) IOSeries(which []int, n int, interval time.Duration, maxBuckets int) stats.IOSeries {
	s := stats.NewSeries(interval, maxBuckets)
	add := func(i int) {
		ix := l.Index.At(i)
		s.Add(ix.Time, uint64(ix.OrigLen), ix.Flags&(decode.FlagBroadcast|decode.FlagMulticast) != 0, uint32(i+1))
	}
	if which == nil {
		for i := range min(n, l.Index.Len()) {
			add(i)
		}
	} else {
		for _, i := range which {
			if i < l.Index.Len() {
				add(i)
			}
		}
	}
	return s.IO()
}

// TimeSpan is the time of the first of n packets of the index and of the
// latest among them (Unix nanoseconds); zeros when there are none.
func (l *Loaded) TimeSpan(n int) (first, last int64) {
	n = min(n, l.Index.Len())
	if n == 0 {
		return 0, 0
	}
	first = l.Index.At(0).Time
	last = first
	for i := range n {
		last = max(last, l.Index.At(i).Time)
	}
	return first, last
}
