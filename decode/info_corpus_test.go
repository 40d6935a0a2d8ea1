package decode_test

import (
	"encoding/binary"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"

	"thingsniff/decode"
	"thingsniff/decode/decodetest"
)

// tsharkRow is what tshark says of one frame: its Protocol and Info
// columns and the TCP analysis fields it sets, as our flags.
type tsharkRow struct {
	proto, info string
	analysis    decode.Analysis
}

// analysisFields are tshark's tcp.analysis fields and the flag of each.
// (The marks' own table names the fields: tshark refuses a field it does
// not know, so a wrong name fails the tests.)
var analysisFields = decode.AnalysisMarks

// tsharkCache keeps tshark's reading of each capture for the tests of
// this file, which all need it: one run of tshark per capture.
var tsharkCache sync.Map

// tsharkRows returns tshark's reading of a capture, by frame number.
func tsharkRows(t *testing.T, path string) map[int]tsharkRow {
	if v, ok := tsharkCache.Load(path); ok {
		return v.(map[int]tsharkRow)
	}
	args := []string{"-n", "-r", path, "-T", "fields", "-E", "separator=/t", "-E", "occurrence=f",
		"-e", "frame.number", "-e", "_ws.col.Protocol"}
	for _, a := range analysisFields {
		args = append(args, "-e", a.Field)
	}
	args = append(args, "-e", "_ws.col.Info")
	out, err := exec.Command("tshark", args...).Output()
	if err != nil && len(out) == 0 {
		return nil
	}
	rows := map[int]tsharkRow{}
	for _, line := range strings.Split(string(out), "\n") {
		f := strings.SplitN(line, "\t", 3+len(analysisFields))
		if len(f) < 3+len(analysisFields) {
			continue
		}
		n, _ := strconv.Atoi(f[0])
		r := tsharkRow{proto: f[1], info: strings.TrimSpace(f[len(f)-1])}
		for i, a := range analysisFields {
			if f[2+i] != "" {
				r.analysis |= a.Mark
			}
		}
		rows[n] = r
	}
	tsharkCache.Store(path, rows)
	return rows
}

// ourRow is a row as the packet list has it, with its TCP analysis.
type ourRow struct {
	decode.Summary
	analysis decode.Analysis
}

// ourRows decodes a capture with an Engine, as a load does, and formats
// every row; nil when the capture cannot be read.
func ourRows(path string) []ourRow {
	r, err := decodetest.OpenCapture(path, false)
	if err != nil {
		return nil
	}
	defer r.Close()
	e := decode.NewEngine()
	var rows []ourRow
	for {
		data, ci, err := r.Read()
		if err == io.EOF {
			return rows
		}
		if err != nil {
			return rows
		}
		ix := e.Add(data, r.Link, decode.Meta{Time: ci.Timestamp.UnixNano(), CapLen: uint32(ci.CaptureLength), OrigLen: uint32(ci.Length)})
		rows = append(rows, ourRow{decode.Summarize(e.Last(), e.Flow(ix.Flow)), ix.Analysis})
	}
}

// hasDecryptionSecrets reports whether a pcapng file holds a Decryption
// Secrets Block (type 10), from which tshark takes TLS keys.
func hasDecryptionSecrets(t *testing.T, path string) bool {
	b, err := os.ReadFile(path)
	if err != nil || len(b) < 12 || string(b[:4]) != "\x0a\x0d\x0d\x0a" {
		return false
	}
	var order binary.ByteOrder = binary.LittleEndian
	if string(b[8:12]) == "\x1a\x2b\x3c\x4d" {
		order = binary.BigEndian
	}
	for off := 0; off+12 <= len(b); {
		typ, n := order.Uint32(b[off:]), int(order.Uint32(b[off+4:]))
		if typ == 10 {
			return true
		}
		if n < 12 {
			return false
		}
		off += n
	}
	return false
}

