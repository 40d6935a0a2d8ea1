package live

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcap"

	"thingsniff/capture"
)

func TestStatsLinesRoundTrip(t *testing.T) {
	for _, s := range []Stats{{}, {Received: 1, Dropped: 2, IfDropped: 3, Written: 4}, {Received: 1 << 40, Written: 7, Final: true}} {
		line := FormatStats(s)
		got, ok := ParseStats(line + "\n")
		if !ok || got != s {
			t.Errorf("ParseStats(%q) = %+v, %v; want %+v", line, got, ok, s)
		}
	}
	for _, line := range []string{"", "stats", "stats received=x", "thingsniff capture: stats received=1", "stats received"} {
		if s, ok := ParseStats(line); ok && line != "stats" {
			t.Errorf("ParseStats(%q) = %+v, want not a counter line", line, s)
		}
	}
}

// A bad filter is refused with libpcap's message, without privileges.
func TestCheckFilter(t *testing.T) {
	for _, f := range []string{"", "udp port 67 or arp", "tcp[tcpflags] & tcp-fin != 0", "host 192.168.137.1"} {
		if err := CheckFilter(f, layers.LinkTypeEthernet); err != nil {
			t.Errorf("CheckFilter(%q): %v", f, err)
		}
	}
	err := CheckFilter("udp port 99999", layers.LinkTypeEthernet)
	var fe *FilterError
	if !errors.As(err, &fe) || !strings.Contains(fe.Message, "99999") {
		t.Fatalf("err = %v, want libpcap's message about the port", err)
	}
	if err := CheckFilter("tcp port", layers.LinkTypeEthernet); err == nil {
		t.Error("an unfinished filter passed")
	}
}

// libpcap says only "syntax error"; the error also says where.
func TestFilterErrorPosition(t *testing.T) {
	for _, c := range []struct {
		filter string
		pos    int
		near   string
	}{
		{"tcp port and 80", 9, "and"},
		{"host 192.168.137.1 andd port 80", 19, "andd"},
		{"tcp prot 80", 4, "prot"},
		{"udp port 99999", 9, "99999"},
		{"ether host zz:11", 11, "zz"},
		{"ip6 and (tcp or", -1, ""},
		{"tcp port", -1, ""},
		{"arp or ) udp", 7, ")"},
	} {
		var fe *FilterError
		if err := CheckFilter(c.filter, layers.LinkTypeEthernet); !errors.As(err, &fe) {
			t.Errorf("%q: err = %v, want a FilterError", c.filter, err)
			continue
		}
		if fe.Pos != c.pos || fe.Near != c.near {
			t.Errorf("%q: at %d %q (%s), want %d %q", c.filter, fe.Pos, fe.Near, fe.Message, c.pos, c.near)
		}
	}
}

func TestSampleReadsKernelCounters(t *testing.T) {
	dir := t.TempDir()
	for name, rx := range map[string]string{"eth0": "1234\n", "veth-router": "5\n"} {
		p := filepath.Join(dir, name, "statistics")
		os.MkdirAll(p, 0o755)
		os.WriteFile(filepath.Join(p, "rx_packets"), []byte(rx), 0o644)
		os.WriteFile(filepath.Join(p, "tx_packets"), []byte("9\n"), 0o644)
	}
	os.Mkdir(filepath.Join(dir, "bonding_masters"), 0o755)
	got := sampleDir(dir)
	want := map[string]Counters{"eth0": {1234, 9}, "veth-router": {5, 9}}
	if len(got) != len(want) || got["eth0"] != want["eth0"] || got["veth-router"] != want["veth-router"] {
		t.Errorf("sampleDir = %v, want %v", got, want)
	}
	if len(sampleDir(filepath.Join(dir, "missing"))) != 0 {
		t.Error("a missing sysfs gave counters")
	}
}

