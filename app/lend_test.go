package app

import (
	"encoding/json"
	"path/filepath"
	"testing"

	"thingsniff/capture"
	"thingsniff/capture/synth"
	"thingsniff/decode"
	"thingsniff/decode/device"
)

// TestLentPayloadsGiveTheSameReport builds the device report of a
// generated mix twice: with the builder on the reading goroutine, and as
// the window does, on its own goroutine with payloads lent from the
// read buffer and most packets handed over in brief. Both must agree to
// the byte. (Run with -race to check the hand-over too.)
func TestLentPayloadsGiveTheSameReport(t *testing.T) {
	path := filepath.Join(t.TempDir(), "mix.pcapng")
	if err := synth.WriteMixFile(path, synth.Options{Packets: 60000, Seed: 11}); err != nil {
		t.Fatal(err)
	}
	report := func(async bool) []byte {
		c, err := capture.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		var r device.Report
		if async {
			r, err = BuildReport(c)
		} else {
			b := device.NewBuilder(device.Options{})
			var eng *decode.Engine
			eng, err = Scan(c, []decode.Observer{b}, nil)
			b.Finish(eng.Flow)
			r = b.Report()
		}
		if err != nil {
			t.Fatal(err)
		}
		out, err := json.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	direct, lent := report(false), report(true)
	if string(direct) != string(lent) {
		t.Fatalf("the reports differ: %d bytes direct, %d through Async", len(direct), len(lent))
	}
	if len(direct) < 10000 {
		t.Fatalf("a report of %d bytes tells too little to compare", len(direct))
	}
}
