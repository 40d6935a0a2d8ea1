// Package decodetest builds packets for tests with gopacket's own
// serializer, and reads captures with gopacket's own readers, so that what
// a test feeds thingsniff's decoder, or compares it with, was not made by
// that decoder. It finds the shared corpus of real captures too.
package decodetest

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"testing"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"
)

// SetTCPFlags sets on t the flags named by letters in flags: S(YN),
// A(CK), F(IN), R(ST) and P(SH).
func SetTCPFlags(t *layers.TCP, flags string) {
	for _, c := range flags {
		switch c {
		case 'S':
			t.SYN = true
		case 'A':
			t.ACK = true
		case 'F':
			t.FIN = true
		case 'R':
			t.RST = true
		case 'P':
			t.PSH = true
		}
	}
}

// Frame lays layers out as one frame, with lengths and checksums worked
// out; a TCP or UDP layer must have its network layer set for the
// checksum (SetNetworkLayerForChecksum).
func Frame(tb testing.TB, ls ...gopacket.SerializableLayer) []byte {
	tb.Helper()
	buf := gopacket.NewSerializeBuffer()
	if err := gopacket.SerializeLayers(buf, gopacket.SerializeOptions{FixLengths: true, ComputeChecksums: true}, ls...); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

// CorpusDir returns ../shared/corpus beside the repository root, or skips
// the test when it is absent.
func CorpusDir(t testing.TB) string {
	t.Helper()
	_, file, _, _ := runtime.Caller(0)
	dir := filepath.Join(filepath.Dir(file), "..", "..", "..", "shared", "corpus")
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("corpus not found at %s: %v", dir, err)
	}
	return dir
}

// Reader reads a capture with gopacket's own pcapgo readers, so that what
// a test compares the project's decoder with was not read by the project.
type Reader struct {
	// Read returns the next packet's bytes, a copy of its own (io.EOF at
	// the end); ReadNoCopy the same, valid until the next call.
	Read, ReadNoCopy func() ([]byte, gopacket.CaptureInfo, error)
	// Link is the capture's (first interface's) link type.
	Link layers.LinkType
	// Ng is the pcapng reader, nil for pcap.
	Ng *pcapgo.NgReader
	f  *os.File
}

// OpenCapture opens a pcap or pcapng file, told apart by its magic.
// Mixed asks a pcapng reader for the packets of every interface, whatever
// their link types (each packet's in its AncillaryData).
func OpenCapture(path string, mixed bool) (*Reader, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open capture: %w", err)
	}
	br := bufio.NewReaderSize(f, 1<<20)
	magic, _ := br.Peek(4)
	r := &Reader{f: f}
	if bytes.Equal(magic, []byte{0x0a, 0x0d, 0x0d, 0x0a}) {
		opts := pcapgo.DefaultNgReaderOptions
		opts.WantMixedLinkType = mixed
		ng, err := pcapgo.NewNgReader(br, opts)
		if err != nil {
			f.Close()
			return nil, fmt.Errorf("read %s: %w", path, err)
		}
		r.Read, r.ReadNoCopy, r.Link, r.Ng = ng.ReadPacketData, ng.ZeroCopyReadPacketData, ng.LinkType(), ng
		return r, nil
	}
	pr, err := pcapgo.NewReader(br)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	r.Read, r.ReadNoCopy, r.Link = pr.ReadPacketData, pr.ZeroCopyReadPacketData, pr.LinkType()
	return r, nil
}

// Close closes the file.
func (r *Reader) Close() error { return r.f.Close() }

// CorpusCaptures lists the corpus's captures small enough for tshark to
// read in a test (the perf/ folder is for speed, not truth); it skips the
// test when the corpus or tshark is missing.
func CorpusCaptures(t testing.TB) []string {
	dir := CorpusDir(t)
	if _, err := exec.LookPath("tshark"); err != nil {
		t.Skip("tshark is not installed")
	}
	capture := regexp.MustCompile(`\.(pcap|pcapng|cap|trace)$`)
	var files []string
	filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() && (d.Name() == "perf" || d.Name() == "expected") {
			return filepath.SkipDir
		}
		if info, err := d.Info(); err == nil && !d.IsDir() && info.Size() < 8<<20 && capture.MatchString(path) {
			files = append(files, path)
		}
		return nil
	})
	return files
}
