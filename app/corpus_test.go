package app

import (
	"bufio"
	"errors"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"testing"

	"thingsniff/capture"
	"thingsniff/decode"
)

// corpusDir finds ../shared/corpus beside the repository, or skips.
func corpusDir(t testing.TB) string {
	_, file, _, _ := runtime.Caller(0)
	dir := filepath.Join(filepath.Dir(file), "..", "..", "shared", "corpus")
	if _, err := os.Stat(filepath.Join(dir, "MANIFEST.tsv")); err != nil {
		t.Skip("corpus not found beside the repository (../shared/corpus); skipping")
	}
	return dir
}

// corpusFiles lists the local paths of the captures in MANIFEST.tsv.
func corpusFiles(t testing.TB, dir string) []string {
	f, err := os.Open(filepath.Join(dir, "MANIFEST.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	sc.Scan() // header
	for sc.Scan() {
		cols := strings.Split(sc.Text(), "\t")
		if len(cols) > 2 {
			out = append(out, cols[2])
		}
	}
	return out
}

// readTSV reads an expected/*.tsv file as rows of named columns.
func readTSV(t testing.TB, path string) []map[string]string {
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(lines) == 0 {
		return nil
	}
	head := strings.Split(lines[0], "\t")
	var rows []map[string]string
	for _, l := range lines[1:] {
		if l == "" {
			continue
		}
		cols := strings.Split(l, "\t")
		row := map[string]string{}
		for i, h := range head {
			if i < len(cols) {
				row[h] = cols[i]
			}
		}
		rows = append(rows, row)
	}
	return rows
}

type scanned struct {
	frames [][2]uint32 // len, caplen
	flows  []decode.Flow
	err    error
}

func scanFile(t testing.TB, path string) (*scanned, error) {
	c, err := capture.Open(path)
	if err != nil {
		return nil, err
	}
	defer c.Close()
	s := &scanned{}
	eng, err := Scan(c, nil, func(ix decode.Index, p *decode.Packet, f *decode.Flow) error {
		s.frames = append(s.frames, [2]uint32{ix.OrigLen, ix.CapLen})
		return nil
	})
	s.err = err
	for _, f := range eng.Flows() {
		s.flows = append(s.flows, *f)
	}
	return s, nil
}

// tsharkCustomBlockFrames are frames tshark 4.0 lists that are pcapng
// custom blocks (0xBAD, 0x40000BAD), not packets: we do not count them.
var tsharkCustomBlockFrames = map[string]map[string]bool{
	"gopacket/pcapgo/tests/le/test202.pcapng": {"1": true, "7": true, "10": true},
	"gopacket/pcapgo/tests/be/test202.pcapng": {"1": true, "7": true, "10": true},
}

func TestCorpusFramesMatchTshark(t *testing.T) {
	dir := corpusDir(t)
	for _, rel := range corpusFiles(t, dir) {
		t.Run(rel, func(t *testing.T) {
			var want []map[string]string
			for _, r := range readTSV(t, filepath.Join(dir, "expected", rel+".tshark", "frames.tsv")) {
				if !tsharkCustomBlockFrames[rel][r["frame.number"]] {
					want = append(want, r)
				}
			}
			got, err := scanFile(t, filepath.Join(dir, rel))
			if err != nil {
				if len(want) > 0 {
					t.Fatalf("does not open, but tshark reads %d frames: %v", len(want), err)
				}
				if strings.Count(err.Error(), "\n") > 0 {
					t.Errorf("error is not one sentence: %q", err)
				}
				t.Logf("does not open (tshark reads no frames either): %v", err)
				return
			}
			if got.err != nil {
				t.Logf("stopped early: %v", got.err)
			}
			if len(got.frames) != len(want) {
				t.Fatalf("%d packets, tshark %d", len(got.frames), len(want))
			}
			for i, w := range want {
				if fmt.Sprint(got.frames[i][0]) != w["frame.len"] || fmt.Sprint(got.frames[i][1]) != w["frame.cap_len"] {
					t.Fatalf("frame %d: len/caplen %v, tshark %s/%s", i+1, got.frames[i], w["frame.len"], w["frame.cap_len"])
				}
			}
		})
	}
}

// conv is one row of tshark's conversation table.
type conv struct {
	a, b               string
	framesBA, framesAB int
	bytesBA, bytesAB   int64
	exactBA, exactAB   bool // false when tshark rounded to kB/MB
}

func parseConversations(t testing.TB, path, section string) []conv {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil
	}
	var out []conv
	in := false
	for _, l := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(l, section+" Conversations") {
			in = true
			continue
		}
		if strings.HasSuffix(l, "Conversations") {
			in = false
		}
		if !in || !strings.Contains(l, "<->") {
			continue
		}
		f := strings.Fields(l)
		// A <-> B framesBA bytesBA unit framesAB bytesAB unit ...
		if len(f) < 9 {
			t.Fatalf("odd conversation line %q", l)
		}
		c := conv{a: f[0], b: f[2]}
		c.framesBA, _ = strconv.Atoi(f[3])
		c.bytesBA, c.exactBA = parseBytes(f[4], f[5])
		c.framesAB, _ = strconv.Atoi(f[6])
		c.bytesAB, c.exactAB = parseBytes(f[7], f[8])
		out = append(out, c)
	}
	return out
}

