package app

import (
	"errors"
	"os"
	"testing"

	"thingsniff/capture"
	"thingsniff/capture/synth"
	"thingsniff/decode"
)

// shortenedMix writes a mix of a few megabytes.
func shortenedMix(t *testing.T) string {
	t.Helper()
	return mixFile(t, synth.Options{Packets: 8000, Seed: 3})
}

// TestLoadOfAFileShortenedAfterItOpened: the file is cut after it was
// opened (and split into pieces by its old size), as when another program
// rewrites it. The load ends with the cut as its error, keeping every
// packet before it, and the index holds what a fresh open of the cut file
// reads.
func TestLoadOfAFileShortenedAfterItOpened(t *testing.T) {
	path := shortenedMix(t)
	var last Batch
	s := NewSession(Options{}, func(b Batch) { last = b })
	t.Cleanup(s.Close)
	c, err := capture.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	const cut = 3<<20 + 1234 // inside a record, beyond the first piece
	if err := os.Truncate(path, cut); err != nil {
		t.Fatal(err)
	}
	l := s.start(c)
	l.Wait()
	var te *capture.TruncatedError
	if !last.Done || !errors.As(last.Err, &te) {
		t.Fatalf("last batch done %v with %v, want the cut", last.Done, last.Err)
	}
	want := serialIndex(t, path)
	if te.Packets != len(want.index) || l.Index.Len() != len(want.index) || last.Packets != len(want.index) {
		t.Errorf("cut after %d packets, %d indexed, %d shown; a fresh open reads %d", te.Packets, l.Index.Len(), last.Packets, len(want.index))
	}
	if te.Error() != want.err.Error() {
		t.Errorf("the load ended with %q, a fresh open with %q", te, want.err)
	}
}

// TestScanOfAFileShortenedAfterItOpened is the same for the headless
// commands' Scan.
func TestScanOfAFileShortenedAfterItOpened(t *testing.T) {
	path := shortenedMix(t)
	c, err := capture.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := os.Truncate(path, 1<<20+77); err != nil {
		t.Fatal(err)
	}
	seen := 0
	_, err = Scan(c, nil, func(decode.Index, *decode.Packet, *decode.Flow) error {
		seen++
		return nil
	})
	var te *capture.TruncatedError
	if !errors.As(err, &te) || te.Packets != seen || seen == 0 {
		t.Fatalf("scan saw %d packets and ended with %v, want the cut after them", seen, err)
	}
}
