package decode_test

import (
	"path/filepath"
	"testing"

	"github.com/gopacket/gopacket/layers"

	"thingsniff/capture"
	"thingsniff/capture/synth"
	"thingsniff/decode"
)

// mixFrames generates a mix and returns its frames' bytes.
func mixFrames(b *testing.B, n int) [][]byte {
	b.Helper()
	path := filepath.Join(b.TempDir(), "mix.pcapng")
	if err := synth.WriteMixFile(path, synth.Options{Packets: n, Seed: 4}); err != nil {
		b.Fatal(err)
	}
	c, err := capture.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	var out [][]byte
	for cur := c.Cursor(); ; {
		fr, err := cur.Next()
		if err != nil {
			return out
		}
		out = append(out, append([]byte(nil), fr.Data...))
	}
}

// BenchmarkParser decodes a mix's packets with one Parser.
func BenchmarkParser(b *testing.B) {
	frames := mixFrames(b, 50000)
	p := decode.NewParser()
	var pkt decode.Packet
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		p.Decode(frames[i%len(frames)], layers.LinkTypeEthernet, &pkt)
	}
}

// BenchmarkEngine decodes and tracks a mix's packets with one Engine.
func BenchmarkEngine(b *testing.B) {
	frames := mixFrames(b, 50000)
	b.ResetTimer()
	var e *decode.Engine
	for i := 0; i < b.N; i++ {
		if i%len(frames) == 0 {
			e = decode.NewEngine()
		}
		e.Add(frames[i%len(frames)], layers.LinkTypeEthernet, decode.Meta{Time: int64(i)})
	}
}
