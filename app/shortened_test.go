//go:build linux

package app

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"thingsniff/capture"
	"thingsniff/capture/synth"
	"thingsniff/decode"
)

// shortener cuts the capture file under the load while packet at is being
// decoded, and then reads that packet's payload, as a decoder would: the
// page it lies in is gone from the mapping.
type shortener struct {
	path string
	at   uint32
	sink byte
}

func (s *shortener) Observe(p *decode.Packet, _ *decode.Flow) {
	if p.Num < s.at || len(p.Payload) == 0 {
		return
	}
	if err := os.Truncate(s.path, 1<<20); err != nil {
		panic(err)
	}
	s.sink = p.Payload[len(p.Payload)-1]
}

// shortenedMix writes a mix whose packet 5000 onwards lies far beyond its
// first megabyte.
func shortenedMix(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "mix.pcapng")
	if err := synth.WriteMixFile(path, synth.Options{Packets: 8000, Seed: 3}); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestLoadOfAFileShortenedWhileDecoding: the file is cut while a packet is
// being decoded. The load ends with the cut as its error, keeping every
// packet before it, instead of the program dying of the memory fault.
func TestLoadOfAFileShortenedWhileDecoding(t *testing.T) {
	path := shortenedMix(t)
	cutter := &shortener{path: path, at: 5000}
	var last Batch
	s := NewSession(Options{Observers: func() []decode.Observer { return []decode.Observer{cutter} }},
		func(b Batch) { last = b })
	t.Cleanup(s.Close)
	l, err := s.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	l.Wait()
	var te *capture.TruncatedError
	if !last.Done || !errors.As(last.Err, &te) || !strings.Contains(te.Reason, "shorter") {
		t.Fatalf("last batch done %v with %v, want the cut", last.Done, last.Err)
	}
	if cut := int(cutter.at) - 1; te.Packets != cut || l.Index.Len() != cut || last.Packets != cut {
		t.Errorf("cut after %d packets, %d indexed, %d shown; want %d each", te.Packets, l.Index.Len(), last.Packets, cut)
	}
}

// TestScanOfAFileShortenedWhileDecoding is the same for the headless
// commands' Scan.
func TestScanOfAFileShortenedWhileDecoding(t *testing.T) {
	path := shortenedMix(t)
	c, err := capture.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	defer c.Store().Close()
	seen := 0
	_, err = Scan(c, []decode.Observer{&shortener{path: path, at: 5000}}, func(decode.Index, *decode.Packet, *decode.Flow) error {
		seen++
		return nil
	})
	var te *capture.TruncatedError
	if !errors.As(err, &te) || te.Packets != 4999 || seen != 4999 {
		t.Fatalf("scan saw %d packets and ended with %v, want the cut after 4999", seen, err)
	}
}