// analysisPrefix matches the TCP analysis tags at the start of an Info
// column (compared by TestTCPAnalysisMatchesTshark, not here).
var analysisPrefix = regexp.MustCompile(`^(\[TCP [^\]]*\] )+`)

var malformedDNS = regexp.MustCompile(`\[Malformed Packet\]|<Name too long>|^Unknown operation`)

var echoPair = regexp.MustCompile(` \((request|reply) in \d+\)$| \(no response found!\)$`)

var arpBeyond = regexp.MustCompile(`\[Malformed Packet\]|…|\(duplicate use of .* detected!\)`)

// imageTail is what Wireshark's image decoders add to an HTTP line.
var imageTail = regexp.MustCompile(`^  \((PNG|GIF8[79]a|JPEG[^)]*)\)$`)

var sniPart = regexp.MustCompile(` \(SNI=[^)]*\)`)

// infoAgrees compares the meaningful part of an Info column with tshark's,
// for the protocols whose wording this project follows; ok is false for
// rows outside them. The forms that differ on purpose:
//   - TLS: "Client Hello (SNI=x)" names the server (Wireshark 4.2 does;
//     the corpus's tshark 4.0 does not): the SNI is left out of the
//     comparison.
//   - HTTP: tshark names what an image decoder found in the body
//     ("  (PNG)"); thingsniff gives the media type only for bodies
//     Wireshark shows as media ("  (text/html)"), and the rest must match.
//   - ICMP: tshark names the request an echo reply answers ("(request in
//     7)"), which thingsniff does not pair; the rest must match.
func infoAgrees(family, ours, theirs string) bool {
	switch family {
	case "TLS":
		return sniPart.ReplaceAllString(ours, "") == theirs
	case "HTTP":
		tail, ok := strings.CutPrefix(theirs, ours)
		return ok && (tail == "" || imageTail.MatchString(tail))
	case "ICMP":
		return ours == echoPair.ReplaceAllString(theirs, "")
	}
	return ours == theirs
}

// family groups tshark's protocol names as the comparison does.
func family(proto string) string {
	switch {
	case proto == "DNS" || proto == "MDNS" || proto == "LLMNR":
		return "DNS"
	case proto == "DHCP":
		return "DHCP"
	case proto == "HTTP":
		return "HTTP"
	case proto == "EAPOL":
		return "EAPOL"
	case strings.HasPrefix(proto, "IGMP"):
		return "IGMP"
	case proto == "ICMP" || proto == "ICMPv6":
		return "ICMP"
	case proto == "ARP":
		return "ARP"
	case strings.HasPrefix(proto, "TLS") || strings.HasPrefix(proto, "SSL"):
		return "TLS"
	}
	return ""
}

// On every corpus capture, the Info of DNS, DHCP, HTTP, TLS, EAPOL, IGMP, ICMP and ARP rows is
// tshark's on its meaningful part (see infoAgrees). Rows where the two
// disagree for a reason are named in infoDifferences.
func TestInfoMatchesTshark(t *testing.T) {
	agree, total, explained := map[string]int{}, map[string]int{}, map[string]int{}
	for _, path := range decodetest.CorpusCaptures(t) {
		theirs := tsharkRows(t, path)
		ours := ourRows(path)
		keys := hasDecryptionSecrets(t, path)
		for i, row := range ours {
			r, ok := theirs[i+1]
			th := [2]string{r.proto, analysisPrefix.ReplaceAllString(r.info, "")}
			fam := family(th[0])
			if !ok || fam == "" || family(row.Protocol) != fam && !(fam == "DNS" && row.Protocol == "MDNS") {
				continue
			}
			total[fam]++
			switch {
			case infoAgrees(fam, analysisPrefix.ReplaceAllString(row.Info, ""), th[1]):
				agree[fam]++
				continue
			case fam == "TLS" && keys:
				// The file carries its TLS keys (a pcapng Decryption
				// Secrets Block): tshark decrypts and names what is
				// inside ("Finished", "New Session Ticket"); thingsniff
				// decrypts nothing.
				explained[fam]++
				continue
			case fam == "ARP" && arpBeyond.MatchString(th[1]):
				// Addresses of lengths no link uses, fields past the
				// frame's end, or an address two hosts claim: tshark
				// cuts long addresses with "…" and flags the rest; the
				// device stories tell a claimed address, not the list.
				explained[fam]++
				continue
			case fam == "DNS" && malformedDNS.MatchString(th[1]):
				// A DNS message that does not parse: tshark lists its
				// fields up to the error (its column cut at 4 KB may hide
				// the "[Malformed Packet]"), thingsniff keeps the UDP line.
				explained[fam]++
				continue
			}
			rel, _ := filepath.Rel(decodetest.CorpusDir(t), path)
			t.Errorf("%s #%d %s:\n\tours:   %s\n\ttshark: %s", rel, i+1, fam, row.Info, th[1])
		}
	}
	for _, fam := range []string{"DNS", "DHCP", "HTTP", "TLS", "EAPOL", "IGMP", "ICMP", "ARP"} {
		t.Logf("%-5s %d/%d rows agree, %d differ for a reason stated", fam, agree[fam], total[fam], explained[fam])
		if total[fam] == 0 {
			t.Errorf("no %s rows compared", fam)
		}
	}
}

