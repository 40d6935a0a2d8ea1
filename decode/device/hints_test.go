package device_test

import (
	"encoding/json"
	"testing"

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
	path := mixFile(t, 60000, 5)
	report := func(b *device.Builder, eng *decode.Engine) string {
		b.Finish(eng.Flow)
		out, err := json.Marshal(b.Report())
		if err != nil {
			t.Fatal(err)
		}
		return string(out)
	}
	direct := device.NewBuilder(device.Options{})
	want := report(direct, loadFile(t, path, direct))

	behind := &countWithheld{b: device.NewBuilder(device.Options{})}
	async := decode.NewAsync(behind, behind.b.NeedsPayload)
	eng := loadFile(t, path, async)
	async.Close()
	got := report(behind.b, eng)
	if got != want {
		t.Fatalf("the report differs when body bytes are withheld (%d bytes vs %d)", len(got), len(want))
	}
	if behind.skipped < behind.passed {
		t.Errorf("of the HTTP payload, %d bytes were handed over and only %d withheld", behind.passed, behind.skipped)
	}
	t.Logf("HTTP payload: %d bytes handed over, %d withheld", behind.passed, behind.skipped)
}
