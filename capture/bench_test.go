package capture

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/gopacket/gopacket/layers"
)

// benchFile writes a capture of mixed packet sizes (about 45 MB) with the
// package's own writers.
func benchFile(b *testing.B, ng bool) string {
	b.Helper()
	sizes := []int{60, 66, 1514, 590, 1514, 80, 342, 1514}
	pkts := make([][]byte, len(sizes))
	for i, n := range sizes {
		pkts[i] = pkt(n, byte(i))
	}
	var buf bytes.Buffer
	const count = 60_000
	if ng {
		w, _ := NewPcapngWriter(&buf, []Interface{{LinkType: layers.LinkTypeEthernet}})
		for i := range count {
			w.WritePacket(0, int64(i)*1e6, pkts[i%len(pkts)], 0)
		}
		w.Flush()
	} else {
		w, _ := NewPcapWriter(&buf, layers.LinkTypeEthernet, 0)
		for i := range count {
			w.WritePacket(int64(i)*1e6, pkts[i%len(pkts)], 0)
		}
		w.Flush()
	}
	p := filepath.Join(b.TempDir(), "bench")
	if err := os.WriteFile(p, buf.Bytes(), 0o644); err != nil {
		b.Fatal(err)
	}
	return p
}

func BenchmarkReadPcap(b *testing.B)   { drainBench(b, benchFile(b, false)) }
func BenchmarkReadPcapng(b *testing.B) { drainBench(b, benchFile(b, true)) }

// BenchmarkReadCorpusPerf reads the corpus' 64 MB merged IoT capture.
func BenchmarkReadCorpusPerf(b *testing.B) {
	drainBench(b, filepath.Join(corpusDir(b), "perf", "iot-sentinel-all-devices-merged.pcap"))
}

// drainBench reads path to its end b.N times; allocs/op stays flat however
// many packets the file has, because Next allocates nothing per packet.
func drainBench(b *testing.B, path string) {
	st, err := os.Stat(path)
	if err != nil {
		b.Skip(err)
	}
	b.SetBytes(st.Size())
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		c, err := Open(path)
		if err != nil {
			b.Fatal(err)
		}
		cur := c.Cursor()
		for {
			if _, err := cur.Next(); err != nil {
				if err != io.EOF {
					b.Fatal(err)
				}
				break
			}
		}
		c.Close()
	}
}

// TestNextDoesNotAllocate holds Next to no allocation per packet, for
// both formats (a count, not a timing).
func TestNextDoesNotAllocate(t *testing.T) {
	for _, ng := range []bool{false, true} {
		var buf bytes.Buffer
		ifc := Interface{LinkType: layers.LinkTypeEthernet}
		var write func(p []byte)
		if ng {
			w, _ := NewPcapngWriter(&buf, []Interface{ifc})
			write = func(p []byte) { w.WritePacket(0, 1, p, 0); w.Flush() }
		} else {
			w, _ := NewPcapWriter(&buf, ifc.LinkType, 0)
			write = func(p []byte) { w.WritePacket(1, p, 0); w.Flush() }
		}
		for i := range 300 {
			write(pkt(60+i, byte(i)))
		}
		c, err := Open(writeTemp(t, "a", buf.Bytes()))
		if err != nil {
			t.Fatal(err)
		}
		cur := c.Cursor()
		allocs := testing.AllocsPerRun(200, func() {
			if _, err := cur.Next(); err != nil {
				t.Fatal(err)
			}
		})
		c.Close()
		if allocs != 0 {
			t.Errorf("pcapng %v: %v allocations per packet", ng, allocs)
		}
	}
}
