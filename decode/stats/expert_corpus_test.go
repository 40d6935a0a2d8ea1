package stats_test

import (
	"io"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"thingsniff/decode"
	"thingsniff/decode/decodetest"
	"thingsniff/decode/stats"
)

// expertLine is a line of tshark -z expert: frequency, group, protocol,
// summary.
var expertLine = regexp.MustCompile(`^\s+(\d+)\s+(\S+)\s+(\S+)\s+(.+)$`)

// dupAckNumber is the duplicate ACK's number tshark writes in its summary;
// the expert statistic counts duplicate ACKs in one item.
var dupAckNumber = regexp.MustCompile(` \(#\d+\)$`)

// tsharkExpert is tshark's expert information for the TCP sequence items,
// by summary.
func tsharkExpert(t *testing.T, path string) map[string]uint64 {
	out, err := exec.Command("tshark", "-n", "-q", "-r", path, "-z", "expert").Output()
	if err != nil && len(out) == 0 {
		return nil
	}
	counts := map[string]uint64{}
	for _, line := range strings.Split(string(out), "\n") {
		m := expertLine.FindStringSubmatch(line)
		if m == nil || m[2] != "Sequence" || m[3] != "TCP" {
			continue
		}
		n, _ := strconv.ParseUint(m[1], 10, 64)
		counts[dupAckNumber.ReplaceAllString(m[4], "")] += n
	}
	return counts
}

// ourExpert runs a capture through an engine into a collector, as the
// statistics pass does, and returns its TCP sequence items by summary.
func ourExpert(path string) map[string]uint64 {
	r, err := decodetest.OpenCapture(path, false)
	if err != nil {
		return nil
	}
	defer r.Close()
	col := stats.New(stats.Options{})
	e := decode.NewEngine(col)
	for {
		data, ci, err := r.Read()
		if err == io.EOF || err != nil {
			break
		}
		e.Add(data, r.Link, decode.Meta{Time: ci.Timestamp.UnixNano(), CapLen: uint32(ci.CaptureLength), OrigLen: uint32(ci.Length)})
	}
	counts := map[string]uint64{}
	for _, it := range col.Result(nil, nil).Expert {
		if it.Group == "Sequence" {
			counts[it.Summary] += it.Packets
		}
	}
	return counts
}

// On every corpus capture, each TCP sequence item of the expert
// information counts the packets tshark -z expert counts under the same
// words. tshark's items that thingsniff does not make (the options it
// checks, "This frame initiates the connection closing") are left out.
// Where they differ on purpose, see knownExpertDifferences.
func TestExpertMatchesTshark(t *testing.T) {
	compared := 0
	for _, path := range decodetest.CorpusCaptures(t) {
		theirs, ours := tsharkExpert(t, path), ourExpert(path)
		rel, _ := filepath.Rel(decodetest.CorpusDir(t), path)
		for summary, n := range ours {
			compared++
			if theirs[summary] == n {
				continue
			}
			if why, ok := knownExpertDifferences[filepath.Base(path)]; ok && strings.Contains(why.summaries, summary) {
				t.Logf("%s: %q: %d, tshark %d: %s", rel, summary, n, theirs[summary], why.reason)
				continue
			}
			t.Errorf("%s: %q counts %d packets, tshark %d", rel, summary, n, theirs[summary])
		}
		for summary, n := range theirs {
			why, known := knownExpertDifferences[filepath.Base(path)]
			if _, ok := ours[summary]; !ok && made(summary) && !(known && strings.Contains(why.summaries, summary)) {
				t.Errorf("%s: no %q item, tshark counts %d packets", rel, summary, n)
			}
		}
	}
	t.Logf("%d items compared", compared)
	if compared == 0 {
		t.Error("no expert items compared")
	}
}

// made reports whether thingsniff makes expert items with this summary
// (not those of TCP Fast Open, "TCP SYN with TFO Cookie"...).
func made(summary string) bool {
	if strings.HasPrefix(summary, "TCP SYN") {
		return false
	}
	for _, s := range []string{"Connection ", "TCP ", "This frame is a (suspected) ", "Duplicate ACK",
		"ACK to a TCP", "ACKed segment", "Previous segment", "A new tcp session"} {
		if strings.HasPrefix(summary, s) {
			return true
		}
	}
	return false
}

// knownExpertDifferences are the captures where an item differs from
// tshark's on purpose: the TCP analysis differs there (see the decode
// package's TestTCPAnalysisMatchesTshark for why).
var knownExpertDifferences = map[string]struct{ summaries, reason string }{
	"reassembly.pcap": {"This frame is a (suspected) fast retransmission|ACKed segment that wasn't captured (common at capture start)",
		"tshark 4.0 reuses its duplicate ACK count to remember unseen data"},
	"linux_sll_oversized_addr.pcapng": {"ACKed segment that wasn't captured (common at capture start)",
		"a fuzzed capture: tshark tells unseen data once per gap, thingsniff once per acknowledgement that moves on"},
}
