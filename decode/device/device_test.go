package device

import (
	"encoding/hex"
	"fmt"
	"strings"
	"testing"

	"github.com/gopacket/gopacket/layers"

	"thingsniff/decode"
)

// arpReply builds an Ethernet ARP reply from mac claiming ip (last octet).
func arpReply(t testing.TB, mac string, octet byte) []byte {
	t.Helper()
	m, err := hex.DecodeString(strings.ReplaceAll(mac, ":", ""))
	if err != nil {
		t.Fatal(err)
	}
	b := []byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}
	b = append(b, m...)
	b = append(b, 0x08, 0x06, 0, 1, 8, 0, 6, 4, 0, 2)
	b = append(b, m...)
	b = append(b, 192, 168, 1, octet)
	b = append(b, 0, 0, 0, 0, 0, 0, 192, 168, 1, 1)
	return b
}

func run(t testing.TB, frames ...[]byte) Report {
	b := NewBuilder(Options{})
	e := decode.NewEngine(b)
	for i, f := range frames {
		e.Add(f, layers.LinkTypeEthernet, decode.Meta{Time: int64(i) * 1e9, CapLen: uint32(len(f)), OrigLen: uint32(len(f))})
	}
	b.Finish(e.Flow)
	return b.Report()
}

func TestARPConflictIsFlaggedOnBothDevices(t *testing.T) {
	r := run(t, arpReply(t, "00:12:fb:00:00:01", 50), arpReply(t, "00:0e:59:00:00:02", 50))
	for _, mac := range []string{"00:12:fb:00:00:01", "00:0e:59:00:00:02"} {
		d := r.Device(mac)
		if d == nil {
			t.Fatalf("no device %s", mac)
		}
		found := false
		for _, f := range d.Findings {
			found = found || f.Kind == "arp-conflict" && strings.Contains(f.Text, "192.168.1.50 is claimed by 00:12:fb:00:00:01 and by 00:0e:59:00:00:02")
		}
		if !found {
			t.Errorf("%s: no conflict finding in %+v", mac, d.Findings)
		}
	}
}

func TestNoConflictForTheSameOwner(t *testing.T) {
	r := run(t, arpReply(t, "00:12:fb:00:00:01", 50), arpReply(t, "00:12:fb:00:00:01", 50))
	if d := r.Device("00:12:fb:00:00:01"); len(d.Findings) != 0 {
		t.Errorf("findings %+v", d.Findings)
	}
}

func TestFloodNeedsTheRate(t *testing.T) {
	var frames [][]byte
	for i := 0; i < 150; i++ { // 150 packets in the first second: under 200/s
		frames = append(frames, arpReply(t, "00:0e:59:00:00:02", byte(i)))
	}
	b := NewBuilder(Options{})
	e := decode.NewEngine(b)
	for i, f := range frames {
		e.Add(f, layers.LinkTypeEthernet, decode.Meta{Time: int64(i) * 1e6})
	}
	b.Finish(e.Flow)
	if d := b.Report().Device("00:0e:59:00:00:02"); len(d.Findings) != 0 {
		t.Fatalf("150 broadcasts in a second flagged: %+v", d.Findings)
	}
	b = NewBuilder(Options{FloodRate: 100})
	e = decode.NewEngine(b)
	for i, f := range frames {
		e.Add(f, layers.LinkTypeEthernet, decode.Meta{Time: int64(i) * 1e6})
	}
	b.Finish(e.Flow)
	d := b.Report().Device("00:0e:59:00:00:02")
	if len(d.Findings) != 1 || d.Findings[0].Kind != "flood" {
		t.Fatalf("findings %+v", d.Findings)
	}
}

// FuzzBuilder runs arbitrary frames through the engine and the builder:
// nothing may panic, and the report must still come out.
func FuzzBuilder(f *testing.F) {
	f.Add(arpReply(f, "00:12:fb:00:00:01", 9))
	// A WPA key handshake's message 1 (EAPOL-Key, Ack set) to a station.
	msg1 := append([]byte{0xb0, 0xc5, 0x54, 0x25, 0x5b, 0x0e, 0x28, 0xb2, 0xbd, 0xc3, 0x41, 0x79, 0x88, 0x8e, 2, 3, 0, 95, 2, 0x00, 0x8a},
		make([]byte, 92)...)
	f.Add(msg1)
	f.Fuzz(func(t *testing.T, data []byte) {
		b := NewBuilder(Options{})
		e := decode.NewEngine(b)
		for i := 0; i < 3; i++ {
			e.Add(data, layers.LinkTypeEthernet, decode.Meta{Time: int64(i)})
			if len(data) > 14 {
				e.Add(data[14:], layers.LinkTypeIPv4, decode.Meta{Time: int64(i)})
			}
			_ = b.Snapshot() // as a live capture asks between packets
		}
		b.Finish(e.Flow)
		_ = b.Report().Markdown()
	})
}

// TestSizesAndDurationsReadAsPrintfWould pins the appended forms to the
// printf ones they replaced.
func TestSizesAndDurationsReadAsPrintfWould(t *testing.T) {
	for _, n := range []uint64{0, 999, 1000, 1049, 1050, 999_949, 999_999, 1_000_000, 123_456_789, 999_999_999, 1_000_000_000, 12_345_678_901} {
		var want string
		switch {
		case n < 1000:
			want = fmt.Sprintf("%d B", n)
		case n < 1e6:
			want = fmt.Sprintf("%.1f kB", float64(n)/1e3)
		case n < 1e9:
			want = fmt.Sprintf("%.1f MB", float64(n)/1e6)
		default:
			want = fmt.Sprintf("%.2f GB", float64(n)/1e9)
		}
		if got := decode.FormatBytes(n); got != want {
			t.Errorf("decode.FormatBytes(%d) = %q, want %q", n, got, want)
		}
	}
	for _, ms := range []float64{0, 0.0004, 0.5, 0.9996, 1, 12.5, 999.4, 999.6, 1000, 3549.9} {
		var want string
		switch {
		case ms < 1:
			want = fmt.Sprintf("%.0f µs", ms*1000)
		case ms < 1000:
			want = fmt.Sprintf("%.0f ms", ms)
		default:
			want = fmt.Sprintf("%.1f s", ms/1000)
		}
		if got := fmtMs(ms); got != want {
			t.Errorf("fmtMs(%v) = %q, want %q", ms, got, want)
		}
	}
}