// tcpLine finds the line an Info column gives a TCP segment, from its
// ports to its options ("80 → 1234 [ACK] Seq=1 Ack=55 Win=5792 Len=0
// TSval=1 TSecr=2"), without the analysis tags before it.
var tcpLine = regexp.MustCompile(`^\d+ → \d+ \[[^\]]*\] Seq=\d+.*`)

// reassembledPDU is what tshark adds to a segment whose bytes a protocol
// above TCP took into a message it reassembles (and the names of the
// messages that segment completes, when it completes any).
var reassembledPDU = regexp.MustCompile(` \[TCP segment of a reassembled PDU\].*$|\[Reassembly error, .*$`)

// On every corpus capture, a TCP row's line is tshark's: ports, flags,
// sequence and acknowledgment relative to each side's first byte
// (learnt from a SYN-ACK when the SYN was missed), the window scaled as
// the SYNs asked (as sent when they were missed or either left the
// option out), the urgent pointer, the length, and the options.
//
// Where they differ on purpose:
//   - tshark names a segment that a protocol above TCP reassembles ("[TCP
//     segment of a reassembled PDU]", and any message it completes);
//     thingsniff tells each segment alone. The line before it must agree.
//   - A SYN-ACK that reuses a connection's ports ("[TCP Port numbers
//     reused]") numbers its side afresh to tshark, in the same
//     conversation; to thingsniff a flow keeps the numbers it began with,
//     since rows are numbered with the flow as it ends. (A SYN without
//     ACK starts a new flow, and new numbers, for both.) The two captures
//     where that happens are compared only up to it.
//   - A header the snap length cut inside its options: tshark tells the
//     options before the cut, thingsniff none.
func TestTCPInfoMatchesTshark(t *testing.T) {
	agree, total, explained := 0, 0, 0
	for _, path := range decodetest.CorpusCaptures(t) {
		theirs := tsharkRows(t, path)
		reused := len(theirs) + 1 // the first frame tshark says reuses ports
		for n, r := range theirs {
			if strings.Contains(r.info, "[TCP Port numbers reused]") && strings.Contains(r.info, "SYN, ") && n < reused {
				reused = n
			}
		}
		for i, row := range ourRows(path) {
			th := tcpLine.FindString(analysisPrefix.ReplaceAllString(theirs[i+1].info, ""))
			ours := tcpLine.FindString(analysisPrefix.ReplaceAllString(row.Info, ""))
			if th == "" || ours == "" || i+1 >= reused {
				continue
			}
			total++
			switch th = reassembledPDU.ReplaceAllString(th, ""); {
			case th == ours:
				agree++
				continue
			case strings.HasSuffix(ours, " [Packet size limited during capture]") && strings.HasPrefix(th, strings.TrimSuffix(ours, " [Packet size limited during capture]")):
				explained++
				continue
			}
			rel, _ := filepath.Rel(decodetest.CorpusDir(t), path)
			t.Errorf("%s #%d:\n\tours:   %s\n\ttshark: %s", rel, i+1, row.Info, theirs[i+1].info)
		}
	}
	t.Logf("%d/%d TCP rows give tshark's line, %d differ for a reason stated", agree, total, explained)
	if total == 0 {
		t.Error("no TCP rows compared")
	}
}

