package stream

import (
	"bufio"
	"bytes"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"
)

// corpusDir finds ../shared/corpus beside the repository root, or skips.
func corpusDir(t testing.TB) string {
	t.Helper()
	_, file, _, _ := runtime.Caller(0)
	dir := filepath.Join(filepath.Dir(file), "..", "..", "..", "shared", "corpus")
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("corpus not found at %s: %v", dir, err)
	}
	return dir
}

// tcpStream is one TCP conversation of a capture, numbered like tshark's
// tcp.stream, with its segments in capture order.
type tcpStream struct {
	client string // "ip:port" of the first packet's source
	segs   []Segment
	closed bool
}

// readTCPStreams decodes a capture with gopacket (not the project's decode
// core, so that this package stands alone) and splits it into TCP streams.
func readTCPStreams(t testing.TB, path string) []*tcpStream {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatalf("open %s: %v", path, err)
	}
	defer f.Close()
	br := bufio.NewReader(f)
	magic, _ := br.Peek(4)
	type reader interface {
		ReadPacketData() ([]byte, gopacket.CaptureInfo, error)
	}
	var r reader
	var link layers.LinkType
	if bytes.Equal(magic, []byte{0x0a, 0x0d, 0x0d, 0x0a}) {
		ng, err := pcapgo.NewNgReader(br, pcapgo.DefaultNgReaderOptions)
		if err != nil {
			t.Fatalf("read %s: %v", path, err)
		}
		r, link = ng, ng.LinkType()
	} else {
		pr, err := pcapgo.NewReader(br)
		if err != nil {
			t.Fatalf("read %s: %v", path, err)
		}
		r, link = pr, pr.LinkType()
	}
	var streams []*tcpStream
	byKey := map[string]*tcpStream{}
	for n := uint64(1); ; n++ {
		data, _, err := r.ReadPacketData()
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			break
		}
		if err != nil {
			t.Fatalf("read %s packet %d: %v", path, n, err)
		}
		var first gopacket.Decoder = link
		switch link {
		case 228: // LINKTYPE_IPV4, which gopacket does not decode by itself
			first = layers.LayerTypeIPv4
		case 229:
			first = layers.LayerTypeIPv6
		}
		p := gopacket.NewPacket(data, first, gopacket.DecodeOptions{Lazy: true, NoCopy: true})
		var src, dst string
		wire := -1
		switch ip := p.NetworkLayer().(type) {
		case *layers.IPv4:
			if ip.Flags&layers.IPv4MoreFragments != 0 || ip.FragOffset != 0 {
				continue
			}
			src, dst = ip.SrcIP.String(), ip.DstIP.String()
			wire = int(ip.Length) - int(ip.IHL)*4
		case *layers.IPv6:
			src, dst = "["+ip.SrcIP.String()+"]", "["+ip.DstIP.String()+"]"
			wire = int(ip.Length)
		default:
			continue
		}
		tcp, ok := p.TransportLayer().(*layers.TCP)
		if !ok {
			continue
		}
		s := Segment{Seq: tcp.Seq, Ack: tcp.Ack, Payload: bytes.Clone(tcp.Payload), Packet: n}
		if w := wire - int(tcp.DataOffset)*4; w > len(s.Payload) {
			s.WireLen = w
		}
		for _, fl := range []struct {
			on bool
			f  Flags
		}{{tcp.SYN, SYN}, {tcp.FIN, FIN}, {tcp.RST, RST}, {tcp.ACK, ACK}} {
			if fl.on {
				s.Flags |= fl.f
			}
		}
		a := src + ":" + strconv.Itoa(int(tcp.SrcPort))
		b := dst + ":" + strconv.Itoa(int(tcp.DstPort))
		key := a + "|" + b
		if b < a {
			key = b + "|" + a
		}
		st := byKey[key]
		if st == nil || (st.closed && tcp.SYN && !tcp.ACK) {
			st = &tcpStream{client: a}
			byKey[key] = st
			streams = append(streams, st)
		}
		if a != st.client {
			s.Dir = ServerToClient
		}
		if tcp.FIN || tcp.RST {
			st.closed = true
		}
		st.segs = append(st.segs, s)
	}
	return streams
}

// tsharkFollow runs tshark once for the first n streams and returns, per
// stream, the bytes of each direction (gap markers included, as tshark
// writes them).
func tsharkFollow(t *testing.T, path string, n int) [][2][]byte {
	t.Helper()
	args := []string{"-n", "-r", path, "-q"}
	for i := range n {
		args = append(args, "-z", fmt.Sprintf("follow,tcp,raw,%d", i))
	}
	out, err := exec.Command("tshark", args...).Output()
	if err != nil {
		t.Fatalf("tshark %s: %v", path, err)
	}
	res := make([][2][]byte, n)
	cur := -1
	for _, line := range strings.Split(string(out), "\n") {
		if rest, ok := strings.CutPrefix(line, "Filter: tcp.stream eq "); ok {
			cur, err = strconv.Atoi(rest)
			if err != nil || cur >= n {
				t.Fatalf("tshark output: bad filter line %q", line)
			}
			continue
		}
		if cur < 0 || line == "" || strings.HasPrefix(line, "=") || strings.HasPrefix(line, "Node ") || strings.HasPrefix(line, "Follow:") {
			continue
		}
		d := 0
		if h, ok := strings.CutPrefix(line, "\t"); ok {
			d, line = 1, h
		}
		b, err := hex.DecodeString(line)
		if err != nil {
			t.Fatalf("tshark output: bad hex line %q: %v", line, err)
		}
		res[cur][d] = append(res[cur][d], b...)
	}
	return res
}

