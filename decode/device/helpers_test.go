package device_test

import (
	"path/filepath"
	"testing"

	"thingsniff/capture"
	"thingsniff/capture/synth"
	"thingsniff/decode"
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
