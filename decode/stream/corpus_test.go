package stream_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"thingsniff/decode/stream"
	"thingsniff/decode/stream/streamtest"
)

func corpusDir(t testing.TB) string { return streamtest.CorpusDir(t) }

func readTCPStreams(t testing.TB, path string) []*streamtest.TCPStream {
	t.Helper()
	streams, err := streamtest.ReadTCP(path)
	if err != nil {
		t.Fatal(err)
	}
	return streams
}

// ours follows a stream the way tshark reports it: gaps found while
// reading become tshark's marker; what Close adds (data after a hole never
// acknowledged, gaps up to a FIN) is left out because tshark drops it.
// That is the difference on purpose.
func ours(t *testing.T, st *streamtest.TCPStream) (got [2][]byte, closeBytes int64) {
	closing := false
	r := stream.NewReassembler(stream.Config{}, func(c stream.Chunk) error {
		switch {
		case closing:
			closeBytes += c.Len()
		case c.Data != nil:
			got[c.Dir] = append(got[c.Dir], c.Data...)
		case c.Gap > 0:
			got[c.Dir] = append(append(got[c.Dir], stream.GapMarker(c.Gap)...), 0)
		}
		return nil
	})
	for _, s := range st.Segs {
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
	dir := tsharkCorpus(t)
	// Every capture here with retransmissions, reordering, overlaps, gaps,
	// truncation, TFO, missing SYNs or pipelined HTTP.
	files := []string{
		"zeek/testing/btest/Traces/http/pipelined-requests.pcap",
		"zeek/testing/btest/Traces/http/1000-requests-one-dropped-response.pcap",
		"zeek/testing/btest/Traces/http/100-continue.pcap",
		"zeek/testing/btest/Traces/http/bro.org.pcap",
		"zeek/testing/btest/Traces/http/get-to-ssh-server.pcap",
		"zeek/testing/btest/Traces/http/get-without-fins.pcap",
		"zeek/testing/btest/Traces/http/get_nosyn.pcap",
		"zeek/testing/btest/Traces/http/http-single-conn-22.pcap",
		"zeek/testing/btest/Traces/http/methods.pcap",
		"zeek/testing/btest/Traces/tcp/reassembly.pcap",
		"zeek/testing/btest/Traces/tcp/fin_retransmission.pcap",
		"zeek/testing/btest/Traces/tcp/handshake-reorder.pcap",
		"zeek/testing/btest/Traces/tcp/missing-syn.pcap",
		"zeek/testing/btest/Traces/tcp/retransmit-fast009.pcap",
		"zeek/testing/btest/Traces/tcp/retransmit-timeout.pcapng",
		"zeek/testing/btest/Traces/tcp/rst-inject-rae.pcap",
		"zeek/testing/btest/Traces/tcp/single-rst.pcap",
		"zeek/testing/btest/Traces/tcp/syn-then-rst.pcap",
		"zeek/testing/btest/Traces/tcp/tcp-fast-open.pcap",
		"zeek/testing/btest/Traces/tcp/truncated-header.pcap",
		"wireshark/test/captures/http-ooo.pcap",
		"wireshark/test/captures/challenge01_ooo_stream.pcapng",
		"wireshark/test/captures/tcp-badsegments.pcap",
		"wireshark/test/captures/retrans-tls.pcap",
		"wireshark/test/captures/dns-ooo.pcap",
		"wireshark/test/captures/gitOverTCP.pcap",
		"tcpdump/tests/tcp_rst_data-trunc.pcap",
		"tcpdump/tests/tfo-5c1fa7f9ae91.pcap",
		"tcpdump/tests/ipv4_tcp_http_xml_tso.pcap",
		"tcpdump/tests/bigtcp-ipv4.pcap",
		"iot-sentinel/captures_IoT_Sentinel/captures_IoT-Sentinel/D-LinkCam/Setup-A-1-STA.pcap",
		"iot-sentinel/captures_IoT_Sentinel/captures_IoT-Sentinel/HueBridge/Setup-A-1-STA.pcap",
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
			streams = streams[:min(len(streams), 40)]
			want := streamtest.TsharkRaw(t, path, len(streams))
			for i, st := range streams {
				got, closeBytes := ours(t, st)
				for d := range 2 {
					if !bytes.Equal(got[d], want[i].Data[d]) {
						t.Errorf("stream %d %s: %d bytes, tshark %d bytes; first difference at %d",
							i, stream.Dir(d), len(got[d]), len(want[i].Data[d]), firstDiff(got[d], want[i].Data[d]))
					}
				}
				if closeBytes > 0 {
					t.Logf("stream %d: %d bytes delivered only at close (tshark drops them)", i, closeBytes)
				}
			}
		})
	}
}

// tsharkCorpus finds the corpus, or skips a test that compares with
// tshark where tshark is missing or tests are short.
func tsharkCorpus(t *testing.T) string {
	dir := corpusDir(t)
	if _, err := exec.LookPath("tshark"); err != nil {
		t.Skip("tshark not installed")
	}
	if testing.Short() {
		t.Skip("runs tshark on many captures; skipped with -short")
	}
	return dir
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
	dir := tsharkCorpus(t)
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
			f    stream.Format
		}{{"ascii", stream.ASCII}, {"hex", stream.Hex}, {"raw", stream.HexRaw}} {
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
			p := stream.NewPrinter(&b, mode.f, stream.Both)
			var seen [2]int64
			r := stream.NewReassembler(stream.Config{}, func(c stream.Chunk) error {
				seen[c.Dir] += c.Len()
				return p.Write(c)
			})
			for _, s := range streams[0].Segs {
				if err := r.Add(s); err != nil {
					t.Fatal(err)
				}
			}
			if err := r.Close(); err != nil {
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
