package app

import (
	"context"
	"fmt"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// filterCases are display filters held against tshark -Y over the whole
// corpus. differs says why thingsniff selects other frames on purpose,
// and upTo how many frames (selected by one of the two only) that
// reason accounts for on this corpus: more fails the test.
//
// perFile cases are held capture by capture instead of on the joined
// corpus: in the joined file, connections of different captures with the
// same addresses and ports follow one another, and tshark reads them as
// one (the next capture's segments become retransmissions, out of order
// or lost segments of the last one's).
// Reasons shared by several cases.
const (
	badTime         = "timestamps whose fraction passes a second (timestamp_invalid_*.pcap) are carried into the seconds here"
	ackUnseen       = "tshark 4.0 tells an acknowledgement of unseen data once per gap, thingsniff once per acknowledgement that moves on: they differ on a fuzzed capture whose acknowledgements jump back and forth (linux_sll_oversized_addr.pcapng) and on one frame of reassembly.pcap"
	fastByAckUnseen = "tshark 4.0 reuses its count of duplicate ACKs to remember unseen data, and then takes three repeated FINs of reassembly.pcap for fast retransmissions that no duplicate ACK asked for"
	portsReused     = "a SYN-ACK that reuses a connection's ports numbers its side afresh to tshark (rst-inject-rae.pcap); a flow keeps the numbers it began with here"
	refusedDNS      = "DNS messages that thingsniff's parser refuses (a bad label, a pointer forward)"
)

var filterCases = []filterCase{
	// Protocols.
	{expr: "eth"},
	{expr: "arp", differs: "malformed ARP (arp-oobr.pcap: address lengths that do not fit), ARP over Frame Relay (arp.pcap) and in a Linux cooked capture v2 frame are not decoded as ARP", upTo: 85},
	{expr: "ip", differs: "a frame cut by the snap length inside its IPv4 header is no IPv4 packet to thingsniff", upTo: 1},
	{expr: "ipv6"},
	{expr: "eapol"},
	{expr: "icmp"},
	{expr: "icmpv6", differs: "tshark stops at an IPv6 header it cannot read where thingsniff finds ICMPv6", upTo: 2},
	{expr: "tcp"},
	{expr: "udp", differs: quotedICMP, upTo: 9},
	{expr: "dhcp", differs: quotedICMP, upTo: 2},
	{expr: "dns", differs: "DNS that tshark finds malformed, or over TCP after a gap, where thingsniff's index says DNS", upTo: 3},
	{expr: "mdns"},
	{expr: "http", differs: "tshark decrypts HTTPS with the keys a pcapng carries (test300/301) and follows HTTP across capture gaps; thingsniff tells a resent head on its first copy; tshark takes HTTP on port 22 for SSH; and in the joined corpus, one connection found in four zeek traces is one to tshark, whose later copies are retransmissions", upTo: 42},
	{expr: "tls", differs: "tshark also reads SSLv2 records after the hellos, segments out of order and records after a gap; thingsniff follows record boundaries in order from a record header (or an SSLv2 hello) and leaves the rest", upTo: 51},
	{expr: "ntp", differs: quotedICMP, upTo: 3},
	{expr: "ssdp"},
	{expr: "!arp", differs: "as arp", upTo: 85},
	{expr: "not ip and not ipv6", differs: "as ip", upTo: 1},
	// Addresses.
	{expr: "eth.addr == ff:ff:ff:ff:ff:ff"},
	{expr: "eth.src == 00:17:88:24:76:ff"},
	{expr: "eth.dst == 01:00:5e:7f:ff:fa"},
	{expr: "ip.addr == 10.10.10.1"},
	{expr: "ip.src == 10.10.10.1", differs: quotedICMP, upTo: 3},
	{expr: "ip.dst == 255.255.255.255"},
	{expr: "ip.addr == 192.168.0.0/16", differs: quotedICMP, upTo: 1},
	{expr: "ip.addr == 10.10.10.0/24 && tcp"},
	{expr: "ip.addr != 10.10.10.1"},
	{expr: "!(ip.addr == 10.10.10.1)"},
	{expr: "ip.dst == 224.0.0.0/4"},
	{expr: "ipv6.addr == ff02::fb"},
	{expr: "ipv6.src == fe80::/10", differs: "as icmpv6", upTo: 1},
	{expr: "ipv6.dst == ff02::/16", differs: "as icmpv6", upTo: 2},
	// Ports and TCP.
	{expr: "tcp.port == 80"},
	{expr: "tcp.port in {80, 443}"},
	{expr: "tcp.port in {8000..9000}"},
	{expr: "tcp.srcport == 80"},
	{expr: "tcp.dstport == 443"},
	{expr: "udp.port == 53", differs: quotedICMP, upTo: 1},
	{expr: "udp.srcport == 68"},
	{expr: "udp.dstport == 1900"},
	{expr: "tcp.flags.syn == 1"},
	{expr: "tcp.flags.syn == 1 && tcp.flags.ack == 0"},
	{expr: "tcp.flags.fin == 1"},
	{expr: "tcp.flags.reset == 1"},
	{expr: "tcp.flags.ack == 1 and tcp.len == 0"},
	{expr: "tcp.len > 1000"},
	{expr: "tcp.analysis.retransmission", perFile: true},
	{expr: "tcp.analysis.duplicate_ack", perFile: true},
	{expr: "tcp.analysis.keep_alive", perFile: true},
	{expr: "tcp.analysis.out_of_order", perFile: true},
	{expr: "tcp.analysis.lost_segment", perFile: true},
	{expr: "tcp.analysis.window_update", perFile: true},
	{expr: "tcp.analysis.spurious_retransmission", perFile: true},
	{expr: "tcp.analysis.fast_retransmission", perFile: true, differs: fastByAckUnseen, upTo: 3},
	{expr: "tcp.analysis.keep_alive_ack", perFile: true},
	{expr: "tcp.analysis.reused_ports", perFile: true},
	{expr: "tcp.analysis.duplicate_ack_num >= 2", perFile: true},
	{expr: "tcp.analysis.duplicate_ack_frame", perFile: true},
	{expr: "tcp.analysis.ack_lost_segment", perFile: true, differs: ackUnseen, upTo: 90},
	{expr: "tcp.analysis.flags && !tcp.analysis.window_update", perFile: true, differs: ackUnseen, upTo: 75},
	// Frames.
	{expr: "frame.len > 1000"},
	{expr: "frame.len <= 60"},
	// Packet numbers: tshark also numbers pcapng custom blocks as frames
	// (two in the joined corpus, at 262 and 289); the test renumbers its
	// answer, which leaves frame.number itself comparable only below them.
	{expr: "frame.number in {1, 100..120, 250}"},
	{expr: "frame.number >= 200 && frame.number < 262"},
	{expr: "frame.time_relative < 1", differs: "a packet one second after the first to within rounding", upTo: 1},
	// DNS.
	{expr: "dns.qry.name contains \"google\""},
	{expr: "dns.qry.name == \"time.nist.gov\""},
	{expr: "dns.qry.name matches \"^www\\\\.\""},
	{expr: "dns.qry.type == 28"},
	{expr: "dns.flags.response == 1", differs: "tshark shows the fields of DNS messages it marks malformed; thingsniff's parser refuses them", upTo: 3},
	{expr: "dns.flags.response == 0 && !mdns"},
	{expr: "dns.a == 10.10.10.0/24"},
	{expr: "dns.a", differs: "as dns.flags.response == 1", upTo: 1},
	// HTTP.
	{expr: "http.request", differs: "as http", upTo: 26},
	{expr: "http.response", differs: "as http", upTo: 12},
	{expr: "http.request.method == \"POST\""},
	{expr: "http.request.method in {\"GET\", \"HEAD\"}", differs: "as http", upTo: 18},
	{expr: "http.host contains \"fitbit\""},
	{expr: "http.request.uri contains \"?\"", differs: "as http", upTo: 1},
	{expr: "http.response.code == 200", differs: "as http", upTo: 11},
	{expr: "http.response.code >= 400", differs: "as http", upTo: 1},
	{expr: "http.user_agent matches \"android\""},
	{expr: "http.cookie"},
	// TLS.
	// A message is told where it ends: hellos with big key shares and
	// certificate chains span segments and records.
	{expr: "tls.handshake.type == 1"},
	{expr: "tls.handshake.type == 2"},
	{expr: "tls.handshake.type == 11"},
	{expr: "tls.handshake.type in {4, 16}", differs: "a message in a segment that arrived out of order, which tshark puts in its place and thingsniff skips", upTo: 1},
	{expr: "tls.handshake.extensions_server_name"},
	{expr: "tls.handshake.extensions_server_name contains \"amazon\""},
	{expr: "tls.handshake.extensions_alpn_str == \"h2\""},
	// More of Wireshark's fields.
	{expr: "frame.time_delta > 1", differs: badTime + "; after a pcapng custom block, which tshark counts as a frame without a time, tshark's gap is a whole epoch", upTo: 2},
	{expr: "frame.time_epoch < 1400000000", differs: badTime, upTo: 1},
	{expr: "eth.type == 0x0806"},
	{expr: "eth.type == 0x86dd"},
	{expr: "ip.ttl < 64", differs: quotedICMP, upTo: 9},
	{expr: "ip.proto == 17", differs: quotedICMP, upTo: 19},
	{expr: "ip.len > 1000"},
	{expr: "ip.id == 0"},
	{expr: "ip.flags.df == 1", differs: quotedICMP, upTo: 7},
	{expr: "ip.flags.mf == 1"},
	{expr: "ip.dsfield.dscp > 0"},
	{expr: "ipv6.hlim == 255", differs: "as icmpv6", upTo: 2},
	{expr: "ipv6.nxt == 58", differs: "as icmpv6", upTo: 2},
	{expr: "ipv6.plen > 100"},
	{expr: "tcp.flags == 0x012"},
	{expr: "tcp.window_size_value < 100", differs: "two segments of linux_sll_oversized_addr.pcapng, a damaged capture, that tshark does not read as TCP", upTo: 2},
	{expr: "tcp.window_size > 100000", perFile: true},
	{expr: "tcp.seq == 1", perFile: true, differs: portsReused, upTo: 3},
	{expr: "tcp.ack == 1", perFile: true, differs: portsReused, upTo: 3},
	{expr: "tcp.seq_raw > 4000000000"},
	{expr: "tcp.stream == 2", perFile: true},
	{expr: "udp.stream == 3", perFile: true, differs: "tshark numbers the UDP conversations that VXLAN carries and that ICMP errors quote as streams of their own", upTo: 9},
	{expr: "dns.count.answers > 3", differs: refusedDNS, upTo: 2},
	{expr: "dns.resp.ttl < 60", differs: refusedDNS, upTo: 1},
	{expr: "http.content_length > 1000", differs: "as http", upTo: 8},
	{expr: "http.location"},
	{expr: "http.referer", differs: "as http", upTo: 12},
	{expr: "http.request.full_uri contains \"http://\"", differs: "as http", upTo: 12},
	{expr: "http.response.phrase == \"OK\"", differs: "as http", upTo: 11},
	// DHCP and ARP.
	{expr: "dhcp.option.hostname", differs: quotedICMP, upTo: 1},
	{expr: "dhcp.option.hostname contains \"hue\"", differs: quotedICMP, upTo: 1},
	{expr: "dhcp.option.dhcp == 3"},
	{expr: "dhcp.option.dhcp in {5, 6}", differs: quotedICMP, upTo: 1},
	{expr: "arp.opcode == 1", differs: "as arp", upTo: 64},
	{expr: "arp.opcode == 2", differs: "as arp", upTo: 1},
	{expr: "arp.src.proto_ipv4 == 10.10.10.1"},
	// Combinations.
	{expr: "udp && !dns && !dhcp", differs: quotedICMP + "; a DNS message thingsniff's parser refuses", upTo: 8},
	{expr: "(tcp.port == 80 || udp.port == 53) && ip.addr == 10.10.10.0/24", differs: quotedICMP, upTo: 1},
	{expr: "tcp or udp and not ip"},
	{expr: "not (tcp or udp)", differs: quotedICMP, upTo: 9},
	{expr: "ip.src == 10.10.10.1 or ip.dst == 10.10.10.1"},
}

// quotedICMP is the reason most cases differ by, written once for all
// the cases it accounts for.
const quotedICMP = "tshark reads the headers an ICMP error quotes as the packet's own; thingsniff does not"

type filterCase struct {
	expr    string
	differs string
	upTo    int
	perFile bool
}

// TestFilterAgreesWithTshark runs every filterCases expression with
// Filter over the corpus and with tshark -Y, and compares the frames.
// The corpus is read as one file (mergecap -a joins every capture that
// mergecap can read; perf/ is left out for time) plus, one by one, the
// few files mergecap refuses.
func TestFilterAgreesWithTshark(t *testing.T) {
	dir := corpusDir(t)
	for _, tool := range []string{"tshark", "mergecap", "capinfos"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s not installed", tool)
		}
	}
	if testing.Short() {
		t.Skip("runs tshark many times")
	}
	files := corpusUnder(t, dir)
	joined := filepath.Join(t.TempDir(), "corpus.pcapng")
	var alone []string
	var ok []string
	one := filepath.Join(t.TempDir(), "one.pcapng")
	for _, f := range files {
		// mergecap copies some files' options into blocks that cannot be
		// read back: those are read alone.
		if exec.Command("mergecap", "-a", "-F", "pcapng", "-w", one, f).Run() != nil || exec.Command("capinfos", "-c", one).Run() != nil {
			alone = append(alone, f)
			continue
		}
		ok = append(ok, f)
	}
	if out, err := exec.Command("mergecap", append([]string{"-a", "-F", "pcapng", "-w", joined}, ok...)...).CombinedOutput(); err != nil {
		t.Fatalf("mergecap: %v\n%s", err, out)
	}
	targets := []string{joined}
	for _, f := range alone {
		// A file tshark cannot read to its end is left to the capture tests.
		if exec.Command("tshark", "-r", f, "-T", "fields", "-e", "frame.number").Run() == nil {
			targets = append(targets, f)
		}
	}
	// differed counts, case by case, the frames that differ over all
	// the files read.
	differed := map[int]int{}
	whole := func(c filterCase) bool { return !c.perFile }
	for _, path := range targets {
		checkFilters(t, path, whole, differed, false)
	}
	// The perFile cases, capture by capture (those that hold TCP): their
	// bounds hold over the corpus, so the differences are summed.
	perFile := func(c filterCase) bool { return c.perFile }
	for _, path := range append(ok, targets[1:]...) {
		checkFilters(t, path, perFile, differed, true)
	}
	for k, c := range filterCases {
		if c.differs != "" && differed[k] == 0 {
			t.Logf("%q: agrees with tshark now; its note (%s) may go", c.expr, c.differs)
		}
	}
}

