package device_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"thingsniff/capture"
	"thingsniff/capture/synth"
	"thingsniff/decode"
	"thingsniff/decode/device"
)

// countWithheld passes packets on to a builder and counts the HTTP
// payload bytes that reached it and that were withheld on the way.
type countWithheld struct {
	b               *device.Builder
	passed, skipped int
}

func (c *countWithheld) Observe(p *decode.Packet, f *decode.Flow) {
	if f != nil && (f.App == decode.ProtoHTTP || f.Server.Port() == 80) {
		c.passed += len(p.Payload)
		c.skipped += p.Withheld
	}
	c.b.Observe(p, f)
}

// TestBodyHintsSpareBodyBytes loads a generated mix with the builder
// behind decode.Async, as the window does: most bytes of large HTTP
// bodies must stay behind (the builder only counts them), and the report
// must be the one a builder that sees every byte makes.
func TestBodyHintsSpareBodyBytes(t *testing.T) {
	path := filepath.Join(t.TempDir(), "mix.pcapng")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := synth.Mix(f, synth.Options{Packets: 60000, Seed: 5}); err != nil {
		t.Fatal(err)
	}
	f.Close()
	load := func(obs decode.Observer, close func()) *decode.Engine {
		c, err := capture.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		eng := decode.NewEngine(obs)
		for {
			fr, err := c.Next()
			if err != nil {
				break
			}
			eng.Add(fr.Data, c.Interfaces()[fr.Iface].LinkType, decode.Meta{Time: fr.Time, CapLen: fr.CapLen, OrigLen: fr.OrigLen})
		}
		close()
		return eng
	}
	report := func(b *device.Builder, eng *decode.Engine) string {
		b.Finish(eng.Flow)
		out, err := json.Marshal(b.Report())
		if err != nil {
			t.Fatal(err)
		}
		return string(out)
	}
	direct := device.NewBuilder(device.Options{})
	want := report(direct, load(direct, func() {}))

	behind := &countWithheld{b: device.NewBuilder(device.Options{})}
	async := decode.NewAsync(behind, behind.b.NeedsPayload)
	got := report(behind.b, load(async, async.Close))
	if got != want {
		t.Fatalf("the report differs when body bytes are withheld (%d bytes vs %d)", len(got), len(want))
	}
	if behind.skipped < behind.passed {
		t.Errorf("of the HTTP payload, %d bytes were handed over and only %d withheld", behind.passed, behind.skipped)
	}
	t.Logf("HTTP payload: %d bytes handed over, %d withheld", behind.passed, behind.skipped)
}