func parseBytes(n, unit string) (int64, bool) {
	v, _ := strconv.ParseInt(n, 10, 64)
	switch unit {
	case "kB":
		return v * 1000, false
	case "MB":
		return v * 1000 * 1000, false
	}
	return v, true
}

func bytesAgree(got uint64, want int64, exact bool) bool {
	if exact {
		return int64(got) == want
	}
	d := int64(got) - want
	return d > -1000*1000 && d < 1000*1000 && (want >= 1000*1000 || (d > -1000 && d < 1000))
}

// epKey is an unordered endpoint pair.
func epKey(a, b string) string {
	if a > b {
		a, b = b, a
	}
	return a + " " + b
}

func endpointString(ap netip.AddrPort) string {
	return ap.Addr().Unmap().String() + ":" + strconv.Itoa(int(ap.Port()))
}

// tsharkEndpoint rewrites tshark's "[v6]:port" and "v6:port" forms.
func tsharkEndpoint(s string) string {
	return strings.NewReplacer("[", "", "]", "").Replace(s)
}

// knownConvDifferences lists conversations where we disagree with tshark
// on purpose, with the reason.
var knownConvDifferences = map[string]string{
	"tcpdump/tests/vxlan.pcap UDP 192.168.202.1:4789 192.168.203.1:45149": vxlanOuter,
	"tcpdump/tests/vxlan.pcap UDP 192.168.202.1:32894 192.168.203.1:4789": vxlanOuter,
	"tcpdump/tests/vxlan.pcap UDP 192.168.202.1:42710 192.168.203.1:4789": vxlanOuter,
	"tcpdump/tests/vxlan.pcap UDP 192.168.202.1:4789 192.168.203.1:52102": vxlanOuter,
	// Frame 1 is a SYN the snap length cut inside its options: tshark
	// shows it as TCP but its dissector stops at the cut before the
	// conversation table counts it; thingsniff counts the connection's
	// opening in it (decode.fillCutTCP).
	"zeek/testing/btest/Traces/tcp/truncated-header.pcap TCP 128.3.26.249:25 201.186.157.67:60827": "a SYN cut inside its options: tshark's conversation table leaves it out, thingsniff counts it",
}

// vxlanOuter is why a tunnel's own UDP conversation is not a flow.
const vxlanOuter = "the outer UDP of a VXLAN tunnel: thingsniff tracks what the tunnel carries (here ARP and ICMP echo between the inner hosts), as Zeek does; tshark lists the tunnel's UDP as well"

