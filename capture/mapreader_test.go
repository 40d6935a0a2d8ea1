//go:build linux

package capture

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/gopacket/gopacket/layers"
)

// writePcapOf writes n packets of size bytes each (packet i filled from
// seed i) and returns the file's path and each record's data offset.
func writePcapOf(t *testing.T, n, size int) (string, []int64) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "big.pcap")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w, err := NewPcapWriter(f, layers.LinkTypeEthernet, 0)
	if err != nil {
		t.Fatal(err)
	}
	offsets := make([]int64, n)
	for i := range n {
		offsets[i] = 24 + int64(i)*int64(16+size) + 16
		if err := w.WritePacket(int64(i)*1e6, pkt(size, byte(i)), 0); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return path, offsets
}

// openMapped opens the capture at path, which must be read through its
// mapping.
func openMapped(t *testing.T, path string) *Capture {
	t.Helper()
	c, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Store().Close() })
	if c.mr == nil {
		t.Fatal("a regular file on Linux was not mapped")
	}
	return c
}

// mappedResident is how many bytes of the mapping that starts at data
// the process holds resident, by /proc/self/smaps; -1 when it is not
// mapped at all.
func mappedResident(t *testing.T, data []byte) int {
	t.Helper()
	smaps, err := os.ReadFile("/proc/self/smaps")
	if err != nil {
		t.Skip("no /proc/self/smaps:", err)
	}
	start := fmt.Sprintf("%x-", uintptrOf(data))
	lines := strings.Split(string(smaps), "\n")
	for i, l := range lines {
		if !strings.HasPrefix(l, start) {
			continue
		}
		for _, r := range lines[i+1:] {
			if f := strings.Fields(r); len(f) == 3 && f[0] == "Rss:" {
				kb, _ := strconv.Atoi(f[1])
				return kb << 10
			}
		}
	}
	return -1
}

// TestMappedCaptureGivesPagesBackButKeepsLoans reads a 40 MB file through
// its mapping while one packet stays lent: the lent bytes read as written
// to the end, even after Close, the pages the reader passed do not stay
// resident, and the mapping goes when the loan comes back.
func TestMappedCaptureGivesPagesBackButKeepsLoans(t *testing.T) {
	const n, size = 6000, 7000
	path, _ := writePcapOf(t, n, size)
	c := openMapped(t, path)
	var lent *Slab
	var kept []byte
	most := 0
	for i := 0; ; i++ {
		f, err := c.Next()
		if err != nil {
			if !errors.Is(err, io.EOF) {
				t.Fatalf("after %d packets: %v", i, err)
			}
			break
		}
		if !bytes.Equal(f.Data, pkt(size, byte(i))) {
			t.Fatalf("packet %d reads wrong", i)
		}
		if i == 1000 {
			if lent = c.Lend(f.Data); lent == nil || !lent.Holds(f.Data) {
				t.Fatal("a packet inside the mapping was not lent")
			}
			kept = f.Data
		}
		if i%500 == 0 {
			most = max(most, mappedResident(t, c.mr.data))
		}
	}
	// The window being read, the one before it, the lent one, and a huge
	// page of slack on each side.
	if limit := 3*mapWindow + 4<<20; most > limit {
		t.Errorf("%d MB of the 42 MB file stayed resident while reading, more than %d MB", most>>20, limit>>20)
	}
	data := c.mr.data
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(kept, pkt(size, 1000%256)) {
		t.Error("lent bytes changed after the reader moved on and closed")
	}
	if mappedResident(t, data) == -1 {
		t.Error("the mapping went while a loan was out")
	}
	lent.Return()
	if r := mappedResident(t, data); r != -1 {
		t.Errorf("the mapping stayed after Close and the last Return (%d bytes resident)", r)
	}
}

// TestMappedCaptureShortenedWhileReading cuts the file under its reader:
// every packet before the cut arrives whole, and the next Next reports the
// cut instead of crashing on the pages the file lost.
func TestMappedCaptureShortenedWhileReading(t *testing.T) {
	const n, size = 600, 6000
	path, offsets := writePcapOf(t, n, size)
	c := openMapped(t, path)
	defer c.Close()
	for i := range 100 {
		if _, err := c.Next(); err != nil {
			t.Fatalf("packet %d: %v", i, err)
		}
	}
	cut := offsets[400] + 100 // inside packet 401
	if err := os.Truncate(path, cut); err != nil {
		t.Fatal(err)
	}
	read := 100
	for ; ; read++ {
		f, err := c.Next()
		if err != nil {
			var te *TruncatedError
			if !errors.As(err, &te) || !strings.Contains(te.Reason, "shorter") {
				t.Fatalf("after %d packets: %v, want the cut reported", read, err)
			}
			if te.Packets != read || te.Offset != offsets[read]-16 {
				t.Errorf("cut reported at byte %d after %d packets, want byte %d after %d", te.Offset, te.Packets, offsets[read]-16, read)
			}
			break
		}
		if !bytes.Equal(f.Data, pkt(size, byte(read))) {
			t.Fatalf("packet %d reads wrong", read)
		}
	}
	// The packets whose pages the file kept all arrive: those before the
	// page the cut falls in.
	if wholePages := int(cut &^ 4095); offsets[read]+size <= int64(wholePages) {
		t.Errorf("reading stopped at packet %d, whose bytes the file still holds", read)
	}
	if read > 400 {
		t.Errorf("%d packets read from a file cut inside packet 401", read)
	}
}
