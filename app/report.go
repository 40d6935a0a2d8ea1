package app

import (
	"thingsniff/capture"
	"thingsniff/decode"
	"thingsniff/decode/device"
)

// DeviceObservers makes the observers a load needs to build device
// timelines: one device.Builder. Pass it as Options.Observers.
func DeviceObservers() []decode.Observer {
	return []decode.Observer{device.NewBuilder(device.Options{})}
}

// Devices waits for the load to finish, finishes its device builder and
// returns the report; nil when the load had no builder. It may take a
// moment on a big capture: call it off the UI goroutine.
func (l *Loaded) Devices() *device.Report {
	l.Wait()
	for _, o := range l.observers {
		if b, ok := o.(*device.Builder); ok {
			l.reportOnce.Do(func() {
				b.Finish(l.engine.Flow)
				r := b.Report()
				l.report = &r
			})
			return l.report
		}
	}
	return nil
}

// BuildReport reads a whole capture and returns the story of its devices,
// and the reason the capture ended early, if it did.
func BuildReport(c *capture.Capture) (device.Report, error) {
	b := device.NewBuilder(device.Options{})
	eng, err := Scan(c, []decode.Observer{b}, nil)
	b.Finish(eng.Flow)
	return b.Report(), err
}