func TestCorpusConversationsMatchTshark(t *testing.T) {
	dir := corpusDir(t)
	total, agreed := 0, 0
	for _, rel := range corpusFiles(t, dir) {
		for _, section := range []string{"TCP", "UDP"} {
			want := parseConversations(t, filepath.Join(dir, "expected", rel+".tshark", "conversations.txt"), section)
			if len(want) == 0 {
				continue
			}
			got, err := scanFile(t, filepath.Join(dir, rel))
			if err != nil {
				t.Errorf("%s: %v", rel, err)
				continue
			}
			proto := decode.ProtoTCP
			if section == "UDP" {
				proto = decode.ProtoUDP
			}
			ours := map[string][]decode.Flow{}
			for _, f := range got.flows {
				if f.Proto == proto {
					k := epKey(endpointString(f.Client), endpointString(f.Server))
					ours[k] = append(ours[k], f)
				}
			}
			for k := range ours {
				sort.SliceStable(ours[k], func(i, j int) bool { return ours[k][i].First < ours[k][j].First })
			}
			used := map[string]int{}
			for _, w := range want {
				total++
				a, b := tsharkEndpoint(w.a), tsharkEndpoint(w.b)
				k := epKey(a, b)
				id := fmt.Sprintf("%s %s %s", rel, section, k)
				list := ours[k]
				if used[k] >= len(list) {
					if why, ok := knownConvDifferences[id]; ok {
						t.Logf("%s: known difference: %s", id, why)
						continue
					}
					t.Errorf("%s: tshark has this conversation, we have %d of them", id, len(list))
					continue
				}
				f := list[used[k]]
				used[k]++
				// Map tshark's A->B onto our client->server.
				ab, ba := 0, 1
				if endpointString(f.Client) != a {
					ab, ba = 1, 0
				}
				ok := int(f.Packets[ab]) == w.framesAB && int(f.Packets[ba]) == w.framesBA &&
					bytesAgree(f.Bytes[ab], w.bytesAB, w.exactAB) && bytesAgree(f.Bytes[ba], w.bytesBA, w.exactBA)
				if !ok {
					if why, known := knownConvDifferences[id]; known {
						t.Logf("%s: known difference: %s", id, why)
						continue
					}
					t.Errorf("%s: packets %d/%d bytes %d/%d; tshark A->B %d/%d bytes, B->A %d/%d",
						id, f.Packets[ab], f.Packets[ba], f.Bytes[ab], f.Bytes[ba], w.framesAB, w.bytesAB, w.framesBA, w.bytesBA)
					continue
				}
				agreed++
			}
		}
	}
	t.Logf("conversations agreeing with tshark: %d of %d", agreed, total)
}

func TestCorpusClosingSideMatchesTshark(t *testing.T) {
	dir := corpusDir(t)
	total, agreed := 0, 0
	for _, rel := range corpusFiles(t, dir) {
		rows := readTSV(t, filepath.Join(dir, "expected", rel+".tshark", "tcp_close.tsv"))
		if len(rows) == 0 {
			continue
		}
		got, err := scanFile(t, filepath.Join(dir, rel))
		if err != nil {
			t.Errorf("%s: %v", rel, err)
			continue
		}
		var tcp []decode.Flow
		for _, f := range got.flows {
			if f.Proto == decode.ProtoTCP {
				tcp = append(tcp, f)
			}
		}
		seen := map[string]bool{}
		for _, r := range rows {
			stream := r["tcp.stream"]
			if seen[stream] {
				continue // only the first FIN or RST closes
			}
			seen[stream] = true
			total++
			n, _ := strconv.Atoi(stream)
			src := r["ip.src"]
			if src == "" {
				src = r["ipv6.src"]
			}
			closer := src + ":" + r["tcp.srcport"]
			kind := decode.CloseFIN
			if r["tcp.flags.reset"] == "1" || r["tcp.flags.reset"] == "True" {
				kind = decode.CloseRST
			}
			id := fmt.Sprintf("%s stream %s", rel, stream)
			if n >= len(tcp) {
				t.Errorf("%s: we have only %d TCP flows", id, len(tcp))
				continue
			}
			f := tcp[n]
			var ours string
			switch f.ClosedBy {
			case decode.SideClient:
				ours = endpointString(f.Client)
			case decode.SideServer:
				ours = endpointString(f.Server)
			}
			if ours != closer || f.Close != kind {
				if why, known := knownConvDifferences[id]; known {
					t.Logf("%s: known difference: %s", id, why)
					continue
				}
				t.Errorf("%s: closed by %q with %v; tshark: %s with %v", id, ours, f.Close, closer, kind)
				continue
			}
			agreed++
		}
	}
	t.Logf("closing sides agreeing with tshark: %d of %d", agreed, total)
}
