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
	"testing"

	"thingsniff/decode"
	"thingsniff/decode/decodetest"
)

// corpusCaptures lists the corpus's captures small enough for tshark to
// read in a test (the perf/ folder is for speed, not truth).
func corpusCaptures(t *testing.T) []string {
	dir := decodetest.CorpusDir(t)
	if _, err := exec.LookPath("tshark"); err != nil {
		t.Skip("tshark is not installed")
	}
	var files []string
	filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() && (d.Name() == "perf" || d.Name() == "expected") {
			return filepath.SkipDir
		}
		if info, err := d.Info(); err == nil && !d.IsDir() && info.Size() < 8<<20 && regexp.MustCompile(`\.(pcap|pcapng|cap|trace)$`).MatchString(path) {
			files = append(files, path)
		}
		return nil
	})
	return files
}

// tsharkColumns returns tshark's Protocol and Info columns per frame number.
func tsharkColumns(t *testing.T, path string) map[int][2]string {
	out, err := exec.Command("tshark", "-n", "-r", path, "-T", "fields", "-E", "separator=/t",
		"-e", "frame.number", "-e", "_ws.col.Protocol", "-e", "_ws.col.Info").Output()
	if err != nil && len(out) == 0 {
		return nil
	}
	cols := map[int][2]string{}
	for _, line := range strings.Split(string(out), "\n") {
		f := strings.SplitN(line, "\t", 3)
		if len(f) < 3 {
			continue
		}
		n, _ := strconv.Atoi(f[0])
		cols[n] = [2]string{f[1], strings.TrimSpace(f[2])}
	}
	return cols
}

// ourRows decodes a capture with an Engine, as a load does, and formats
// every row; nil when the capture cannot be read from end to end.
func ourRows(path string) []decode.Summary {
	r, err := decodetest.OpenCapture(path, false)
	if err != nil {
		return nil
	}
	defer r.Close()
	e := decode.NewEngine()
	var rows []decode.Summary
	for {
		data, ci, err := r.Read()
		if err == io.EOF {
			return rows
		}
		if err != nil {
			return rows
		}
		ix := e.Add(data, r.Link, decode.Meta{Time: ci.Timestamp.UnixNano(), CapLen: uint32(ci.CaptureLength), OrigLen: uint32(ci.Length)})
		p := e.Last()
		rows = append(rows, decode.Summarize(p, e.Flow(ix.Flow)))
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

var malformedDNS = regexp.MustCompile(`\[Malformed Packet\]|<Name too long>|^Unknown operation`)

var sniPart = regexp.MustCompile(` \(SNI=[^)]*\)`)

// infoAgrees compares the meaningful part of an Info column with tshark's,
// for the protocols whose wording this project follows; ok is false for
// rows outside them. The forms that differ on purpose:
//   - TLS: "Client Hello (SNI=x)" names the server (Wireshark 4.2 does;
//     the corpus's tshark 4.0 does not): the SNI is left out of the
//     comparison.
//   - HTTP: tshark appends what it learnt by reassembly ("(text/html)",
//     "Continuation"); the request or status line must match.
func infoAgrees(family, ours, theirs string) bool {
	switch family {
	case "TLS":
		return sniPart.ReplaceAllString(ours, "") == theirs
	case "HTTP":
		return strings.HasPrefix(theirs, ours)
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
	case strings.HasPrefix(proto, "TLS") || strings.HasPrefix(proto, "SSL"):
		return "TLS"
	}
	return ""
}

// On every corpus capture, the Info of DNS, DHCP, HTTP and TLS rows is
// tshark's on its meaningful part (see infoAgrees). Rows where the two
// disagree for a reason are named in infoDifferences.
func TestInfoMatchesTshark(t *testing.T) {
	agree, total, explained := map[string]int{}, map[string]int{}, map[string]int{}
	for _, path := range corpusCaptures(t) {
		theirs := tsharkColumns(t, path)
		ours := ourRows(path)
		keys := hasDecryptionSecrets(t, path)
		for i, row := range ours {
			th, ok := theirs[i+1]
			fam := family(th[0])
			if !ok || fam == "" || family(row.Protocol) != fam && !(fam == "DNS" && row.Protocol == "MDNS") {
				continue
			}
			total[fam]++
			switch {
			case infoAgrees(fam, row.Info, th[1]):
				agree[fam]++
				continue
			case fam == "TLS" && keys:
				// The file carries its TLS keys (a pcapng Decryption
				// Secrets Block): tshark decrypts and names what is
				// inside ("Finished", "New Session Ticket"); thingsniff
				// decrypts nothing.
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
	for _, fam := range []string{"DNS", "DHCP", "HTTP", "TLS"} {
		t.Logf("%-5s %d/%d rows agree, %d differ for a reason stated", fam, agree[fam], total[fam], explained[fam])
		if total[fam] == 0 {
			t.Errorf("no %s rows compared", fam)
		}
	}
}
