package capture

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"io"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/gopacket/gopacket/layers"
)

func writtenPcapng(t testing.TB, n int) ([]byte, [][]byte) {
	t.Helper()
	var buf bytes.Buffer
	w, err := NewPcapngWriter(&buf, []Interface{{LinkType: layers.LinkTypeEthernet, Name: "eth0"}})
	if err != nil {
		t.Fatal(err)
	}
	var pkts [][]byte
	for i := range n {
		p := pkt(40+i%1400, byte(i))
		pkts = append(pkts, p)
		w.WritePacket(0, int64(i)*1000, p, 0)
	}
	w.Flush()
	return buf.Bytes(), pkts
}

func gzipped(t testing.TB, data []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(data)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func samePackets(t *testing.T, frames []got, pkts [][]byte) {
	t.Helper()
	if len(frames) > len(pkts) {
		t.Fatalf("%d frames, only %d written", len(frames), len(pkts))
	}
	for i, f := range frames {
		if !bytes.Equal(f.bytes, pkts[i]) {
			t.Fatalf("frame %d differs from the packet written", i)
		}
	}
}

// TestOpenGzip: a gzip file is read through a spool that has no name, so
// that nothing is left in the temporary folder however the process ends.
func TestOpenGzip(t *testing.T) {
	tmp := emptyTempDir(t)
	data, pkts := writtenPcapng(t, 500)
	gz := gzipped(t, data)
	c, err := Open(writeTemp(t, "x.pcapng.gz", gz))
	if err != nil {
		t.Fatal(err)
	}
	if c.Format() != "pcapng, gzip" || c.Size() != int64(len(gz)) {
		t.Errorf("Format %q Size %d", c.Format(), c.Size())
	}
	if spool := c.SpoolPath(); spool != "" {
		t.Errorf("an unnamed spool has the name %q", spool)
	}
	leftIn(t, tmp)
	frames, cur, err := drainCursor(t, c)
	if err != nil {
		t.Fatal(err)
	}
	if len(frames) != len(pkts) {
		t.Fatalf("%d frames, want %d", len(frames), len(pkts))
	}
	samePackets(t, frames, pkts)
	if c.Progress(cur.Offset()) != c.Size() {
		t.Errorf("Offset %d at the end, Size %d", c.Progress(cur.Offset()), c.Size())
	}
	spooled := make([]byte, len(data)+1)
	if n, _ := c.ReadAt(spooled, 0); n != len(data) || !bytes.Equal(spooled[:n], data) {
		t.Errorf("spool does not hold the decompressed capture byte for byte (%d bytes)", n)
	}
	c.Close()
	leftIn(t, tmp)
}

// emptyTempDir makes the temporary folder a new empty one for the test.
func emptyTempDir(t *testing.T) string {
	dir := t.TempDir()
	t.Setenv("TMPDIR", dir)
	return dir
}

// leftIn fails when dir holds anything.
func leftIn(t *testing.T, dir string) {
	t.Helper()
	if left, _ := os.ReadDir(dir); len(left) > 0 {
		t.Errorf("%d files left in the temporary folder, the first %q", len(left), left[0].Name())
	}
}

func TestKeepSpool(t *testing.T) {
	data, _ := writtenPcapng(t, 3)
	c, err := OpenStream(bytes.NewReader(data), "stdin", t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	drain(t, c)
	c.KeepSpool()
	c.Close()
	if b, err := os.ReadFile(c.SpoolPath()); err != nil || !bytes.Equal(b, data) {
		t.Errorf("kept spool: %v", err)
	}
}

func TestTruncatedGzip(t *testing.T) {
	data, pkts := writtenPcapng(t, 300)
	gz := gzipped(t, data)
	for _, n := range []int{len(gz) - 1, len(gz) - 9, len(gz) / 2, len(gz) / 3} {
		c, err := Open(writeTemp(t, "cut.gz", gz[:n]))
		if err != nil {
			t.Fatalf("cut at %d: %v", n, err)
		}
		frames, err := drain(t, c)
		c.Close()
		samePackets(t, frames, pkts)
		var te *TruncatedError
		if !errors.As(err, &te) || te.Packets != len(frames) {
			t.Errorf("cut at %d of %d: %d frames, err %v", n, len(gz), len(frames), err)
		}
	}
}

// TestOpenStreamLockstep feeds a pipe one record at a time and checks each
// packet arrives, and can be re-read from the spool, before the next one
// is even written.
func TestOpenStreamLockstep(t *testing.T) {
	data, pkts := writtenPcapng(t, 40)
	layout := pcapngLayout(data)
	pr, pw := io.Pipe()
	more := make(chan struct{})
	go func() {
		defer pw.Close()
		pw.Write(data[:layout[1].end]) // section and interface header
		for _, r := range layout[2:] {
			if _, err := pw.Write(data[r.start:r.end]); err != nil {
				return
			}
			if _, ok := <-more; !ok {
				return
			}
		}
	}()
	c, err := OpenStream(pr, "stdin", t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if c.Name() != "stdin" || c.Size() != -1 || c.Format() != "pcapng" {
		t.Errorf("Name %q Size %d Format %q", c.Name(), c.Size(), c.Format())
	}
	var buf []byte
	cur := c.Cursor()
	next := func() (Frame, error) {
		for {
			f, err := cur.Next()
			if err != ErrPending {
				return f, err
			}
			cur.Await(context.Background())
		}
	}
	for i := range pkts {
		f, err := next()
		if err != nil {
			t.Fatalf("packet %d: %v", i, err)
		}
		buf, err = c.ReadPacket(f.Offset, f.CapLen, buf)
		if err != nil || !bytes.Equal(buf, pkts[i]) {
			t.Fatalf("packet %d not re-readable while streaming: %v", i, err)
		}
		more <- struct{}{}
	}
	close(more)
	if _, err := next(); err != io.EOF {
		t.Errorf("end of stream: %v", err)
	}
	if cur.Offset() != int64(len(data)) {
		t.Errorf("Offset %d, want %d", cur.Offset(), len(data))
	}
}

func TestOpenStreamGzip(t *testing.T) {
	data, pkts := writtenPcapng(t, 200)
	gz := gzipped(t, data)
	pr, pw := io.Pipe()
	go func() {
		for i := 0; i < len(gz); i += 100 {
			if _, err := pw.Write(gz[i:min(i+100, len(gz))]); err != nil {
				return
			}
		}
		pw.Close()
	}()
	c, err := OpenStream(pr, "stdin", "")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	frames, err := drain(t, c)
	if err != nil || len(frames) != len(pkts) || c.Format() != "pcapng, gzip" {
		t.Fatalf("%d frames, format %q, err %v", len(frames), c.Format(), err)
	}
	samePackets(t, frames, pkts)
}

func TestOpenStreamErrors(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		data []byte
		want string
	}{
		{nil, `open capture "stdin": the stream is empty`},
		{[]byte("GET / HTTP/1.1\r\n"), `open capture "stdin": not a pcap or pcapng file: it looks like a text file`},
		{gzipped(t, []byte("text")), `not a pcap or pcapng file inside the gzip data: it looks like a text file`},
		{gzipped(t, []byte("\x89PNG\r\n\x1a\n")), `inside the gzip data: it looks like a PNG image`},
		{gzipped(t, nil), `the file is empty`},
	} {
		c, err := OpenStream(bytes.NewReader(tc.data), "stdin", dir)
		if err == nil {
			c.Close()
			t.Errorf("%q opened", tc.data)
			continue
		}
		if !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q", err)
		}
	}
	if left, _ := os.ReadDir(dir); len(left) != 0 {
		t.Errorf("failed opens left %d spool files", len(left))
	}
}

// TestSpoolStopsBeforeTheDiskIsFull spools a stream onto a small disk of
// its own (a tmpfs, so the test needs root): the spool must stop with a
// DiskFullError, keep every packet before, and leave 5% of the disk free.
func TestSpoolStopsBeforeTheDiskIsFull(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("mounting a small disk needs root")
	}
	dir := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", dir).CombinedOutput(); err != nil {
		t.Skipf("no tmpfs here: %v %s", err, out)
	}
	defer exec.Command("umount", dir).Run()
	data, pkts := writtenPcapng(t, 30000) // about 22 MB
	c, err := OpenStream(bytes.NewReader(data), "big", dir)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	frames, err := drain(t, c)
	var full *DiskFullError
	if !errors.As(err, &full) || len(frames) == 0 || len(frames) >= len(pkts) {
		t.Fatalf("%d of %d packets, then %v; want a DiskFullError part way", len(frames), len(pkts), err)
	}
	samePackets(t, frames, pkts)
	free, total, _ := diskSpace(dir)
	if float64(free) < diskReserve*float64(total) {
		t.Errorf("the spool left %d of %d bytes free", free, total)
	}
	if !strings.Contains(err.Error(), "free") || strings.Contains(err.Error(), "\n") {
		t.Errorf("error %q does not say in one line what to do", err)
	}
}
