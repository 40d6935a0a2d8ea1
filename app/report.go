package app

import (
	"context"
	"errors"
	"fmt"
	"io"

	"thingsniff/capture"
	"thingsniff/decode"
	"thingsniff/decode/device"
)

// deviceStage builds the device timelines of a load on a goroutine of its
// own, with its own cursor and engine: it reads the capture beside the
// index stage and hands nothing back to it.
type deviceStage struct {
	done   chan struct{}
	asks   chan chan *device.Report
	report *device.Report
	err    error
}

func startDevices(ctx context.Context, c *capture.Capture) *deviceStage {
	st := &deviceStage{done: make(chan struct{}), asks: make(chan chan *device.Report)}
	go func() {
		defer close(st.done)
		st.report, st.err = buildDevices(ctx, c, st.asks)
	}()
	return st
}

// askEvery is how many packets the device stage reads between two looks
// for a snapshot asked of it (see DevicesSoFar).
const askEvery = 1024

// buildDevices reads c through a device builder, with a cursor and an
// engine of its own, and returns the story of its devices; a growing
// capture is followed until it ends. It answers asks with a snapshot of
// the story so far, between packets and while it waits for more. The
// report is nil when ctx ended the reading.
func buildDevices(ctx context.Context, c *capture.Capture, asks chan chan *device.Report) (*device.Report, error) {
	b := device.NewBuilder(device.Options{})
	eng := decode.NewEngine(b)
	snapshot := func(ask chan *device.Report) {
		r := b.Snapshot()
		ask <- &r
	}
	cur := c.Cursor()
	var err error
	for n := 1; ; n++ {
		var fr capture.Frame
		fr, err = cur.Next()
		if err == nil {
			addFrame(eng, cur.Interfaces(), &fr)
			if n%askEvery == 0 {
				if ctx.Err() != nil {
					return nil, ctx.Err()
				}
				select {
				case ask := <-asks:
					snapshot(ask)
				default:
				}
			}
			continue
		}
		if !errors.Is(err, capture.ErrPending) {
			break
		}
		select {
		case <-cur.Arrived():
		case ask := <-asks:
			snapshot(ask)
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	if errors.Is(err, io.EOF) {
		err = nil
	}
	b.Finish(eng.Flow)
	r := b.Report()
	if err != nil {
		err = fmt.Errorf("read %s: %w", c.Name(), err)
	}
	return &r, err
}

// Devices waits for the load's device timelines and returns their
// report; nil when the session builds none, or the load was cancelled.
// It may take a moment on a big capture: call it off the UI goroutine.
func (l *Loaded) Devices() *device.Report {
	if l.devices == nil {
		return nil
	}
	<-l.devices.done
	return l.devices.report
}

// DevicesSoFar returns the story of the devices read so far while the
// load goes on (a live capture), as a copy that later packets do not
// change; once the timelines are done, their report. Nil when the
// session builds no timelines. Call it off the UI goroutine.
func (l *Loaded) DevicesSoFar() *device.Report {
	st := l.devices
	if st == nil {
		return nil
	}
	ask := make(chan *device.Report, 1)
	select {
	case st.asks <- ask:
		return <-ask
	case <-st.done:
		return st.report
	}
}

// BuildReport reads a whole capture and returns the story of its devices,
// and the reason the capture ended early, if it did.
func BuildReport(c *capture.Capture) (device.Report, error) {
	r, err := buildDevices(context.Background(), c, nil)
	return *r, err
}
