package device

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"
	"time"
)

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

// The statistics the routine score is made of, on values worked by hand.
func TestRoutineStatistics(t *testing.T) {
	// Sorted 1 1 2 10 10: Q1 = 1, Q2 = 2, Q3 = 10, so Bowley's skew is
	// (1 + 10 - 2*2) / (10 - 1) = 7/9: a long tail above the median.
	if got := bowley([]float64{10, 1, 2, 10, 1}); !near(got, 7.0/9) {
		t.Errorf("bowley = %v, want 7/9", got)
	}
	// Evenly spread values have no skew; all alike have none either.
	if got := bowley([]float64{1, 2, 3, 4, 5}); got != 0 {
		t.Errorf("bowley of 1..5 = %v", got)
	}
	if got := bowley([]float64{7, 7, 7}); got != 0 {
		t.Errorf("bowley of equal values = %v", got)
	}
	// Median 3; deviations 2 1 0 1 97, whose median is 1.
	if got := mad([]float64{1, 2, 3, 4, 100}); got != 1 {
		t.Errorf("mad = %v, want 1", got)
	}
	// An even count's median is the mean of the middle two.
	if got := median([]float64{4, 1, 3, 2}); got != 2.5 {
		t.Errorf("median = %v", got)
	}
	if got := tightness([]float64{100, 100, 110, 90}); !near(got, 1-5.0/100) {
		t.Errorf("tightness = %v, want 0.95", got)
	}
}

// schedule makes n occurrences every period from 0, each moved by up to
// jitter at random, of size bytes (varied by up to sizeJitter).
func schedule(r *rand.Rand, n int, period, jitter time.Duration, size, sizeJitter int) []occurrence {
	var occ []occurrence
	for i := range n {
		t := int64(i) * int64(period)
		if jitter > 0 {
			t += r.Int64N(2*int64(jitter)) - int64(jitter)
		}
		s := size
		if sizeJitter > 0 {
			s += r.IntN(2*sizeJitter) - sizeJitter
		}
		occ = append(occ, occurrence{t: t, out: uint64(s), size: float64(s)})
	}
	return occ
}

func TestRoutineScore(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	week := int64(7 * 24 * time.Hour)
	// Every 2 h for a week, 40 s either way, sizes within 2%: a routine.
	rt, ok := scoreRoutine(schedule(r, 84, 2*time.Hour, 40*time.Second, 600_000, 12_000), 0, week)
	if !ok || rt.Score < 0.9 || rt.Count != 84 {
		t.Errorf("a 2-hour routine: ok %v score %v count %d", ok, rt.Score, rt.Count)
	}
	if d := rt.Every - 2*time.Hour; d < -time.Minute || d > time.Minute {
		t.Errorf("every %v", rt.Every)
	}
	if rt.Jitter <= 0 || rt.Jitter > 40*time.Second {
		t.Errorf("jitter %v", rt.Jitter)
	}
	// The same times at random sizes (from 1 kB to 1 MB) are not one.
	occ := schedule(r, 84, 2*time.Hour, 40*time.Second, 0, 0)
	for i := range occ {
		occ[i].size = float64(1000 + r.IntN(1_000_000))
	}
	if rt, ok := scoreRoutine(occ, 0, week); ok {
		t.Errorf("random sizes scored %v", rt.Score)
	}
	// Random times (a Poisson process, as a person browsing) are not one.
	var poisson []occurrence
	var at int64
	for range 84 {
		at += int64(r.ExpFloat64() * float64(2*time.Hour))
		poisson = append(poisson, occurrence{t: at, size: 1000})
	}
	if rt, ok := scoreRoutine(poisson, 0, week); ok {
		t.Errorf("random times scored %v", rt.Score)
	}
	// Exact times over the first hour of a week score below the same
	// over the whole week: they cover less of the capture.
	short, _ := scoreRoutine(schedule(r, 4, 20*time.Minute, 0, 100, 0), 0, week)
	long, _ := scoreRoutine(schedule(r, 4, 56*time.Hour, 0, 100, 0), 0, week)
	if short.Score >= long.Score || long.Score != 1 {
		t.Errorf("an hour's routine in a week scored %v, a week's %v", short.Score, long.Score)
	}
	// Three occurrences are too few.
	if _, ok := scoreRoutine(schedule(r, 3, time.Hour, 0, 100, 0), 0, 3*int64(time.Hour)); ok {
		t.Error("three occurrences made a routine")
	}
}

// A device's connections to one peer every 2 hours become a routine in
// plain words, their events are marked, and a remote peer makes a
// finding; connections to another peer at random times do not.
func TestFindRoutines(t *testing.T) {
	start := time.Date(2021, 3, 8, 15, 22, 0, 0, time.UTC)
	d := newDevice([6]byte{2, 0, 0, 0, 0, 1}, true, "02:00:00:00:00:01", start.UnixNano())
	r := rand.New(rand.NewPCG(3, 4))
	for i := range 84 {
		at := start.Add(time.Duration(i)*2*time.Hour + time.Duration(r.IntN(80)-40)*time.Second)
		d.Events = append(d.Events, &Event{Time: at, Kind: KindTCP, Flow: uint32(i + 1), Peer: "203.0.113.10:8883",
			PeerName: "a1b2.iot.example", BytesOut: 600_000, BytesIn: 3_100, Packets: []uint32{uint32(i*10 + 1)}})
		other := start.Add(time.Duration(r.Int64N(int64(7 * 24 * time.Hour))))
		d.Events = append(d.Events, &Event{Time: other, Kind: KindTCP, Peer: "198.51.100.7:443", BytesOut: uint64(r.IntN(50_000))})
	}
	d.sumUp(span{start.UnixNano(), start.Add(7 * 24 * time.Hour).UnixNano()})
	if len(d.Routines) != 1 {
		t.Fatalf("routines %+v", d.Routines)
	}
	rt := d.Routines[0]
	want := "connects to a1b2.iot.example:8883 every 2 h 0 min ± "
	if !strings.HasPrefix(rt.Summary, want) || !strings.Contains(rt.Summary, ", 84 times, ~600.0 kB up and ~3.1 kB down each time") {
		t.Errorf("summary %q", rt.Summary)
	}
	marked := 0
	for _, e := range d.Events {
		if e.Routine == 1 {
			marked++
			if e.PeerName != "a1b2.iot.example" {
				t.Errorf("event of another peer marked: %+v", e)
			}
		}
	}
	if marked != 84 {
		t.Errorf("%d events marked", marked)
	}
	found := false
	for _, f := range d.Findings {
		if f.Kind == "phones-home" {
			found = strings.Contains(f.Text, "a1b2.iot.example:8883") && strings.Contains(f.Text, "2021-03-08 15:")
		}
	}
	if !found {
		t.Errorf("no phones-home finding with its dates: %+v", d.Findings)
	}
	// Reported again (a live capture), the finding is not counted twice.
	d.sumUp(span{start.UnixNano(), start.Add(7 * 24 * time.Hour).UnixNano()})
	for _, f := range d.Findings {
		if f.Kind == "phones-home" && f.Count != 1 {
			t.Errorf("counted %d times", f.Count)
		}
	}
}
