package cli

// Outputs held to Wireshark's own tools on the corpus: the packet list's
// time formats to tshark's frame.time_* fields, and info to capinfos.

import (
	"bufio"
	"bytes"
	"encoding/json"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"thingsniff/decode/decodetest"
)

// packetTimes runs `thingsniff packets FILE --time format [--filter
// expr]` and returns each printed packet's time column, by number.
func packetTimes(t *testing.T, path, format, expr string) map[int]string {
	t.Helper()
	args := []string{path, "--time", format}
	if expr != "" {
		args = append(args, "--filter", expr)
	}
	var out, errOut bytes.Buffer
	if code := Run("packets", Env{Args: args, Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errOut}); code != 0 && code != 1 {
		t.Fatalf("packets --time %s exited %d: %s", format, code, errOut.String())
	}
	times := map[int]string{}
	sc := bufio.NewScanner(&out)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 2 {
			continue
		}
		no, err := strconv.Atoi(f[0])
		if err != nil {
			t.Fatalf("packets --time %s: line %q has no number", format, sc.Text())
		}
		at := f[1]
		if format == "date" && len(f) > 2 {
			at += " " + f[2]
		}
		times[no] = at
	}
	return times
}

// tsharkTimes returns, by frame number, the nanoseconds tshark gives the
// fields (each "seconds.nanoseconds"), of the frames that pass expr; nil
// when tshark cannot read the capture.
func tsharkTimes(t *testing.T, path, expr string, fields ...string) map[int][]int64 {
	t.Helper()
	args := []string{"-n", "-r", path, "-T", "fields", "-e", "frame.number"}
	for _, f := range fields {
		args = append(args, "-e", f)
	}
	if expr != "" {
		args = append(args, "-Y", expr)
	}
	out, err := exec.Command("tshark", args...).Output()
	if err != nil && len(out) == 0 {
		t.Logf("tshark cannot read %s: %v", filepath.Base(path), err)
		return nil
	}
	rows := map[int][]int64{}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		f := strings.Split(line, "\t")
		no, err := strconv.Atoi(f[0])
		if err != nil || len(f) != len(fields)+1 {
			continue
		}
		if f[1] == "" {
			// A record without a time: a simple packet block, or a
			// block tshark numbers as a frame and thingsniff does not
			// count as a packet. tshark's times and numbers after it
			// are its own (relative to a time of 0), not compared.
			t.Logf("%s: tshark frame %d has no time; the capture is not compared", filepath.Base(path), no)
			return nil
		}
		var ns []int64
		for _, v := range f[1:] {
			n, ok := parseNanos(v)
			if !ok {
				t.Fatalf("%s: tshark field %q of frame %d is not seconds", filepath.Base(path), v, no)
			}
			ns = append(ns, n)
		}
		rows[no] = ns
	}
	return rows
}

// parseNanos reads "-12.345678900" as nanoseconds, exactly. tshark
// writes a record's nanoseconds with %09d, so a file whose microseconds
// run past a second (timestamp_invalid_micro.pcap) reads
// "1418145370.1000000000": more than nine digits count nanoseconds.
func parseNanos(s string) (int64, bool) {
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	whole, frac, _ := strings.Cut(s, ".")
	sec, err := strconv.ParseInt(whole, 10, 64)
	if err != nil {
		return 0, false
	}
	if len(frac) < 9 {
		frac += strings.Repeat("0", 9-len(frac))
	}
	n, err := strconv.ParseInt(frac, 10, 64)
	if err != nil {
		return 0, false
	}
	ns := sec*1e9 + n
	if neg {
		ns = -ns
	}
	return ns, true
}

// TestTimeFormatsMatchTshark holds every time format of `packets --time`
// to tshark's fields on every corpus capture: seconds since the first
// packet, since the one before and since the one shown before (under a
// filter), seconds since 1970, and the UTC date and time of day. Ours are
// rounded to the microsecond, so they may differ from tshark's
// nanoseconds by half a microsecond at most.
func TestTimeFormatsMatchTshark(t *testing.T) {
	// Captures whose records give more than a second in their sub-second
	// field (tcpdump's own expected output marks them "invalid us"):
	// tshark and thingsniff read those records' times differently, and
	// neither reading is the truth.
	invalid := map[string]bool{"timestamp_invalid_micro.pcap": true, "timestamp_invalid_nano.pcap": true}
	compared := 0
	for _, path := range decodetest.CorpusCaptures(t) {
		name := filepath.Base(path)
		if invalid[name] {
			continue
		}
		want := tsharkTimes(t, path, "", "frame.time_relative", "frame.time_delta", "frame.time_epoch")
		shown := tsharkTimes(t, path, "tcp", "frame.time_delta_displayed")
		if want == nil {
			continue
		}
		check := func(format string, got map[int]string, want map[int][]int64, field int) {
			for no, w := range want {
				g, ok := got[no]
				if !ok {
					t.Errorf("%s: --time %s printed no packet %d", name, format, no)
					continue
				}
				ns, ok := int64(0), false
				if format == "date" {
					var at time.Time
					at, err := time.Parse("2006-01-02 15:04:05.000000", g)
					ok = err == nil
					ns = at.UnixNano()
				} else {
					ns, ok = parseNanos(g)
				}
				if !ok || math.Abs(float64(ns-w[field])) > 500 {
					t.Errorf("%s packet %d: --time %s wrote %q, tshark %d ns", name, no, format, g, w[field])
				}
				compared++
			}
		}
		check("relative", packetTimes(t, path, "relative", ""), want, 0)
		check("delta", packetTimes(t, path, "delta", ""), want, 1)
		check("epoch", packetTimes(t, path, "epoch", ""), want, 2)
		check("date", packetTimes(t, path, "date", ""), want, 2)
		check("delta-shown", packetTimes(t, path, "delta-shown", "tcp"), shown, 0)
	}
	t.Logf("%d times agree with tshark's", compared)
}

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
