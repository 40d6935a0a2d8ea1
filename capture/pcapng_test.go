package capture

import (
	"bytes"
	"encoding/binary"
	"errors"
	"strings"
	"testing"

	"github.com/gopacket/gopacket/layers"
)

// TestPcapngSectionsAndInterfaces builds a file with a little-endian and a
// big-endian section, interfaces of different link types and timestamp
// resolutions, every packet block type and blocks that must be skipped.
func TestPcapngSectionsAndInterfaces(t *testing.T) {
	const sec = 1_700_000_000
	le := &ng{o: binary.LittleEndian}
	le.shb()
	le.idb(1, 65535, le.opt(optIfName, []byte("eth0")))                                                             // microseconds by default
	le.block(4, le.u16(1), le.u16(8), []byte{10, 0, 0, 1, 'a', '.', 'b', 0}, le.u32(0))                             // NRB
	le.idb(113, 128, le.opt(optTSResol, []byte{9}), le.opt(optIfName, []byte("any")), le.opt(optFCSLen, []byte{4})) // nanoseconds, SLL
	le.epb(0, sec*1_000_000+250_000, pkt(60, 1), 60)
	le.block(0x00000bad, le.u32(32473), []byte("custom block, skip me"))
	le.epb(1, sec*1_000_000_000+7, pkt(100, 2), 1500)
	le.block(5, le.u32(0), le.u32(0), le.u32(0))                // ISB
	le.block(10, le.u32(0x544c534b), le.u32(4), []byte("keys")) // DSB

	be := &ng{o: binary.BigEndian}
	be.shb()
	be.idb(101, 0, be.opt(optTSResol, []byte{0x80 | 10}), be.opt(optTSOffset, be.o.AppendUint64(nil, 1000))) // 2^-10 s, raw IP
	be.epb(0, 5<<10|512, pkt(40, 3), 40)                                                                     // 1005.5 s
	be.spb(40, pkt(40, 4))                                                                                   // no timestamp
	be.pb(0, 6<<10, pkt(41, 5))
	be.spb(20, pkt(24, 6)) // 24 bytes stored (padding included), 20 on the wire
	data := append(le.buf.Bytes(), be.buf.Bytes()...)

	c, err := Open(writeTemp(t, "sections.bin", data))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if c.Format() != "pcapng" {
		t.Errorf("Format = %q", c.Format())
	}
	frames, cur, err := drainCursor(t, c)
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		iface        uint16
		time         int64
		caplen, orig uint32
		seed         byte
	}{
		{0, sec*1e9 + 250_000_000, 60, 60, 1},
		{1, sec*1e9 + 7, 100, 1500, 2},
		{2, 1005_500_000_000, 40, 40, 3},
		{2, 1005_500_000_000, 40, 40, 4},
		{2, 1006_000_000_000, 41, 41, 5},
		{2, 1006_000_000_000, 20, 20, 6},
	}
	if len(frames) != len(want) {
		t.Fatalf("got %d frames, want %d", len(frames), len(want))
	}
	for i, w := range want {
		f := frames[i]
		if f.Iface != w.iface || f.Time != w.time || f.CapLen != w.caplen || f.OrigLen != w.orig {
			t.Errorf("frame %d: iface %d time %d caplen %d orig %d; want %+v", i+1, f.Iface, f.Time, f.CapLen, f.OrigLen, w)
		}
		if !bytes.Equal(f.bytes, pkt(int(w.caplen), w.seed)) {
			t.Errorf("frame %d: wrong bytes", i+1)
		}
	}
	sameInterfaces(t, cur.Interfaces(), []Interface{
		{LinkType: layers.LinkTypeEthernet, Name: "eth0", Snaplen: 65535},
		{LinkType: layers.LinkTypeLinuxSLL, Name: "any", Snaplen: 128, FCSLen: 4},
		{LinkType: layers.LinkTypeRaw},
	})
}

func TestPcapngDamage(t *testing.T) {
	cases := []struct {
		name  string
		build func(b *ng)
		want  string
	}{
		{"unknown interface", func(b *ng) { b.shb().idb(1, 0).epb(3, 0, pkt(10, 0), 10) }, "interface 3"},
		{"packet before any interface", func(b *ng) { b.shb().spb(10, pkt(12, 0)) }, "interface 0"},
		{"caplen beyond block", func(b *ng) {
			b.shb().idb(1, 0)
			b.block(blockEPB, b.u32(0), b.u32(0), b.u32(0), b.u32(500), b.u32(500), pkt(8, 0))
		}, "holds only 8"},
		{"trailing length differs", func(b *ng) {
			b.shb().idb(1, 0).epb(0, 0, pkt(10, 0), 10)
			raw := b.buf.Bytes()
			raw[len(raw)-4]++
		}, "at its end"},
		{"absurd block length", func(b *ng) {
			b.shb()
			b.buf.Write(b.u32(1))
			b.buf.Write(b.u32(0x7ffffff0))
		}, "impossible length"},
		{"interfaces reset by a new section", func(b *ng) { b.shb().idb(1, 0).shb().epb(0, 0, pkt(10, 0), 10) }, "interface 0"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			b := &ng{o: binary.LittleEndian}
			tc.build(b)
			c, err := Open(writeTemp(t, "bad.pcapng", b.buf.Bytes()))
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			_, cur, err := drainCursor(t, c)
			var te *TruncatedError
			if !errors.As(err, &te) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want a TruncatedError mentioning %q", err, tc.want)
			}
			if _, again := cur.Next(); again != err {
				t.Errorf("Next after an error returned %v, want the same error", again)
			}
		})
	}
}

func TestResolution(t *testing.T) {
	cases := []struct {
		resol byte
		units uint64
		want  int64
	}{
		{6, 1_500_000, 1_500_000_000},
		{9, 42, 42},
		{3, 2500, 2_500_000_000},
		{12, 1_000_000_000_123_456, 1_000_000_000_123},
		{0x80 | 20, 3<<20 | 1<<19, 3_500_000_000},
		{0x80, 7, 7_000_000_000}, // 2^-0: whole seconds
		{0x80 | 40, 1 << 40, 1_000_000_000},
		{6, ^uint64(0), 1<<63 - 1}, // past 2262: saturate, never wrap into the past
	}
	for _, tc := range cases {
		if got := resolution(tc.resol).ns(tc.units); got != tc.want {
			t.Errorf("resolution 0x%x, %d units = %d ns, want %d", tc.resol, tc.units, got, tc.want)
		}
	}
}
