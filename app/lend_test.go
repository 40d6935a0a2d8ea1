package app

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"thingsniff/capture"
	"thingsniff/capture/synth"
	"thingsniff/decode"
	"thingsniff/decode/device"
)

// reportEveryWay builds the device report of a capture with the builder
// on the reading goroutine (it sees every byte), as the window does for a
// file (on its own goroutine, payloads lent where they lie in the mapped
// file, most packets in brief), as it does for a compressed file (lent
// from the read buffer instead), and as it does for a stream (payloads it
// asks for copied, the rest withheld). All must agree to the byte.
func reportEveryWay(t *testing.T, path string, ways ...string) (direct string) {
	t.Helper()
	report := func(how string) string {
		open := path
		if how == "read" {
			open = gzipCopy(t, path)
		}
		c, err := capture.Open(open)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		defer c.Store().Close() // and with it the spool of a compressed file
		var r device.Report
		switch how {
		case "direct":
			b := device.NewBuilder(device.Options{})
			eng, _ := Scan(c, []decode.Observer{b}, nil)
			b.Finish(eng.Flow)
			r = b.Report()
		case "mapped", "read":
			r, _ = BuildReport(c)
		case "copied":
			obs := DeviceObservers()
			eng := decode.NewEngine(obs...)
			for {
				fr, err := c.Next()
				if err != nil {
					break
				}
				addFrame(eng, c.Interfaces(), &fr)
			}
			b, err := deviceBuilder(obs)
			if err != nil {
				t.Fatal(err)
			}
			b.Finish(eng.Flow)
			r = b.Report()
		}
		out, err := json.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		return string(out)
	}
	direct = report("direct")
	for _, how := range ways {
		if got := report(how); got != direct {
			t.Errorf("%s: the report %s differs from the direct one (%d bytes vs %d)", filepath.Base(path), how, len(got), len(direct))
		}
	}
	return direct
}

// TestTimelinesReadTheSameWhateverTheHandOver checks the hand-over to the
// device timelines' goroutine on a generated mix (HTTP bodies withheld,
// TLS, DNS, bulk) and on corpus captures whose handshakes the engine does
// not take for TLS. (Run with -race to check the hand-over too.)
func TestTimelinesReadTheSameWhateverTheHandOver(t *testing.T) {
	path := filepath.Join(t.TempDir(), "mix.pcapng")
	if err := synth.WriteMixFile(path, synth.Options{Packets: 60000, Seed: 11}); err != nil {
		t.Fatal(err)
	}
	if r := reportEveryWay(t, path, "mapped", "read", "copied"); len(r) < 10000 {
		t.Fatalf("a report of %d bytes tells too little to compare", len(r))
	}
	t.Run("corpus", func(t *testing.T) {
		// Every capture: cooked captures whose link addresses change
		// from packet to packet, handshakes the engine does not take for
		// TLS, HTTP with losses and pipelining, floods.
		dir := corpusDir(t)
		for _, f := range corpusFiles(t, dir) {
			path := filepath.Join(dir, f)
			if fi, err := os.Stat(path); err != nil || fi.Size() > 70<<20 {
				continue
			}
			reportEveryWay(t, path, "mapped", "copied")
		}
	})
}

// gzipCopy writes a gzip-compressed copy of the file at path, which
// thingsniff reads through a read buffer instead of mapping it.
func gzipCopy(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), filepath.Base(path)+".gz")
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestSpeed)
	if _, err := zw.Write(data); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(out, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return out
}
