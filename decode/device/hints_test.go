package device_test

import (
	"encoding/json"
	"path/filepath"
	"testing"

	"thingsniff/decode"
	"thingsniff/decode/device"
	"thingsniff/decode/stream/streamtest"
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

// TestGatheredRunsChangeNothing builds reports with skipped body bytes
// gathered into runs and handed to the reassembler one by one: they must
// be equal to the byte, on a generated mix (large downloads, pipelining,
// keep-alive) and on the corpus captures that carry HTTP.
func TestGatheredRunsChangeNothing(t *testing.T) {
	compare := func(t *testing.T, path string) {
		report := func(gather bool) string {
			defer device.SetGatherRuns(gather)()
			b := device.NewBuilder(device.Options{})
			eng := loadFile(t, path, b)
			b.Finish(eng.Flow)
			out, err := json.Marshal(b.Report())
			if err != nil {
				t.Fatal(err)
			}
			return string(out)
		}
		if one, gathered := report(false), report(true); one != gathered {
			t.Errorf("%s: the report differs when skipped bytes are gathered (%d bytes vs %d)", filepath.Base(path), len(gathered), len(one))
		}
	}
	compare(t, mixFile(t, 60000, 7))
	t.Run("corpus", func(t *testing.T) {
		dir := streamtest.CorpusDir(t)
		var files []string
		for _, pattern := range []string{"zeek/testing/btest/Traces/http/*.pcap*", "wireshark/test/captures/http*.pcap*", "tcpdump/tests/*http*.pcap"} {
			m, err := filepath.Glob(filepath.Join(dir, pattern))
			if err != nil {
				t.Fatal(err)
			}
			files = append(files, m...)
		}
		if len(files) < 15 {
			t.Fatalf("only %d HTTP captures in the corpus", len(files))
		}
		for _, path := range files {
			compare(t, path)
		}
	})
}
