package device_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"thingsniff/capture/synth"
	"thingsniff/decode/device"
)

// weekReport generates the headers-only week and tells its story.
func weekReport(t *testing.T, snap int) device.Report {
	t.Helper()
	path := filepath.Join(t.TempDir(), "week.pcap")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := synth.Week(f, synth.WeekStart(), snap); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return reportWith(t, path, device.Options{})
}

// TestWeekStory holds the story of synth.Week, a week of a camera
// recorded with headers only (snap length 64), to what its script did:
// sizes from the headers, dates, the routine as a routine.
func TestWeekStory(t *testing.T) {
	r := weekReport(t, synth.WeekSnap)
	if !r.MultiDay || !r.First.Equal(synth.WeekStart().Add(time.Second)) || r.Last.Sub(r.First) < 6*24*time.Hour {
		t.Errorf("span %v to %v, multi-day %v", r.First, r.Last, r.MultiDay)
	}
	cam := r.Device("24:0a:c4:5e:61:07")
	if cam == nil {
		t.Fatal("no camera")
	}
	// Dates: the summary runs to the last day, with its date.
	if !strings.Contains(cam.Summary[0], "from 2021-03-08 15:22:16 to 2021-03-15 ") {
		t.Errorf("summary: %q", cam.Summary[0])
	}
	// Sizes from the headers: each cycle sent WeekUpload bytes, though
	// the capture kept at most 64 bytes of each frame.
	var cycles, mqtt []*device.Event
	for _, e := range cam.Events {
		switch {
		case e.Kind == device.KindTCP && strings.HasSuffix(e.Peer, ":8883"):
			cycles = append(cycles, e)
		case e.Kind == device.KindTCP && strings.HasSuffix(e.Peer, ":1883"):
			mqtt = append(mqtt, e)
		}
	}
	if len(cycles) != synth.WeekCycles || len(mqtt) != 7 {
		t.Fatalf("%d cycles, %d MQTT sessions", len(cycles), len(mqtt))
	}
	for _, e := range cycles {
		if e.BytesOut != synth.WeekUpload || e.BytesIn < synth.WeekDownload || e.PayloadNote == "" || e.Encrypted == nil || !*e.Encrypted {
			t.Fatalf("cycle: %+v", e)
		}
	}
	// The broker closed each MQTT session a minute or so after the last
	// ping, not a day after it began.
	for _, e := range mqtt {
		if e.ClosedBy != "peer" || e.IdleBeforeMs > 2*60*1000 || e.IdleBeforeMs < 1000 {
			t.Errorf("MQTT session closed by %q after %.0f ms idle", e.ClosedBy, e.IdleBeforeMs)
		}
	}
	if cam.Profile.EncryptedBytes < synth.WeekCycles*synth.WeekUpload {
		t.Errorf("encrypted %d B", cam.Profile.EncryptedBytes)
	}
	// The routine, in words, and a finding that it phones home.
	rt := routineOf(cam, "203.0.113.10:8883")
	if rt.Peer != "203.0.113.10:8883" || rt.Count != synth.WeekCycles || rt.Every < synth.WeekPeriod-time.Minute || rt.Every > synth.WeekPeriod+time.Minute ||
		rt.Jitter > synth.WeekJitter || rt.BytesOut != synth.WeekUpload {
		t.Errorf("routine %+v", rt)
	}
	if !strings.HasPrefix(rt.Summary, "connects to 203.0.113.10:8883 every 2 h 0 min ± ") || !strings.Contains(rt.Summary, ", 84 times, ~600.0 kB up") {
		t.Errorf("routine in words: %q", rt.Summary)
	}
	phones := false
	for _, f := range cam.Findings {
		phones = phones || f.Kind == "phones-home" && strings.Contains(f.Text, "203.0.113.10:8883")
	}
	if !phones {
		t.Errorf("no phones-home finding: %+v", cam.Findings)
	}
	// The hub, inside PPPoE, asks the time every hour.
	hub := r.Device("00:17:88:2a:3b:4c")
	if hub == nil {
		t.Fatal("no hub")
	}
	if rt := routineOf(hub, "192.0.2.123:123"); rt.Count != 2*synth.WeekCycles ||
		!strings.HasPrefix(rt.Summary, "exchanges datagrams with 192.0.2.123:123 every 1 h 0 min, 168 times") {
		t.Errorf("hub's routines %+v", hub.Routines)
	}
	// The Markdown timeline folds the 84 cycles into one row, under the
	// day they began.
	md := r.Markdown()
	if !strings.Contains(md, "#### 2021-03-08") || strings.Count(md, "203.0.113.10:8883") > 8 || !strings.Contains(md, "(84 rows folded)") {
		t.Errorf("markdown:\n%s", md)
	}
}

