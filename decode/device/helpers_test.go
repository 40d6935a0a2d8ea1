package device_test

import (
	"path/filepath"
	"testing"

	"thingsniff/capture"
	"thingsniff/capture/synth"
	"thingsniff/decode"
	"thingsniff/decode/device"
)

// mixFile writes a generated mix of traffic for a test.
func mixFile(tb testing.TB, packets int, seed int64) string {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), "mix.pcapng")
	if err := synth.WriteMixFile(path, synth.Options{Packets: packets, Seed: seed}); err != nil {
		tb.Fatal(err)
	}
	return path
}

// loadFile runs a capture through an engine with one observer.
func loadFile(tb testing.TB, path string, obs decode.Observer) *decode.Engine {
	tb.Helper()
	c, err := capture.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer c.Close()
	eng := decode.NewEngine(obs)
	cur := c.Cursor()
	for {
		fr, err := cur.Next()
		if err != nil {
			break
		}
		eng.Add(fr.Data, cur.Interfaces()[fr.Iface].LinkType, decode.Meta{Offset: fr.Offset, Time: fr.Time, CapLen: fr.CapLen, OrigLen: fr.OrigLen})
	}
	return eng
}

// observerFunc makes a function an Observer.
type observerFunc func(p *decode.Packet, f *decode.Flow)

func (o observerFunc) Observe(p *decode.Packet, f *decode.Flow) { o(p, f) }

// reportWith reads a capture through a builder with opts and returns its
// report.
func reportWith(tb testing.TB, path string, opts device.Options) device.Report {
	tb.Helper()
	b := device.NewBuilder(opts)
	eng := loadFile(tb, path, b)
	b.Finish(eng.Flow)
	return b.Report()
}

// eventsOf returns the report's events of one kind, device after device.
func eventsOf(r device.Report, kind device.Kind) []*device.Event {
	var out []*device.Event
	for _, d := range r.Devices {
		for _, e := range d.Events {
			if e.Kind == kind {
				out = append(out, e)
			}
		}
	}
	return out
}
