package app

import (
	"thingsniff/capture"
	"thingsniff/decode"
	"thingsniff/decode/device"
)

// DeviceObservers makes the observers a load needs to build device
// timelines: one device.Builder, on a goroutine of its own so that it uses
// the second core. Pass it as Options.Observers.
func DeviceObservers() []decode.Observer {
	b := device.NewBuilder(device.Options{})
	return []decode.Observer{decode.NewAsync(b, b.NeedsPayload)}
}

// deviceBuilder finds the builder among observers, waiting for it to see
// every packet when it runs asynchronously; err says why it stopped seeing
// them early.
func deviceBuilder(observers []decode.Observer) (b *device.Builder, err error) {
	closeObservers(observers)
	for _, o := range observers {
		if a, ok := o.(*decode.Async); ok {
			o, err = a.Inner(), a.Err()
		}
		if b, ok := o.(*device.Builder); ok {
			return b, err
		}
	}
	return nil, nil
}

// closeObservers waits for the asynchronous observers to see every packet
// handed over, so that they let go of what the capture lent them.
func closeObservers(observers []decode.Observer) {
	for _, o := range observers {
		if a, ok := o.(*decode.Async); ok {
			a.Close()
		}
	}
}

// Devices waits for the load to finish and returns its device report;
// nil when the load had no builder. It may take a moment on a big
// capture: call it off the UI goroutine.
func (l *Loaded) Devices() *device.Report {
	l.Wait()
	l.finishDevices()
	return l.report
}

// finishDevices finishes the load's device builder and keeps its report,
// once. The load calls it as it ends, so that the report is built while
// the collector is still held back (see holdGC) and the window, which
// always shows it, finds it ready.
func (l *Loaded) finishDevices() {
	l.reportOnce.Do(func() {
		l.builderMu.Lock()
		defer l.builderMu.Unlock()
		b, err := deviceBuilder(l.observers)
		l.devicesErr = err
		if b != nil {
			b.Finish(l.engine.Flow)
			r := b.Report()
			l.report = &r
		}
	})
}

// DevicesSoFar returns the story of the devices up to the last batch of a
// load still going on (a live capture), as a copy the load does not
// change; once the load has ended, the finished report. Nil when the load
// has no device builder. Call it off the UI goroutine.
func (l *Loaded) DevicesSoFar() *device.Report {
	select {
	case <-l.finished:
		return l.Devices()
	default:
	}
	l.builderMu.Lock()
	defer l.builderMu.Unlock()
	if l.report != nil {
		return l.report
	}
	for _, o := range l.observers {
		a, ok := o.(*decode.Async)
		if !ok {
			continue
		}
		var r *device.Report
		a.Call(func(o decode.Observer) {
			if b, ok := o.(*device.Builder); ok {
				snap := b.Snapshot()
				r = &snap
			}
		})
		if r != nil {
			return r
		}
	}
	return nil
}

// BuildReport reads a whole capture and returns the story of its devices,
// and the reason the capture ended early, if it did.
func BuildReport(c *capture.Capture) (device.Report, error) {
	defer holdGC()()
	obs := DeviceObservers()
	eng, err := Scan(c, obs, nil)
	b, stopped := deviceBuilder(obs)
	b.Finish(eng.Flow)
	if err == nil {
		err = stopped
	}
	return b.Report(), err
}