// On every corpus capture, the engine's TCP analysis marks each frame as
// tshark's tcp.analysis fields do, and the Info column starts with the
// same tags, duplicate ACK numbers and all.
func TestTCPAnalysisMatchesTshark(t *testing.T) {
	agree, ours, theirs := map[decode.Analysis]int{}, map[decode.Analysis]int{}, map[decode.Analysis]int{}
	shown, tags := 0, 0
	for _, path := range decodetest.CorpusCaptures(t) {
		th := tsharkRows(t, path)
		rel, _ := filepath.Rel(decodetest.CorpusDir(t), path)
		for i, row := range ourRows(path) {
			want, got := th[i+1].analysis, row.analysis
			for _, a := range analysisFields {
				w, g := want.Has(a.Mark), got.Has(a.Mark)
				if w {
					theirs[a.Mark]++
				}
				if g {
					ours[a.Mark]++
				}
				if w && g {
					agree[a.Mark]++
				}
			}
			if why, ok := knownAnalysisDifferences[filepath.Base(path)]; ok && got != want && (got^want)&^why.marks == 0 {
				t.Logf("%s #%d: %s differs: %s", rel, i+1, flagNames(got^want), why.reason)
				continue
			}
			if got != want && shown < 40 {
				shown++
				t.Errorf("%s #%d: ours %q, tshark's %q (%s)", rel, i+1, flagNames(got), flagNames(want), th[i+1].info)
			}
			if want != 0 {
				tags++
			}
			if a, b := analysisPrefix.FindString(row.Info), analysisPrefix.FindString(th[i+1].info); a != b && shown < 40 {
				shown++
				t.Errorf("%s #%d: Info tags %q, tshark's %q", rel, i+1, a, b)
			}
		}
	}
	for _, a := range analysisFields {
		t.Logf("%-38s tshark %4d, ours %4d, both %4d", a.Field, theirs[a.Mark], ours[a.Mark], agree[a.Mark])
		if theirs[a.Mark] == 0 {
			// (zero_window and the probes: no corpus capture has one;
			// TestTCPAnalysis does.)
			t.Logf("no frame of the corpus has %s: the comparison proves nothing for it", a.Field)
		}
	}
	t.Logf("%d rows with TCP analysis tags compared", tags)
}

// knownAnalysisDifferences names the captures where thingsniff's TCP
// analysis differs from tshark's on purpose, the marks that differ, and why.
var knownAnalysisDifferences = map[string]struct {
	marks  decode.Analysis
	reason string
}{
	"reassembly.pcap": {decode.AnalysisFastRetransmission | decode.AnalysisAckedUnseen,
		"the server repeats its FIN while acknowledging data the capture missed; tshark 4.0 calls each a fast " +
			"retransmission though no duplicate ACKs asked for one (its count of them is reused to remember the missed " +
			"data), and after its count is reused, it stops telling later missed data (frame 105)"},
	"linux_sll_oversized_addr.pcapng": {decode.AnalysisAckedUnseen,
		"a fuzzed capture whose acknowledgements jump back and forth; tshark tells an acknowledgement of unseen data " +
			"once per gap, thingsniff once per acknowledgement that moves"},
}

func flagNames(f decode.Analysis) string {
	var s []string
	for _, a := range analysisFields {
		if f.Has(a.Mark) {
			s = append(s, strings.TrimPrefix(a.Field, "tcp.analysis."))
		}
	}
	return strings.Join(s, ",")
}
