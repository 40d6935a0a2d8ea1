package main

import (
	"bytes"
	"errors"
	"math"
	"strings"
	"testing"
)

func TestInTurnRunsEveryKindOncePerRound(t *testing.T) {
	var order []string
	tr := inTurn([]string{"a", "b", "c"}, 3, func(kind string) (result, error) {
		order = append(order, kind)
		if kind == "b" && len(order) > 3 {
			return result{}, errors.New("boom")
		}
		return result{Seconds: float64(len(order))}, nil
	})
	if got, want := strings.Join(order, " "), "a b c a b c a c"; got != want {
		t.Errorf("ran %q, want %q (b fails in round 2 and is not run again)", got, want)
	}
	if len(tr.runs["a"]) != 3 || len(tr.runs["b"]) != 1 || len(tr.runs["c"]) != 3 {
		t.Errorf("kept %d, %d, %d runs", len(tr.runs["a"]), len(tr.runs["b"]), len(tr.runs["c"]))
	}
	if err := tr.errs["b"]; err == nil || !strings.Contains(err.Error(), "round 2") {
		t.Errorf("b's failure: %v", err)
	}
	// Round 2's runs are paired with each other, not with the neighbours'.
	got := perRound(tr.runs["c"], tr.runs["a"], func(c, a result) float64 { return c.Seconds - a.Seconds })
	if len(got) != 3 || got[0] != 2 || got[1] != 2 || got[2] != 1 {
		t.Errorf("c-a per round: %v", got)
	}
}

func TestSummarize(t *testing.T) {
	for _, c := range []struct {
		xs          []float64
		med, lo, hi float64
	}{
		{[]float64{3, 1, 2}, 2, 1, 3},
		{[]float64{4, 1, 3, 2}, 2.5, 1, 4},
		{[]float64{5}, 5, 5, 5},
		{[]float64{9, 1, 1, 1, 9, 9, 2}, 2, 1, 9},
	} {
		s := summarize(c.xs)
		if s.med != c.med || s.lo != c.lo || s.hi != c.hi || s.n != len(c.xs) {
			t.Errorf("summarize(%v) = %+v", c.xs, s)
		}
	}
	if s := summarize(nil); s.n != 0 || !math.IsNaN(s.med) || s.format(2) != "-" {
		t.Errorf("summarize(nil) = %+v", s)
	}
	if got := summarize([]float64{0.398, 0.412, 0.455}).format(3); got != "0.412 [0.398-0.455]" {
		t.Errorf("format: %q", got)
	}
}

func TestRatioIsJudgedByItsMedian(t *testing.T) {
	var b bytes.Buffer
	// The best round meets the target; the median does not.
	ratio(&b, "noisy", []float64{0.62, 0.41, 0.44, 0.39, 0.47, 0.45, 0.43}, atLeast(0.5), 2, "")
	// The median meets it although one round did not.
	ratio(&b, "steady", []float64{0.61, 0.60, 0.58, 0.44, 0.62, 0.59, 0.60}, atLeast(0.5), 2, "")
	lines := strings.Split(strings.TrimSpace(b.String()), "\n")
	if len(lines) != 2 {
		t.Fatalf("printed:\n%s", b.String())
	}
	if !strings.Contains(lines[0], "0.44 [0.39-0.62]") || !strings.Contains(lines[0], "MISSED") ||
		!strings.Contains(lines[0], "missed in 6 of 7 rounds") {
		t.Errorf("noisy: %q", lines[0])
	}
	if !strings.Contains(lines[1], "0.60 [0.44-0.62]") || !strings.Contains(lines[1], " ok ") ||
		!strings.Contains(lines[1], "missed in 1 of 7 rounds") {
		t.Errorf("steady: %q", lines[1])
	}
}

func TestSteal(t *testing.T) {
	all, worst := steal([]result{{Seconds: 1, Steal: 0.30}, {Seconds: 3, Steal: 0.02}})
	if math.Abs(all-0.09) > 1e-9 || worst != 0.30 {
		t.Errorf("steal = %v, %v; want 0.09, 0.30", all, worst)
	}
}

// TestPrintLoad prints a made-up bench of seven rounds, the second of
// which a noisy host slowed (run with -v to read it).
func TestPrintLoad(t *testing.T) {
	tr := trial{runs: map[string][]result{}, errs: map[string]error{}}
	for i := range rounds {
		slow := 1.0
		steal := 0.01
		if i == 1 {
			slow, steal = 1.6, 0.22
		}
		jitter := 1 + 0.01*float64(i%3)
		tr.runs["baseline"] = append(tr.runs["baseline"], result{Seconds: 0.002, PeakRSS: 9_400_000})
		tr.runs["bare"] = append(tr.runs["bare"], result{Seconds: 0.301 * slow * jitter, PeakRSS: 31_000_000, CPUSeconds: 0.30 * jitter, Steal: steal, Packets: 1_000_000})
		tr.runs["load"] = append(tr.runs["load"], result{Seconds: 0.520 * slow * jitter, PeakRSS: 71_500_000 + int64(i)*100_000, CPUSeconds: 0.71 * jitter,
			Steal: steal, Packets: 1_000_000, FirstRowsMs: 38 * slow, Flows: 41_000})
		tr.runs["report"] = append(tr.runs["report"], result{Seconds: 0.610 * slow * slow * jitter, PeakRSS: 128_000_000, CPUSeconds: 1.05 * jitter,
			Steal: steal, Packets: 1_000_000, FirstRowsMs: 40})
		tr.runs["tshark"] = append(tr.runs["tshark"], result{Seconds: 11.2 * jitter, PeakRSS: 402_000_000, CPUSeconds: 11.1, Steal: steal})
	}
	var b bytes.Buffer
	explain(&b)
	b.WriteString("\n")
	printLoad(&b, tr)
	printIoTReport(&b, []result{{Seconds: 0.71, Packets: 370_000, Note: "57 devices", PeakRSS: 88_000_000},
		{Seconds: 0.69, Packets: 370_000, Note: "57 devices", PeakRSS: 88_100_000}, {Seconds: 1.4, Packets: 370_000, Note: "57 devices", PeakRSS: 88_000_000}})
	out := b.String()
	t.Logf("\n%s", out)
	for _, want := range []string{
		"measurement (median [min-max] of 7 rounds)",
		"thingsniff load (index + flows)              0.525 [0.520-0.840]",
		"load speed / bare DecodingLayerParser speed                0.58 [0.58-0.58]",
		"resident bytes per packet after load (index + flows)       62.40 [62.10-62.70]",
		"load with device timelines / plain load                    1.17 [1.17-1.88]",
		"target <= 1.25  ok   (missed in 1 of 7 rounds)",
		"IoT-Sentinel 64 MB capture: device report, seconds         0.710 [0.690-1.400]",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("the report lacks %q", want)
		}
	}
	if strings.Contains(out, "fastest") {
		t.Error("the report still speaks of the fastest run")
	}
}
