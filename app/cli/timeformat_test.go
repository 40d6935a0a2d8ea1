package cli

import (
	"bufio"
	"bytes"
	"math"
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
