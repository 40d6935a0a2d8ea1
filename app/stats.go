package app

import (
	"context"
	"errors"
	"fmt"
	"io"

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