// ours follows a stream the way tshark reports it: gaps found while
// reading become tshark's marker; what Close adds (data after a hole never
// acknowledged, gaps up to a FIN) is left out because tshark drops it.
// That is the difference on purpose.
func ours(t *testing.T, st *tcpStream) (got [2][]byte, closeBytes int64) {
	closing := false
	r := NewReassembler(Config{}, func(c Chunk) error {
		switch {
		case closing:
			closeBytes += c.Len()
		case c.Data != nil:
			got[c.Dir] = append(got[c.Dir], c.Data...)
		case c.Gap > 0:
			got[c.Dir] = append(append(got[c.Dir], GapMarker(c.Gap)...), 0)
		}
		return nil
	})
	for _, s := range st.segs {
		if err := r.Add(s); err != nil {
			t.Fatal(err)
		}
	}
	closing = true
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	return got, closeBytes
}

func TestCorpusMatchesTshark(t *testing.T) {
	dir := corpusDir(t)
	if _, err := exec.LookPath("tshark"); err != nil {
		t.Skip("tshark not installed")
	}
	files := []string{
		"zeek/testing/btest/Traces/http/pipelined-requests.pcap",
		"zeek/testing/btest/Traces/tcp/reassembly.pcap",
		"wireshark/test/captures/http-ooo.pcap",
		"wireshark/test/captures/challenge01_ooo_stream.pcapng",
		"wireshark/test/captures/tcp-badsegments.pcap",
	}
	for _, name := range files {
		t.Run(filepath.Base(name), func(t *testing.T) {
			path := filepath.Join(dir, name)
			if _, err := os.Stat(path); err != nil {
				t.Skipf("%s: %v", name, err)
			}
			streams := readTCPStreams(t, path)
			if len(streams) == 0 {
				t.Fatal("no TCP streams decoded")
			}
			want := tsharkFollow(t, path, len(streams))
			for i, st := range streams {
				got, closeBytes := ours(t, st)
				for d := range 2 {
					if !bytes.Equal(got[d], want[i][d]) {
						t.Errorf("stream %d %s: %d bytes, tshark %d bytes; first difference at %d",
							i, Dir(d), len(got[d]), len(want[i][d]), firstDiff(got[d], want[i][d]))
					}
				}
				t.Logf("stream %d: client %d, server %d bytes equal to tshark; %d bytes only at close",
					i, len(got[0]), len(got[1]), closeBytes)
			}
		})
	}
}

func firstDiff(a, b []byte) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}

// TestCorpusPrinterMatchesTshark checks the ascii, hex and raw-hex writers
// against tshark's own output of the same streams, below tshark's header.
func TestCorpusPrinterMatchesTshark(t *testing.T) {
	dir := corpusDir(t)
	if _, err := exec.LookPath("tshark"); err != nil {
		t.Skip("tshark not installed")
	}
	files := []string{
		"zeek/testing/btest/Traces/http/pipelined-requests.pcap",
		"zeek/testing/btest/Traces/tcp/reassembly.pcap",
		"wireshark/test/captures/http-ooo.pcap",
	}
	for _, name := range files {
		path := filepath.Join(dir, name)
		if _, err := os.Stat(path); err != nil {
			t.Skipf("%s: %v", name, err)
		}
		streams := readTCPStreams(t, path)
		for _, mode := range []struct {
			name string
			f    Format
		}{{"ascii", ASCII}, {"hex", Hex}, {"raw", HexRaw}} {
			out, err := exec.Command("tshark", "-n", "-r", path, "-q", "-z", "follow,tcp,"+mode.name+",0").Output()
			if err != nil {
				t.Fatalf("tshark %s: %v", name, err)
			}
			// Drop tshark's header (blank, separator, Follow, Filter, Node 0,
			// Node 1) and closing separator.
			lines := strings.SplitAfter(string(out), "\n")
			if len(lines) < 8 {
				t.Fatalf("tshark %s: short output %q", name, out)
			}
			want := strings.Join(lines[6:len(lines)-2], "")
			var b strings.Builder
			p := NewPrinter(&b, mode.f, Both)
			var seen [2]int64
			_, err = FollowTCP(func(yield func(Segment) bool) {
				for _, s := range streams[0].segs {
					if !yield(s) {
						return
					}
				}
			}, Config{}, func(c Chunk) error {
				seen[c.Dir] += c.Len()
				return p.Write(c)
			})
			if err != nil {
				t.Fatal(err)
			}
			p.Flush()
			if got := b.String(); got != want {
				t.Errorf("%s %s: output differs from tshark at byte %d of %d", name, mode.name,
					firstDiff([]byte(got), []byte(want)), len(want))
			}
			if c := p.Counts(); c.Bytes[0]+c.GapBytes[0] != seen[0] || c.Bytes[1]+c.GapBytes[1] != seen[1] {
				t.Errorf("%s: counts %+v disagree with chunks %v", name, c, seen)
			}
		}
	}
}
