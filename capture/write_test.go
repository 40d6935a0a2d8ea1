package capture

import (
	"bytes"
	"encoding/binary"
	"syscall"
	"testing"

	"github.com/gopacket/gopacket/layers"
)

// testPackets is a mix of sizes (odd lengths exercise pcapng padding).
func testPackets() [][]byte {
	var out [][]byte
	for i, n := range []int{60, 61, 62, 63, 1514, 1, 0, 9000, 342, 77} {
		out = append(out, pkt(n, byte(i)))
	}
	return out
}

func TestPcapngWriterRoundTrip(t *testing.T) {
	ifaces := []Interface{
		{LinkType: layers.LinkTypeEthernet, Name: "eth0", Snaplen: 262144},
		{LinkType: layers.LinkTypeLinuxSLL2, Name: "any", Snaplen: 65535, FCSLen: 4},
		{LinkType: layers.LinkTypeRaw, Name: "", Snaplen: 0},
	}
	var buf bytes.Buffer
	w, err := NewPcapngWriter(&buf, ifaces)
	if err != nil {
		t.Fatal(err)
	}
	pkts := testPackets()
	const base = int64(1_700_000_000_123_456_789)
	for i, p := range pkts {
		if err := w.WritePacket(uint16(i%3), base+int64(i)*1_000_000_007, p, uint32(len(p)+i)); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.WritePacket(3, 0, nil, 0); err == nil {
		t.Error("WritePacket to an undescribed interface succeeded")
	}
	c := flushAndOpen(t, w.Flush, buf.Bytes, "rt.pcapng")
	frames := drainWritten(t, c, len(pkts))
	for i, f := range frames {
		if f.Iface != uint16(i%3) || f.Time != base+int64(i)*1_000_000_007 || f.OrigLen != uint32(len(pkts[i])+i) || !bytes.Equal(f.bytes, pkts[i]) {
			t.Errorf("frame %d: iface %d time %d orig %d (%d bytes) differs from what was written", i, f.Iface, f.Time, f.OrigLen, len(f.bytes))
		}
	}
	sameInterfaces(t, c.Interfaces(), ifaces)
}

func TestPcapWriterRoundTrip(t *testing.T) {
	var buf bytes.Buffer
	w, err := NewPcapWriter(&buf, layers.LinkTypeLinuxSLL, 4000)
	if err != nil {
		t.Fatal(err)
	}
	pkts := testPackets()
	const base = int64(1_600_000_000_000_000_001)
	for i, p := range pkts {
		if err := w.WritePacket(base+int64(i)*999_999_999, p, 0); err != nil {
			t.Fatal(err)
		}
	}
	c := flushAndOpen(t, w.Flush, buf.Bytes, "rt.cap")
	if c.Format() != "pcap (little-endian, nanoseconds)" {
		t.Errorf("Format = %q", c.Format())
	}
	if ifs := c.Interfaces(); len(ifs) != 1 || ifs[0].LinkType != layers.LinkTypeLinuxSLL || ifs[0].Snaplen != 4000 {
		t.Errorf("Interfaces = %+v", ifs)
	}
	frames := drainWritten(t, c, len(pkts))
	for i, f := range frames {
		want := pkts[i]
		if len(want) > 4000 {
			want = want[:4000] // cut to the snaplen, as a capture would be
		}
		if f.Time != base+int64(i)*999_999_999 || f.OrigLen != uint32(len(pkts[i])) || !bytes.Equal(f.bytes, want) {
			t.Errorf("frame %d: time %d orig %d (%d bytes) differs from what was written", i, f.Time, f.OrigLen, len(f.bytes))
		}
	}
}

// TestPcapVariants reads pcap headers in every byte order and resolution.
func TestPcapVariants(t *testing.T) {
	for _, tc := range []struct {
		magic  uint32
		big    bool
		recHdr int
		format string
		frac   uint32
		want   int64
	}{
		{magicMicro, false, 16, "pcap (little-endian, microseconds)", 250_000, 7_250_000_000},
		{magicMicro, true, 16, "pcap (big-endian, microseconds)", 250_000, 7_250_000_000},
		{magicNano, false, 16, "pcap (little-endian, nanoseconds)", 5, 7_000_000_005},
		{magicNano, true, 16, "pcap (big-endian, nanoseconds)", 5, 7_000_000_005},
		{magicKuznetzov, false, 24, "pcap (little-endian, microseconds, Kuznetzov)", 1, 7_000_001_000},
	} {
		b := ng{o: binary.LittleEndian}
		if tc.big {
			b.o = binary.BigEndian
		}
		var f []byte
		f = b.o.AppendUint32(f, tc.magic)
		f = b.o.AppendUint16(f, 2)
		f = b.o.AppendUint16(f, 4)
		f = append(f, make([]byte, 8)...)
		f = b.o.AppendUint32(f, 65535)
		f = b.o.AppendUint32(f, 0x24000001) // Ethernet with a 2-word FCS, as the upper bits say
		data := pkt(33, 9)
		for range 2 {
			f = b.o.AppendUint32(f, 7)
			f = b.o.AppendUint32(f, tc.frac)
			f = b.o.AppendUint32(f, 33)
			f = b.o.AppendUint32(f, 90)
			f = append(f, make([]byte, tc.recHdr-16)...)
			f = append(f, data...)
		}
		c, err := Open(writeTemp(t, "v.pcap", f))
		if err != nil {
			t.Fatal(err)
		}
		frames, err := drain(t, c)
		c.Close()
		if err != nil || len(frames) != 2 {
			t.Fatalf("%s: %d frames, err %v", tc.format, len(frames), err)
		}
		if c.Format() != tc.format || c.Interfaces()[0].LinkType != layers.LinkTypeEthernet || c.Interfaces()[0].FCSLen != 4 {
			t.Errorf("Format %q link %v, want %q", c.Format(), c.Interfaces()[0].LinkType, tc.format)
		}
		fr := frames[1]
		if fr.Time != tc.want || fr.OrigLen != 90 || fr.Offset != int64(24+2*tc.recHdr+33) || !bytes.Equal(fr.bytes, data) {
			t.Errorf("%s: frame %+v", tc.format, fr.Frame)
		}
	}
}

// flushAndOpen flushes a writer, writes what it wrote into a file named
// name, and opens that.
func flushAndOpen(t *testing.T, flush func() error, written func() []byte, name string) *Capture {
	t.Helper()
	if err := flush(); err != nil {
		t.Fatal(err)
	}
	c, err := Open(writeTemp(t, name, written()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// fullDisk takes bytes up to its room, then fails as a full disk does,
// keeping what fitted of the write that failed.
type fullDisk struct {
	bytes.Buffer
	room int
}

func (d *fullDisk) Write(p []byte) (int, error) {
	n := min(len(p), d.room-d.Len())
	d.Buffer.Write(p[:n])
	if n < len(p) {
		return n, syscall.ENOSPC
	}
	return n, nil
}

// A full disk takes part of a flush: Delivered counts the packets that
// reached it whole, and the output cut back to where they end reads to
// its end with exactly those packets.
func TestPcapngWriterDeliveredOnAFullDisk(t *testing.T) {
	for _, room := range []int{100, 5000, 12345, 40000} {
		disk := &fullDisk{room: room}
		w, err := NewPcapngWriter(disk, []Interface{{LinkType: layers.LinkTypeEthernet, Name: "eth0"}})
		if err != nil {
			t.Fatal(err)
		}
		for i := range 1000 {
			if err := w.WritePacket(0, int64(i), pkt(60+i%50, byte(i)), 0); err != nil {
				break
			}
		}
		if err := w.Flush(); err == nil {
			t.Fatalf("room %d: the flush succeeded", room)
		}
		packets, end := w.Delivered()
		if end > int64(disk.Len()) {
			t.Fatalf("room %d: the last whole packet ends at %d, past the %d bytes written", room, end, disk.Len())
		}
		if end == 0 {
			if room >= 100 && disk.Len() >= 100 {
				// The headers fit (they take 52 bytes): end is after them.
				t.Errorf("room %d: no end given though the headers were written", room)
			}
			continue
		}
		c := flushAndOpen(t, func() error { return nil }, func() []byte { return disk.Bytes()[:end] }, "full.pcapng")
		frames, err := drain(t, c)
		if err != nil || uint64(len(frames)) != packets {
			t.Errorf("room %d: the cut output holds %d packets (%v); Delivered said %d", room, len(frames), err, packets)
		}
	}
}
