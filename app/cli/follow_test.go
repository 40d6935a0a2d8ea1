package cli

import (
	"bytes"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"thingsniff/app"
	"thingsniff/capture"
	"thingsniff/decode"
	"thingsniff/decode/decodetest"
	"thingsniff/decode/stream/streamtest"
)

func corpusDir(t *testing.T) string { return decodetest.CorpusDir(t) }

// gapMarker is what tshark writes in place of missing bytes; raw output
// writes nothing there.
var gapMarker = regexp.MustCompile(`\[[0-9]+ bytes missing in capture file\]\x00`)

func tcpFlows(t *testing.T, path string) []decode.Flow {
	t.Helper()
	c, err := capture.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	eng, err := app.Scan(c, nil, nil)
	if err != nil {
		t.Logf("scan %s: %v", path, err)
	}
	var out []decode.Flow
	for _, f := range eng.Flows() {
		if f.Proto == decode.ProtoTCP {
			out = append(out, *f)
		}
	}
	return out
}

// TestFollowRawMatchesTshark runs `thingsniff follow --format raw
// --direction client|server` on every TCP flow of captures with
// retransmissions, reordering, bad segments and pipelined HTTP, and
// compares each direction with tshark's follow,tcp,raw. Our flow IDs count
// TCP and UDP flows together; the n-th TCP flow is tcp.stream n. Node 0 is
// matched to our client by address (a capture that starts with the
// SYN-ACK has tshark's Node 0 on the server side).
//
// Differences on purpose: raw output carries no gap markers (tshark writes
// "[N bytes missing in capture file]" and a NUL as data), and it includes
// bytes that the reassembler hands on only when the capture ends (data
// after a hole never acknowledged), which tshark drops: those can only
// follow what tshark shows, so ours must start with tshark's bytes.
func TestFollowRawMatchesTshark(t *testing.T) {
	dir := corpusDir(t)
	if _, err := exec.LookPath("tshark"); err != nil {
		t.Skip("tshark not installed")
	}
	if testing.Short() {
		t.Skip("runs tshark; skipped with -short")
	}
	files := []string{
		"zeek/testing/btest/Traces/http/pipelined-requests.pcap",
		"zeek/testing/btest/Traces/tcp/reassembly.pcap",
		"wireshark/test/captures/http-ooo.pcap",
		"wireshark/test/captures/tcp-badsegments.pcap",
		"wireshark/test/captures/challenge01_ooo_stream.pcapng",
		"zeek/testing/btest/Traces/tcp/handshake-reorder.pcap",
		"zeek/testing/btest/Traces/http/get_nosyn.pcap",
	}
	for _, name := range files {
		t.Run(filepath.Base(name), func(t *testing.T) {
			path := filepath.Join(dir, name)
			if _, err := os.Stat(path); err != nil {
				t.Skipf("%s: %v", name, err)
			}
			flows := tcpFlows(t, path)
			if len(flows) == 0 {
				t.Fatal("no TCP flows")
			}
			flows = flows[:min(len(flows), 20)]
			want := streamtest.TsharkRaw(t, path, len(flows))
			compared := 0
			for i, f := range flows {
				swap := want[i].Node0 != f.Client.String()
				if swap && want[i].Node0 != f.Server.String() {
					t.Errorf("flow %d: tshark's node 0 %s is neither end (%s, %s)", f.ID, want[i].Node0, f.Client, f.Server)
					continue
				}
				for d, dirName := range []string{"client", "server"} {
					var out, errOut bytes.Buffer
					code := Run("follow", Env{Args: []string{path, "--flow", strconv.Itoa(int(f.ID)), "--format", "raw", "--direction", dirName},
						Stdout: &out, Stderr: &errOut})
					if code != 0 {
						t.Fatalf("follow flow %d: exit %d: %s", f.ID, code, errOut.String())
					}
					// tshark's own number for the stream picks the same bytes.
					var byStream bytes.Buffer
					if code := Run("follow", Env{Args: []string{path, "--stream", strconv.Itoa(i), "--format", "raw", "--direction", dirName},
						Stdout: &byStream, Stderr: io.Discard}); code != 0 || !bytes.Equal(byStream.Bytes(), out.Bytes()) {
						t.Errorf("follow --stream %d (exit %d) differs from --flow %d", i, code, f.ID)
					}
					td := d
					if swap {
						td = 1 - d
					}
					exp := want[i].Data[td]
					stripped := gapMarker.ReplaceAll(exp, nil)
					if len(stripped) != len(exp) && !strings.Contains(errOut.String(), "missing") {
						t.Errorf("flow %d %s: tshark shows gaps but follow did not say so on stderr", f.ID, dirName)
					}
					got := out.Bytes()
					compared += len(stripped)
					if !bytes.HasPrefix(got, stripped) {
						t.Errorf("flow %d (tcp.stream %d) %s: %d bytes, tshark %d; first difference at %d",
							f.ID, i, dirName, len(got), len(stripped), firstDiff(got, stripped))
					} else if extra := len(got) - len(stripped); extra > 0 {
						t.Logf("flow %d %s: %d bytes handed on only at the end of the capture (tshark drops them)", f.ID, dirName, extra)
					}
				}
			}
			if compared == 0 {
				t.Error("tshark showed no bytes at all: nothing was compared")
			}
			t.Logf("%d flows, %d bytes compared", len(flows), compared)
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

// TestFollowTextHeader checks the tshark-like frame of the text formats
// and the usage errors.
func TestFollowTextHeader(t *testing.T) {
	path := filepath.Join(corpusDir(t), "zeek/testing/btest/Traces/http/pipelined-requests.pcap")
	var out, errOut bytes.Buffer
	if code := Run("follow", Env{Args: []string{path, "--flow", "1"}, Stdout: &out, Stderr: &errOut}); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	lines := strings.Split(out.String(), "\n")
	if len(lines) < 8 || lines[1] != separator || lines[2] != "Follow: tcp,ascii" || lines[3] != "Filter: flow 1" ||
		!strings.HasPrefix(lines[4], "Node 0: ") || !strings.HasPrefix(lines[5], "Node 1: ") || lines[len(lines)-2] != separator {
		t.Errorf("unexpected frame:\n%s", out.String())
	}
	out.Reset()
	if code := Run("follow", Env{Args: []string{path, "--flow", "1", "--format", "http"}, Stdout: &out, Stderr: &errOut}); code != 0 ||
		!strings.Contains(out.String(), "--- request 1") || !strings.Contains(out.String(), "HTTP/1.1 200 OK") {
		t.Errorf("http format: exit %d\n%s", code, out.String())
	}
	for _, args := range [][]string{{path}, {path, "--flow", "0"}} {
		errOut.Reset()
		if code := Run("follow", Env{Args: args, Stdout: &out, Stderr: &errOut}); code != 2 || !strings.Contains(errOut.String(), "start at 1") {
			t.Errorf("follow %q: exit %d, want 2 and a word on where flow IDs start: %s", args, code, errOut.String())
		}
	}
	errOut.Reset()
	if code := Run("follow", Env{Args: []string{path, "--flow", "1", "--stream", "0"}, Stdout: &out, Stderr: &errOut}); code != 2 || !strings.Contains(errOut.String(), "not both") {
		t.Errorf("follow with --flow and --stream: exit %d: %s", code, errOut.String())
	}
	errOut.Reset()
	if code := Run("follow", Env{Args: []string{path, "--stream", "99"}, Stdout: &out, Stderr: &errOut}); code != 1 || !strings.Contains(errOut.String(), "TCP stream 99") {
		t.Errorf("follow of a missing TCP stream: exit %d: %s", code, errOut.String())
	}
	errOut.Reset()
	if code := Run("follow", Env{Args: []string{path, "--flow", "4294967297"}, Stdout: &out, Stderr: &errOut}); code != 2 || !strings.Contains(errOut.String(), "no flow 4294967297") {
		t.Errorf("follow of a flow ID beyond 32 bits: exit %d: %s", code, errOut.String())
	}
	if code := Run("follow", Env{Args: []string{path, "--flow", "999"}, Stdout: &out, Stderr: &errOut}); code != 1 {
		t.Errorf("follow of a missing flow: exit %d, want 1", code)
	}
}