// TestWeekStoryWhole tells the same week captured whole: the protocols
// are read by their content, and the hub inside PPPoE has its routine.
func TestWeekStoryWhole(t *testing.T) {
	r := weekReport(t, 0)
	cam := r.Device("24:0a:c4:5e:61:07")
	if cam == nil {
		t.Fatal("no camera")
	}
	var mqtt, tls int
	for _, e := range cam.Events {
		switch {
		case e.Kind == device.KindMQTT:
			mqtt++
			if e.ClientID != "cam-5e6107" || e.Username != "camera" || !e.PasswordSent {
				t.Errorf("MQTT CONNECT: %+v", e)
			}
		case e.Kind == device.KindTLS:
			tls++
			if e.SNI != "a1b2c3.iot.example" || !strings.HasPrefix(e.JA4, "t13d") {
				t.Errorf("TLS hello: %+v", e)
			}
		case e.Kind == device.KindTCP && strings.HasSuffix(e.Peer, ":8883"):
			if !strings.HasPrefix(e.Summary, "MQTT over TLS connection to a1b2c3.iot.example") || e.PayloadNote != "" {
				t.Errorf("cycle: %q", e.Summary)
			}
		}
	}
	if mqtt != 7 || tls != synth.WeekCycles {
		t.Errorf("%d MQTT CONNECTs, %d TLS hellos", mqtt, tls)
	}
	creds := 0
	for _, f := range cam.Findings {
		if f.Kind == "clear-text-credentials" && strings.Contains(f.Text, `the username "camera" and a password`) {
			creds = f.Count
		}
	}
	if creds != 7 {
		t.Errorf("clear-text credentials found %d times: %+v", creds, cam.Findings)
	}
	// The names the camera looked up name its routine's peer, and the
	// lookups are a routine of their own.
	if rt := routineOf(cam, "a1b2c3.iot.example:8883"); rt.Count != synth.WeekCycles {
		t.Errorf("routines %+v", cam.Routines)
	}
	lookups := false
	for _, rt := range cam.Routines {
		lookups = lookups || strings.HasPrefix(rt.Summary, "looks up a1b2c3.iot.example every 2 h 0 min ± ") && rt.Count == synth.WeekCycles
	}
	if !lookups {
		t.Errorf("routines %+v", cam.Routines)
	}
	// The lookup and the connection after it are one cycle, told as one.
	cycle := false
	for _, rt := range cam.Routines {
		cycle = cycle || strings.HasPrefix(rt.CycleSummary, "every ~2 h 0 min ± ") &&
			strings.HasSuffix(rt.CycleSummary, ", 84 times: looks up a1b2c3.iot.example → connects to a1b2c3.iot.example:8883 (~600.0 kB up, ~3.2 kB down)")
	}
	if !cycle {
		t.Errorf("no cycle: %+v", cam.Routines)
	}
	hub := r.Device("00:17:88:2a:3b:4c")
	if hub == nil {
		t.Fatal("no hub")
	}
	found := false
	for _, rt := range hub.Routines {
		found = found || rt.Peer == "192.0.2.123:123" && rt.Count == synth.WeekCycles*2 && rt.Every == time.Hour
	}
	if !found {
		t.Errorf("hub's routines %+v", hub.Routines)
	}
}

// routineOf returns d's routine with peer, or a zero one.
func routineOf(d *device.Device, peer string) device.Routine {
	for _, rt := range d.Routines {
		if rt.Peer == peer {
			return rt
		}
	}
	return device.Routine{}
}