// checkFilters holds the cases that pick selects against tshark -Y on
// path, and adds the frames that differ to differed. With summed, path
// is one capture among many: it is skipped when it holds no TCP, and a
// case's bound holds for its differences summed over the captures.
func checkFilters(t *testing.T, path string, pick func(filterCase) bool, differed map[int]int, summed bool) {
	l, _ := openAndWait(t, path)
	if summed {
		if got, err := Filter(context.Background(), l, "tcp", l.Index.Len()); err != nil || len(got) == 0 {
			return
		}
	}
	var cases []int
	for k, c := range filterCases {
		if pick(c) {
			cases = append(cases, k)
		}
	}
	want := tsharkAll(t, path, cases)
	// tshark counts pcapng's custom blocks as frames; thingsniff
	// lists packets only. Its numbers are tshark's without those.
	renumber := tsharkRenumber(t, path)
	for i, k := range cases {
		c := filterCases[k]
		got, err := Filter(context.Background(), l, c.expr, l.Index.Len())
		if err != nil {
			t.Errorf("%s: %q: %v", filepath.Base(path), c.expr, err)
			continue
		}
		gotN := make([]int, len(got))
		for i, g := range got {
			gotN[i] = g + 1
		}
		missing, extra := diffSorted(renumber(want[i]), gotN)
		n := len(missing) + len(extra)
		differed[k] += n
		if summed {
			n = differed[k]
		}
		switch {
		case len(missing) == 0 && len(extra) == 0:
		case c.differs != "" && n <= c.upTo:
			t.Logf("%s: %q differs on purpose (%s): %d frames fewer, %d more", filepath.Base(path), c.expr, c.differs, len(missing), len(extra))
		default:
			t.Errorf("%s: %q: thingsniff selects %d frames, tshark %d; only tshark: %s; only thingsniff: %s",
				filepath.Base(path), c.expr, len(gotN), len(want[i]), head(missing), head(extra))
		}
	}
}

