package cli

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"thingsniff/decode/decodetest"
)

// infoFacts runs `thingsniff info FILE --json` and returns its facts by
// "group/name" (a repeated name keeps its first value).
func infoFacts(t *testing.T, path string) map[string]string {
	t.Helper()
	var out, errOut bytes.Buffer
	if code := Run("info", Env{Args: []string{path, "--json"}, Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errOut}); code != 0 && code != 1 {
		t.Fatalf("info %s exited %d: %s", path, code, errOut.String())
	}
	var got infoJSON
	if err := json.Unmarshal(out.Bytes(), &got); err != nil {
		t.Fatalf("info --json: %v", err)
	}
	facts := map[string]string{}
	for _, f := range got.Facts {
		key := f.Group + "/" + f.Name
		if _, ok := facts[key]; !ok {
			facts[key] = f.Value
		}
	}
	return facts
}

// capinfosFacts runs `capinfos -M` (UTC) and returns its lines by name;
// an interface's lines are named "#N name". Nil when capinfos cannot read
// the file.
func capinfosFacts(t *testing.T, path string) map[string]string {
	t.Helper()
	cmd := exec.Command("capinfos", "-M", path)
	cmd.Env = append(os.Environ(), "TZ=UTC")
	out, err := cmd.Output()
	if err != nil {
		return nil
	}
	facts := map[string]string{}
	iface := ""
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "Interface #") {
			iface = strings.TrimSuffix(strings.TrimPrefix(line, "Interface "), " info:") + " "
			continue
		}
		if name, value, ok := strings.Cut(strings.TrimSpace(line), " = "); ok && iface != "" {
			facts[iface+name] = value
			continue
		}
		if name, value, ok := strings.Cut(line, ":"); ok {
			facts[name] = strings.TrimSpace(value)
		}
	}
	return facts
}

// TestInfoMatchesCapinfos holds `thingsniff info` to capinfos on every
// corpus capture capinfos reads: packets, bytes, first and last packet
// times, time order, who wrote the file, and each interface's name,
// description, capture filter, snap length and packets.
func TestInfoMatchesCapinfos(t *testing.T) {
	if _, err := exec.LookPath("capinfos"); err != nil {
		t.Skip("capinfos is not installed")
	}
	// Records whose sub-second field holds more than a second: capinfos
	// and thingsniff read their times differently (see
	// TestTimeFormatsMatchTshark).
	invalid := map[string]bool{"timestamp_invalid_micro.pcap": true, "timestamp_invalid_nano.pcap": true}
	compared, files := 0, 0
	for _, path := range decodetest.CorpusCaptures(t) {
		name := filepath.Base(path)
		want := capinfosFacts(t, path)
		if want == nil || want["Number of packets"] == "" || invalid[name] {
			continue
		}
		got := infoFacts(t, path)
		check := func(what, g, w string) {
			compared++
			if g != w {
				t.Errorf("%s: %s is %q, capinfos says %q", name, what, g, w)
			}
		}
		check("packets", got["Packets/Packets"], want["Number of packets"])
		check("bytes", strings.TrimSuffix(afterParen(got["Packets/Bytes on the wire"]), " bytes"), strings.TrimSuffix(want["Data size"], " bytes"))
		// capinfos gives no time when a packet has none (a simple packet
		// block), and "n/a" when there are no packets; thingsniff then
		// writes no time at all.
		if want["First packet time"] == "n/a" {
			check("first packet", got["Time/First packet"], "")
		} else if want["First packet time"] != "" {
			checkTime := func(what, g, w string) {
				compared++
				gt, gerr := time.Parse("2006-01-02 15:04:05.999999999 UTC", g)
				wt, werr := time.Parse("2006-01-02 15:04:05.999999999", w)
				if gerr != nil || werr != nil || !gt.Equal(wt) {
					t.Errorf("%s: %s is %q, capinfos says %q", name, what, g, w)
				}
			}
			checkTime("first packet", got["Time/First packet"], want["First packet time"])
			checkTime("last packet", got["Time/Last packet"], want["Last packet time"])
			check("time order", strconv.FormatBool(got["Time/Order"] == ""), strings.ToLower(want["Strict time order"]))
		}
		// capinfos describes each section of a file with several by
		// itself, numbering interfaces within it; thingsniff numbers
		// them through the file. The first section's header compares.
		section := "Capture"
		if got["Capture (section 1)/Application"] != "" || got["Capture (section 1)/Hardware"] != "" {
			section = "Capture (section 1)"
		}
		check("hardware", got[section+"/Hardware"], want["Capture hardware"])
		check("operating system", got[section+"/Operating system"], want["Capture oper-sys"])
		check("application", got[section+"/Application"], want["Capture application"])
		if section != "Capture" {
			files++
			continue
		}
		n, _ := strconv.Atoi(want["Number of interfaces in file"])
		for k := range n {
			w := func(field string) string { return want["#"+strconv.Itoa(k)+" "+field] }
			group := "Interface " + strconv.Itoa(k)
			if ifName := w("Name"); ifName != "" {
				group += " (" + ifName + ")"
			}
			check(group+" description", got[group+"/Description"], w("Description"))
			check(group+" filter", got[group+"/Capture filter"], w("Filter string"))
			check(group+" packets", got[group+"/Packets"], w("Number of packets"))
			snap := w("Capture length")
			if snap == "0" {
				snap = "not set"
			} else {
				snap += " bytes"
			}
			check(group+" snap length", got[group+"/Snap length"], snap)
		}
		files++
	}
	t.Logf("%d facts of %d captures agree with capinfos", compared, files)
}

// afterParen returns what stands inside the last parentheses of s.
func afterParen(s string) string {
	if i := strings.LastIndexByte(s, '('); i >= 0 {
		return strings.TrimSuffix(s[i+1:], ")")
	}
	return s
}
