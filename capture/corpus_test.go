package capture

import (
	"bufio"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// corpusDir finds ../shared/corpus beside the repository root.
func corpusDir(t testing.TB) string {
	t.Helper()
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(filepath.Dir(wd), "..", "shared", "corpus")
	if _, err := os.Stat(filepath.Join(dir, "MANIFEST.tsv")); err != nil {
		t.Skipf("corpus not found at %s", dir)
	}
	return dir
}

// readTSV reads a tab-separated file with a header row.
func readTSV(t testing.TB, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var rows [][]string
	s := bufio.NewScanner(f)
	s.Buffer(nil, 1<<20)
	for first := true; s.Scan(); first = false {
		if !first {
			rows = append(rows, strings.Split(s.Text(), "\t"))
		}
	}
	if err := s.Err(); err != nil {
		t.Fatal(err)
	}
	return rows
}

// corpusFailures are the corpus files that stop with an error, and why.
// The packets before the error must still match tshark's.
var corpusFailures = map[string]struct{ why, want string }{
	"gopacket/pcapgo/tests/le/test901.pcapng": {
		why:  "its second section claims pcapng version 2.0, which no reader supports; tshark stops there too",
		want: "pcapng version 2.0 is not supported",
	},
}

// tsharkNotPackets lists tshark frame numbers that are not packets. tshark
// 4.0 shows pcapng custom blocks (type 0xBAD / 0x40000BAD) as records of
// their own; they carry no packet, so thingsniff skips them.
var tsharkNotPackets = map[string][]int{
	"gopacket/pcapgo/tests/le/test202.pcapng": {1, 7, 10},
	"gopacket/pcapgo/tests/be/test202.pcapng": {1, 7, 10},
}

// TestCorpus opens every capture of the shared corpus and holds the packet
// count and every packet's length and captured length against tshark.
func TestCorpus(t *testing.T) {
	dir := corpusDir(t)
	manifest := readTSV(t, filepath.Join(dir, "MANIFEST.tsv"))
	seen := map[string]bool{}
	for _, row := range manifest {
		local := row[2]
		seen[local] = true
		t.Run(local, func(t *testing.T) {
			path := filepath.Join(dir, local)
			if _, err := os.Stat(path); err != nil {
				t.Skipf("absent: %v", err)
			}
			want := readTSV(t, filepath.Join(dir, "expected", local+".tshark", "frames.tsv"))
			if skip := tsharkNotPackets[local]; skip != nil {
				var kept [][]string
				for _, r := range want {
					if n, _ := strconv.Atoi(r[0]); !contains(skip, n) {
						kept = append(kept, r)
					}
				}
				want = kept
			}
			c, err := Open(path)
			if err != nil {
				t.Fatalf("open: %v", err)
			}
			defer c.Close()
			frames, cur, err := drainCursor(t, c)
			known, isKnown := corpusFailures[local]
			switch {
			case err != nil && !isKnown:
				t.Errorf("unexpected error after %d packets: %v", len(frames), err)
			case err == nil && isKnown:
				t.Errorf("expected failure (%s) did not happen", known.why)
			case err != nil:
				if !strings.Contains(err.Error(), known.want) || strings.Contains(err.Error(), "\n") {
					t.Errorf("error %q, want one line mentioning %q", err, known.want)
				}
				var te *TruncatedError
				if !errors.As(err, &te) || te.Packets != len(frames) {
					t.Errorf("error %v does not name the %d packets delivered", err, len(frames))
				}
			}
			if len(frames) != len(want) {
				t.Fatalf("%d packets, tshark has %d", len(frames), len(want))
			}
			for i, f := range frames {
				if strconv.Itoa(int(f.OrigLen)) != want[i][1] || strconv.Itoa(int(f.CapLen)) != want[i][2] {
					t.Errorf("packet %d: len %d caplen %d, tshark %s %s", i+1, f.OrigLen, f.CapLen, want[i][1], want[i][2])
				}
			}
			if c.Progress(cur.Offset()) != c.Size() && err == nil {
				t.Errorf("Offset %d at the end, Size %d", c.Progress(cur.Offset()), c.Size())
			}
		})
	}
	for name := range corpusFailures {
		if !seen[name] {
			t.Errorf("known failure %s is not in the manifest", name)
		}
	}
}

func contains(s []int, v int) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

// TestPacketCommentsMatchTshark holds every packet's comments, on every
// pcapng capture of the corpus, to tshark's frame.comment (comments
// joined by commas).
func TestPacketCommentsMatchTshark(t *testing.T) {
	dir := corpusDir(t)
	if _, err := exec.LookPath("tshark"); err != nil {
		t.Skip("tshark is not installed")
	}
	commented := 0
	for _, row := range readTSV(t, filepath.Join(dir, "MANIFEST.tsv")) {
		local := row[2]
		if !strings.HasSuffix(local, ".pcapng") || tsharkNotPackets[local] != nil {
			continue
		}
		if _, known := corpusFailures[local]; known {
			continue
		}
		path := filepath.Join(dir, local)
		out, err := exec.Command("tshark", "-n", "-r", path, "-T", "fields", "-e", "frame.comment").Output()
		if err != nil {
			continue // tshark cannot read it; TestCorpus says what thingsniff does
		}
		want := strings.Split(strings.TrimSuffix(string(out), "\n"), "\n")
		c, err := Open(path)
		if err != nil {
			t.Errorf("%s: %v", local, err)
			continue
		}
		frames, _ := drain(t, c)
		if len(frames) != len(want) {
			c.Close()
			continue // TestCorpus compares the packet counts
		}
		for i, f := range frames {
			got := strings.Join(c.PacketComments(f.Offset, f.CapLen), ",")
			if got != want[i] {
				t.Errorf("%s packet %d: comments %q, tshark %q", local, i+1, got, want[i])
			}
			if got != "" {
				commented++
			}
		}
		c.Close()
	}
	if commented == 0 {
		t.Error("no corpus packet has a comment: the comparison compared nothing")
	}
	t.Logf("%d commented packets agree with tshark", commented)
}