// corpusUnder lists the corpus captures outside perf/.
func corpusUnder(t *testing.T, dir string) []string {
	var out []string
	for _, f := range corpusFiles(t, dir) {
		if !strings.HasPrefix(f, "perf/") {
			out = append(out, filepath.Join(dir, f))
		}
	}
	return out
}

// tsharkAll runs tshark -Y for the given cases on path, two at a time,
// and returns the frame numbers each selected.
func tsharkAll(t *testing.T, path string, cases []int) [][]int {
	out := make([][]int, len(cases))
	var wg sync.WaitGroup
	sem := make(chan struct{}, 2)
	for k, i := range cases {
		c := filterCases[i]
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			b, err := exec.Command("tshark", "-n", "-r", path, "-Y", c.expr, "-T", "fields", "-e", "frame.number").Output()
			if err != nil && len(b) == 0 {
				t.Errorf("tshark -Y %q on %s: %v", c.expr, path, err)
				return
			}
			for _, f := range strings.Fields(string(b)) {
				n, err := strconv.Atoi(f)
				if err != nil {
					t.Errorf("tshark printed %q", f)
					return
				}
				out[k] = append(out[k], n)
			}
		}()
	}
	wg.Wait()
	return out
}

// tsharkRenumber returns what turns tshark's frame numbers of path into
// thingsniff's packet numbers: records that are no packets (pcapng
// custom blocks, which tshark shows as frames of protocol "pcapng") are
// dropped, and the frames after them renumbered.
func tsharkRenumber(t *testing.T, path string) func([]int) []int {
	b, err := exec.Command("tshark", "-n", "-r", path, "-T", "fields", "-e", "frame.number", "-e", "frame.interface_id").Output()
	if err != nil {
		t.Fatalf("tshark on %s: %v", path, err)
	}
	var blocks []int // frames of no interface
	pcapng := false  // a pcap file's frames name no interface either
	for _, l := range strings.Split(string(b), "\n") {
		no, iface, _ := strings.Cut(l, "\t")
		if no != "" && iface == "" {
			n, _ := strconv.Atoi(no)
			blocks = append(blocks, n)
		}
		pcapng = pcapng || iface != ""
	}
	if !pcapng {
		blocks = nil
	}
	return func(frames []int) []int {
		var out []int
		for _, n := range frames {
			i, isBlock := slices.BinarySearch(blocks, n)
			if !isBlock {
				out = append(out, n-i)
			}
		}
		return out
	}
}

// diffSorted returns what only a has and what only b has.
func diffSorted(a, b []int) (onlyA, onlyB []int) {
	for _, x := range a {
		if _, ok := slices.BinarySearch(b, x); !ok {
			onlyA = append(onlyA, x)
		}
	}
	for _, x := range b {
		if _, ok := slices.BinarySearch(a, x); !ok {
			onlyB = append(onlyB, x)
		}
	}
	return onlyA, onlyB
}

func head(xs []int) string {
	if len(xs) > 12 {
		return fmt.Sprint(xs[:12]) + fmt.Sprintf(" and %d more", len(xs)-12)
	}
	return fmt.Sprint(xs)
}
