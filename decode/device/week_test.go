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
func weekReport(t *testing.T) device.Report {
	t.Helper()
	path := filepath.Join(t.TempDir(), "week.pcap")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := synth.Week(f, synth.WeekStart()); err != nil {
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
	r := weekReport(t)
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
	if len(cam.Routines) == 0 {
		t.Fatal("no routine")
	}
	rt := cam.Routines[0]
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
	// The Markdown timeline folds the 84 cycles into one row, under the
	// day they began.
	md := r.Markdown()
	if !strings.Contains(md, "#### 2021-03-08") || strings.Count(md, "203.0.113.10:8883") > 8 || !strings.Contains(md, "(84 rows folded)") {
		t.Errorf("markdown:\n%s", md)
	}
}
