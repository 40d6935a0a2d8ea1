package synth

import (
	"bytes"
	"io"
	"testing"
	"time"

	"github.com/gopacket/gopacket/layers"
)

func mix(t testing.TB, o Options) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := Mix(&buf, o); err != nil {
		t.Fatalf("Mix(%+v): %v", o, err)
	}
	return buf.Bytes()
}

func testStart() time.Time { return time.Date(2024, time.March, 1, 12, 0, 0, 0, time.UTC) }

func TestMixWellFormed(t *testing.T) {
	const n = 20000
	data := mix(t, Options{Packets: n, Seed: 7, Start: testStart()})
	fs := readCapture(t, data)
	if len(fs) != n {
		t.Fatalf("got %d packets, want %d", len(fs), n)
	}
	if !fs[0].ci.Timestamp.After(testStart()) || fs[0].ci.Timestamp.After(testStart().Add(time.Second)) {
		t.Errorf("first packet at %v, want just after %v", fs[0].ci.Timestamp, testStart())
	}
	total := 0
	for _, f := range fs {
		total += len(f.data)
	}
	if avg := total / n; avg < 850 || avg > 950 {
		t.Errorf("average frame %d bytes, want about 900", avg)
	}
	ps := checkFrames(t, fs)
	conns := checkTCP(t, ps)

	// The mix has what it promises, and every connection ends.
	kinds := map[string]int{}
	for _, p := range ps {
		switch {
		case p.Layer(layers.LayerTypeDHCPv4) != nil:
			kinds["dhcp"]++
		case p.Layer(layers.LayerTypeDNS) != nil:
			kinds["dns"]++
		case p.Layer(layers.LayerTypeARP) != nil:
			kinds["arp"]++
		case p.Layer(layers.LayerTypeICMPv4) != nil:
			kinds["icmp"]++
		case p.Layer(layers.LayerTypeUDP) != nil:
			kinds["udp"]++
		}
		if len(p.Data()) == 1514 {
			kinds["full"]++
		}
		if tcp, ok := p.Layer(layers.LayerTypeTCP).(*layers.TCP); ok {
			switch {
			case bytes.HasPrefix(tcp.Payload, []byte("GET /")):
				kinds["http"]++
			case len(tcp.Payload) > 5 && tcp.Payload[0] == tlsHandshake && tcp.Payload[5] == 1:
				kinds["clienthello"]++
			}
		}
	}
	closes := map[string]int{}
	for _, c := range conns {
		fin := [2]bool{c.half[0].firstFIN != 0, c.half[1].firstFIN != 0}
		switch {
		case c.rst != 0:
			closes["rst"]++
		case fin[0] && fin[1] && c.half[0].firstFIN < c.half[1].firstFIN:
			closes["client fin"]++
		case fin[0] && fin[1]:
			closes["server fin"]++
		default:
			t.Errorf("connection %s never closes", c.key)
		}
	}
	for _, k := range []string{"dhcp", "dns", "arp", "icmp", "udp", "full", "http", "clienthello"} {
		if kinds[k] == 0 {
			t.Errorf("no %s packets in the mix: %v", k, kinds)
		}
	}
	for _, k := range []string{"rst", "client fin", "server fin"} {
		if closes[k] == 0 {
			t.Errorf("no connection closed by %s: %v", k, closes)
		}
	}
}

func TestMixDeterministic(t *testing.T) {
	o := Options{Packets: 3000, Seed: 42, Start: testStart()}
	a, b := mix(t, o), mix(t, o)
	if !bytes.Equal(a, b) {
		t.Fatal("the same options give different bytes")
	}
	o.Seed = 43
	if bytes.Equal(a, mix(t, o)) {
		t.Fatal("another seed gives the same bytes")
	}
}

func TestMixPcap(t *testing.T) {
	data := mix(t, Options{Packets: 2000, Seed: 1, Start: testStart(), Format: FormatPcap})
	if !bytes.HasPrefix(data, []byte{0x4d, 0x3c, 0xb2, 0xa1}) {
		t.Fatalf("not a nanosecond pcap: % x", data[:4])
	}
	fs := readCapture(t, data)
	if len(fs) != 2000 {
		t.Fatalf("got %d packets, want 2000", len(fs))
	}
	checkTCP(t, checkFrames(t, fs))
}

func TestMixSmallAndBad(t *testing.T) {
	for _, n := range []int{0, 1, 2, 5} {
		if fs := readCapture(t, mix(t, Options{Packets: n, Seed: 3, Start: testStart()})); len(fs) != n {
			t.Errorf("Mix of %d wrote %d packets", n, len(fs))
		}
	}
	if err := Mix(io.Discard, Options{Packets: 10, Format: "erf"}); err == nil {
		t.Error("unknown format accepted")
	}
	if err := Mix(io.Discard, Options{Packets: -1}); err == nil {
		t.Error("negative count accepted")
	}
}

// TestMixAllocations checks that writing more packets does not allocate
// more: the cost per packet is nil once the slots have warmed up.
func TestMixAllocations(t *testing.T) {
	run := func(n int) float64 {
		return testing.AllocsPerRun(1, func() {
			if err := Mix(io.Discard, Options{Packets: n, Seed: 5, Start: testStart()}); err != nil {
				t.Fatal(err)
			}
		})
	}
	// The counts are the whole process's (the race detector's runtime and
	// the test framework allocate too): 100k packets apart, a few hundred
	// of theirs do not pass for the generator's.
	small, large := run(20000), run(120000)
	if perPacket := (large - small) / 100000; perPacket > 0.01 {
		t.Errorf("%.0f allocations for 20k packets, %.0f for 120k: %.3f per packet", small, large, perPacket)
	}
}

func BenchmarkMix(b *testing.B) {
	const n = 100000
	var cw countWriter
	for b.Loop() {
		if err := Mix(&cw, Options{Packets: n, Seed: 1, Start: testStart()}); err != nil {
			b.Fatal(err)
		}
	}
	b.SetBytes(cw.n / int64(b.N))
	b.ReportMetric(float64(n), "packets/op")
}

// countWriter counts what is written to it.
type countWriter struct{ n int64 }

func (c *countWriter) Write(p []byte) (int, error) {
	c.n += int64(len(p))
	return len(p), nil
}
