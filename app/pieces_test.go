package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"

	"thingsniff/capture"
	"thingsniff/capture/synth"
	"thingsniff/decode"
)

// indexed is what loading a capture yields: every packet's index entry,
// the flows, the interfaces, and why the reading stopped early.
type indexed struct {
	index  []decode.Index
	flows  []decode.Flow
	ifaces []capture.Interface
	err    error
}

// collect is an indexSink that keeps everything.
type collect struct{ *indexed }

func (c collect) add(ix decode.Index)                { c.index = append(c.index, ix) }
func (c collect) interfaces(ifs []capture.Interface) { c.ifaces = ifs }
func (c collect) progress(int64)                     {}

// serialIndex reads path with one cursor and one engine, packet after
// packet: the reference a parallel read must equal.
func serialIndex(t testing.TB, path string) *indexed {
	return indexWith(t, path, func(c *capture.Capture, eng *decode.Engine, out *indexed) error {
		cur := c.Cursor()
		defer func() { out.ifaces = cur.Interfaces() }()
		for {
			fr, err := cur.Next()
			if errors.Is(err, io.EOF) {
				return nil
			}
			if err != nil {
				return err
			}
			out.index = append(out.index, addFrame(eng, cur.Interfaces(), &fr))
		}
	})
}

// parallelIndex reads path in pieces of size bytes, as the window loads
// a file.
func parallelIndex(t testing.TB, path string, size int64) *indexed {
	return indexWith(t, path, func(c *capture.Capture, eng *decode.Engine, out *indexed) error {
		return readPieces(context.Background(), c, eng, size, collect{out})
	})
}

// indexWith opens path and reads it with read, through a new engine.
func indexWith(t testing.TB, path string, read func(*capture.Capture, *decode.Engine, *indexed) error) *indexed {
	t.Helper()
	c, err := capture.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	out := &indexed{}
	eng := decode.NewEngine()
	out.err = read(c, eng, out)
	for _, f := range eng.Flows() {
		out.flows = append(out.flows, *f)
	}
	return out
}

// sameIndex reports how got differs from want, "" when it does not.
func sameIndex(want, got *indexed) string {
	if len(got.index) != len(want.index) {
		return fmt.Sprintf("%d packets, serially %d", len(got.index), len(want.index))
	}
	for i := range want.index {
		if got.index[i] != want.index[i] {
			return fmt.Sprintf("packet %d: %+v, serially %+v", i+1, got.index[i], want.index[i])
		}
	}
	if len(got.flows) != len(want.flows) {
		return fmt.Sprintf("%d flows, serially %d", len(got.flows), len(want.flows))
	}
	for i := range want.flows {
		if got.flows[i] != want.flows[i] {
			return fmt.Sprintf("flow %d: %+v, serially %+v", i+1, got.flows[i], want.flows[i])
		}
	}
	if fmt.Sprint(got.ifaces) != fmt.Sprint(want.ifaces) {
		return fmt.Sprintf("interfaces %v, serially %v", got.ifaces, want.ifaces)
	}
	if fmt.Sprint(got.err) != fmt.Sprint(want.err) {
		return fmt.Sprintf("ends with %v, serially with %v", got.err, want.err)
	}
	return ""
}

// TestPiecesEqualOneCursorOnTheCorpus reads every corpus capture in
// pieces of several sizes, so that pieces begin at every kind of place
// (inside records, inside headers, at several sections' interfaces): the
// index, flow IDs, numbering, interfaces and the error that ends the
// read must equal one cursor's, packet for packet.
func TestPiecesEqualOneCursorOnTheCorpus(t *testing.T) {
	dir := corpusDir(t)
	for _, local := range corpusFiles(t, dir) {
		path := filepath.Join(dir, local)
		st, err := os.Stat(path)
		if err != nil {
			continue
		}
		if _, err := capture.Open(path); err != nil {
			continue // not a capture: nothing to split
		}
		want := serialIndex(t, path)
		for _, size := range []int64{st.Size()/3 + 1, st.Size()/13 + 1, min(st.Size()/2+1, 1000)} {
			if diff := sameIndex(want, parallelIndex(t, path, size)); diff != "" {
				t.Errorf("%s in pieces of %d bytes: %s", local, size, diff)
			}
		}
	}
}

// TestPiecesEqualOneCursorOnAMix does the same on a generated mix in both
// file formats, cut short too.
func TestPiecesEqualOneCursorOnAMix(t *testing.T) {
	for _, format := range []string{"pcapng", "pcap"} {
		path := mixFile(t, synth.Options{Packets: 20000, Seed: 9, Format: format})
		check := func(what string) {
			want := serialIndex(t, path)
			for _, size := range []int64{1 << 20, 64 << 10, 4099} {
				if diff := sameIndex(want, parallelIndex(t, path, size)); diff != "" {
					t.Errorf("%s %s in pieces of %d bytes: %s", format, what, size, diff)
				}
			}
		}
		check("whole")
		st, _ := os.Stat(path)
		if err := os.Truncate(path, st.Size()*2/3+5); err != nil {
			t.Fatal(err)
		}
		check("cut")
	}
}

// FuzzPieces reads arbitrary bytes as a capture file in pieces of a
// fuzzed size: whatever the bytes, the result must equal one cursor's.
func FuzzPieces(f *testing.F) {
	dir := f.TempDir()
	for i, format := range []string{"pcapng", "pcap"} {
		path := filepath.Join(dir, "seed."+format)
		if err := synth.WriteMixFile(path, synth.Options{Packets: 8, Seed: int64(i), Format: format}); err != nil {
			f.Fatal(err)
		}
		b, err := os.ReadFile(path)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b, uint16(700))
		f.Add(b[:len(b)*2/3], uint16(61))
	}
	f.Fuzz(func(t *testing.T, data []byte, size uint16) {
		path := filepath.Join(t.TempDir(), "fuzz")
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		c, err := capture.Open(path)
		if err != nil {
			return
		}
		c.Close()
		want := serialIndex(t, path)
		pieces := int64(size%4096) + 64 // not so small that every byte is a piece
		if diff := sameIndex(want, parallelIndex(t, path, pieces)); diff != "" {
			t.Fatalf("in pieces of %d bytes: %s", pieces, diff)
		}
	})
}