// Run over an offline libpcap handle: every packet reaches the pcapng
// output unchanged, with its time and wire length, and the final counter
// line counts them.
func TestRunWritesEveryPacket(t *testing.T) {
	const n = 1000
	h, src := offlineHandle(t, n, func(i int) ([]byte, uint32, int64) {
		data := bytes.Repeat([]byte{byte(i)}, 60+i%200)
		return data, uint32(len(data) + i%3), int64(1_700_000_000_000_000_000 + i*1000)
	})
	var out, stats bytes.Buffer
	st, err := h.Run(context.Background(), &out, RunOptions{Stats: &stats})
	if err != nil {
		t.Fatal(err)
	}
	if st.Written != n || !st.Final {
		t.Errorf("stats %+v, want %d written", st, n)
	}
	if st.end != int64(out.Len()) {
		t.Errorf("the last packet ends at %d, the output at %d", st.end, out.Len())
	}
	st.end = 0 // not on the counter line
	if last, ok := ParseStats(strings.TrimSpace(stats.String())); !ok || last != st {
		t.Errorf("counter line %q, want %+v", stats.String(), st)
	}
	want, err := capture.Open(src)
	if err != nil {
		t.Fatal(err)
	}
	defer want.Close()
	got, err := capture.OpenStream(&out, "out", "")
	if err != nil {
		t.Fatal(err)
	}
	defer got.Close()
	wantCur, gotCur := want.Cursor(), got.Cursor()
	for i := 0; ; i++ {
		w, werr := wantCur.Next()
		g, gerr := gotCur.NextWait(context.Background())
		if errors.Is(werr, io.EOF) || errors.Is(gerr, io.EOF) {
			if !errors.Is(werr, io.EOF) || !errors.Is(gerr, io.EOF) || i != n {
				t.Fatalf("ends differ after %d packets: %v / %v", i, werr, gerr)
			}
			break
		}
		if i == 0 {
			if ifs := gotCur.Interfaces(); len(ifs) != 1 || ifs[0].Name != "test0" || ifs[0].LinkType != layers.LinkTypeEthernet {
				t.Errorf("interfaces %+v", ifs)
			}
		}
		if werr != nil || gerr != nil {
			t.Fatal(werr, gerr)
		}
		if !bytes.Equal(g.Data, w.Data) || g.Time != w.Time || g.OrigLen != w.OrigLen {
			t.Fatalf("packet %d: got %d bytes at %d (wire %d), want %d at %d (wire %d)", i+1, len(g.Data), g.Time, g.OrigLen, len(w.Data), w.Time, w.OrigLen)
		}
	}
}

// Run stops at Count and still writes everything up to it.
func TestRunStopsAtCount(t *testing.T) {
	h, _ := offlineHandle(t, 50, func(i int) ([]byte, uint32, int64) { return make([]byte, 64), 64, int64(i) })
	var out bytes.Buffer
	st, err := h.Run(context.Background(), &out, RunOptions{Count: 7})
	if err != nil || st.Written != 7 {
		t.Fatalf("Run: %+v, %v; want 7 written", st, err)
	}
	c, err := capture.OpenStream(&out, "out", "")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	n := 0
	for cur := c.Cursor(); ; n++ {
		if _, err := cur.NextWait(context.Background()); err != nil {
			break
		}
	}
	if n != 7 {
		t.Errorf("output holds %d packets, want 7", n)
	}
}

// A failing output (a full disk, a closed pipe) ends Run with an error
// that says how many packets got out.
func TestRunReportsOutputFailure(t *testing.T) {
	h, _ := offlineHandle(t, 5000, func(i int) ([]byte, uint32, int64) { return make([]byte, 1500), 1500, int64(i) })
	_, err := h.Run(context.Background(), &limitedWriter{left: 1 << 20}, RunOptions{})
	if err == nil || !strings.Contains(err.Error(), "write output") || !strings.Contains(err.Error(), "disk full") {
		t.Fatalf("err = %v, want the output's failure", err)
	}
}

type limitedWriter struct{ left int }

func (w *limitedWriter) Write(p []byte) (int, error) {
	if len(p) > w.left {
		n := w.left
		w.left = 0
		return n, errors.New("disk full")
	}
	w.left -= len(p)
	return len(p), nil
}

// offlineHandle writes n packets that packet(i) makes into a pcap file
// and opens it with libpcap as a Handle, in place of an interface; it
// returns the file's path too.
func offlineHandle(t *testing.T, n int, packet func(i int) (data []byte, orig uint32, ns int64)) (*Handle, string) {
	t.Helper()
	src := filepath.Join(t.TempDir(), "in.pcap")
	f, err := os.Create(src)
	if err != nil {
		t.Fatal(err)
	}
	pw, err := capture.NewPcapWriter(f, layers.LinkTypeEthernet, 0)
	if err != nil {
		t.Fatal(err)
	}
	for i := range n {
		data, orig, ns := packet(i)
		if err := pw.WritePacket(ns, data, orig); err != nil {
			t.Fatal(err)
		}
	}
	if err := pw.Flush(); err != nil {
		t.Fatal(err)
	}
	f.Close()
	ph, err := pcap.OpenOffline(src)
	if err != nil {
		t.Fatal(err)
	}
	h := &Handle{h: ph, name: "test0", link: ph.LinkType(), snaplen: ph.SnapLen()}
	t.Cleanup(h.Close)
	return h, src
}
