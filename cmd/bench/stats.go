package main

import (
	"cmp"
	"fmt"
	"math"
	"slices"
)

// rounds is how many rounds each part of make bench runs. On a shared
// virtual machine a run measures the neighbours and the host as much as
// the code: every run is kept, and what is reported is the median with
// its spread, so that a slow spell shows as spread (and as a MISSED
// target when it moves the median) instead of being waited out.
const rounds = 7

// A trial is every run of some measurements taken in turn.
type trial struct {
	// runs[kind][i] is kind's run in round i. A kind that failed was not
	// run again, so its runs stop at the round of its failure and the
	// runs of one index always come from one round.
	runs map[string][]result
	// errs holds the failure that stopped a kind.
	errs map[string]error
}

// inTurn runs n rounds; each round runs every kind once, in the order
// given, so that a slow spell of the machine falls on all kinds alike
// and a ratio of two kinds can be taken within each round.
func inTurn(kinds []string, n int, measure func(kind string) (result, error)) trial {
	t := trial{runs: map[string][]result{}, errs: map[string]error{}}
	for range n {
		for _, kind := range kinds {
			if t.errs[kind] != nil {
				continue
			}
			r, err := measure(kind)
			if err != nil {
				t.errs[kind] = fmt.Errorf("round %d: %w", len(t.runs[kind])+1, err)
				continue
			}
			t.runs[kind] = append(t.runs[kind], r)
		}
	}
	return t
}

// each is f of every run.
func each(rs []result, f func(result) float64) []float64 {
	out := make([]float64, len(rs))
	for i, r := range rs {
		out[i] = f(r)
	}
	return out
}

// perRound is f of the runs of a and b taken in the same round, for
// every round in which both ran: a ratio of two kinds is taken between
// runs that shared the machine's state of the moment.
func perRound(a, b []result, f func(a, b result) float64) []float64 {
	out := make([]float64, min(len(a), len(b)))
	for i := range out {
		out[i] = f(a[i], b[i])
	}
	return out
}

// A stat is a sample's median and its spread from the smallest value to
// the largest.
type stat struct {
	med, lo, hi float64
	n           int
}

// summarize takes the median (of the middle two for an even count) and
// the range of xs.
func summarize(xs []float64) stat {
	if len(xs) == 0 {
		return stat{med: math.NaN(), lo: math.NaN(), hi: math.NaN()}
	}
	s := slices.Sorted(slices.Values(xs))
	n := len(s)
	med := s[n/2]
	if n%2 == 0 {
		med = (s[n/2-1] + s[n/2]) / 2
	}
	return stat{med: med, lo: s[0], hi: s[n-1], n: n}
}

// format writes the median and, in brackets, the range: "0.412
// [0.398-0.455]".
func (s stat) format(prec int) string {
	if s.n == 0 {
		return "-"
	}
	return fmt.Sprintf("%.*f [%.*f-%.*f]", prec, s.med, prec, s.lo, prec, s.hi)
}

// steal is the share of CPU time the host stole over all of rs (each
// run's share weighted by its length) and over the worst run.
func steal(rs []result) (all, worst float64) {
	var stolen, total float64
	for _, r := range rs {
		stolen += r.Steal * r.Seconds
		total += r.Seconds
		worst = max(worst, r.Steal)
	}
	if total > 0 {
		all = stolen / total
	}
	return all, worst
}

// middle is the run of median time (the faster of the middle two for an
// even count), whose note stands for all.
func middle(rs []result) result {
	if len(rs) == 0 {
		return result{}
	}
	s := slices.SortedFunc(slices.Values(rs), func(a, b result) int { return cmp.Compare(a.Seconds, b.Seconds) })
	return s[(len(s)-1)/2]
}

// A target is what a figure should be, as the issues set it.
type target struct {
	text string
	ok   func(float64) bool
}

func atLeast(v float64) target {
	return target{">= " + trim(v), func(x float64) bool { return x >= v }}
}

func atMost(v float64) target {
	return target{"<= " + trim(v), func(x float64) bool { return x <= v }}
}

func below(v float64) target {
	return target{"< " + trim(v), func(x float64) bool { return x < v }}
}

// noTarget is for a figure shown for information.
func noTarget() target { return target{"-", func(float64) bool { return true }} }

func trim(v float64) string { return fmt.Sprintf("%g", v) }
