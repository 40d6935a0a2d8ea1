package main

import (
	"fmt"
	"io"
	"strings"
)

// A kind names a measurement for the tables.
type kind struct{ id, name string }

// loadKinds are the load measurements, in the order of their table.
func loadKinds() []kind {
	return []kind{
		{"bare", "bare DecodingLayerParser loop"},
		{"pcapgo", "the same with gopacket's pcapgo reader"},
		{"load", "thingsniff load (index + flows)"},
		{"report", "thingsniff load + device timelines"},
		{"timelines", "device timelines alone (thingsniff report)"},
		{"tshark", "tshark -q -z conv,tcp"},
	}
}

// explain says once how the figures below it were taken.
func explain(w io.Writer) {
	fmt.Fprintf(w, "Each of %d rounds runs every measurement once, in turn, and every run is kept.\n", rounds)
	fmt.Fprintln(w, "Figures are medians with [min-max] over the rounds; a ratio is taken within each round (its runs paired)")
	fmt.Fprintln(w, "and its median is held to the target. steal: the share of CPU time the host took from this machine")
	fmt.Fprintln(w, "during the runs (all runs, and the worst run), shown as information.")
}

// tableHead heads a table of measurements.
func tableHead(w io.Writer) {
	fmt.Fprintf(w, "%-44s %-24s %-20s %6s  %s\n", fmt.Sprintf("measurement (median [min-max] of %d rounds)", rounds),
		"seconds", "peak RSS, MB", "CPU s", "steal")
}

// row prints one measurement's runs: time and peak RSS as median [min-max],
// CPU time as median, and the host's steal.
func row(w io.Writer, name string, rs []result) {
	if len(rs) == 0 {
		return
	}
	secs := summarize(each(rs, func(r result) float64 { return r.Seconds }))
	rss := summarize(each(rs, func(r result) float64 { return float64(r.PeakRSS) / 1e6 }))
	cpu := summarize(each(rs, func(r result) float64 { return r.CPUSeconds }))
	all, worst := steal(rs)
	runs := ""
	if len(rs) < rounds {
		runs = fmt.Sprintf("   (%d runs)", len(rs))
	}
	fmt.Fprintf(w, "%-44s %-24s %-20s %6.2f  %3.0f%% (worst %.0f%%)%s\n",
		name, secs.format(3), rss.format(1), cpu.med, 100*all, 100*worst, runs)
}

// failures says which measurements failed, and in which round.
func failures(w io.Writer, t trial, kinds []kind) {
	for _, k := range kinds {
		if err := t.errs[k.id]; err != nil {
			fmt.Fprintf(w, "%s: failed, not measured further: %v\n", k.name, err)
		}
	}
}

// ratiosHead heads the ratio lines.
func ratiosHead(w io.Writer) {
	fmt.Fprintf(w, "ratios (median [min-max] of the rounds; targets from the issues; ok or MISSED by the median)\n")
}

// ratio prints one figure taken in each round, as median [min-max] with
// prec decimals, against its target, and a note after it.
func ratio(w io.Writer, name string, xs []float64, t target, prec int, note string) {
	if len(xs) == 0 {
		fmt.Fprintf(w, "  %-58s not measured\n", name)
		return
	}
	s := summarize(xs)
	mark := "ok"
	if !t.ok(s.med) {
		mark = "MISSED"
	}
	missed := 0
	for _, x := range xs {
		if !t.ok(x) {
			missed++
		}
	}
	var extra []string
	if missed > 0 && missed < len(xs) {
		extra = append(extra, fmt.Sprintf("missed in %d of %d rounds", missed, len(xs)))
	}
	if note != "" {
		extra = append(extra, note)
	}
	tail := ""
	if len(extra) > 0 {
		tail = "   (" + strings.Join(extra, "; ") + ")"
	}
	fmt.Fprintf(w, "  %-58s %-26s target %-8s %s%s\n", name, s.format(prec), t.text, mark, tail)
}

// printLoad prints the load measurements and their ratios.
func printLoad(w io.Writer, t trial) {
	tableHead(w)
	for _, k := range loadKinds() {
		row(w, k.name, t.runs[k.id])
	}
	failures(w, t, append(loadKinds(), kind{"baseline", "baseline (an empty child)"}))

	fmt.Fprintln(w)
	ratiosHead(w)
	base, bare, load := t.runs["baseline"], t.runs["bare"], t.runs["load"]
	report, tshark := t.runs["report"], t.runs["tshark"]
	ratio(w, "load speed / bare DecodingLayerParser speed",
		perRound(bare, load, func(b, l result) float64 { return b.Seconds / l.Seconds }), atLeast(1), 2, "")
	if len(tshark) > 0 {
		ratio(w, "tshark conv,tcp time / thingsniff load time",
			perRound(tshark, load, func(ts, l result) float64 { return ts.Seconds / l.Seconds }), atLeast(20), 2, "")
	}
	ratio(w, "resident bytes per packet after load (index + flows)",
		perRound(load, base, func(l, b result) float64 { return float64(l.PeakRSS-b.PeakRSS) / float64(l.Packets) }), atMost(64), 2, "")
	ratio(w, "time to first rows, ms", each(load, func(l result) float64 { return l.FirstRowsMs }), below(100), 2, "")
	if len(report) > 0 {
		ratio(w, "load with device timelines / plain load",
			perRound(report, load, func(r, l result) float64 { return r.Seconds / l.Seconds }), atMost(1.25), 2, "")
		ratio(w, "  the same in CPU time (both cores, whole process)",
			perRound(report, load, func(r, l result) float64 { return r.CPUSeconds / l.CPUSeconds }), noTarget(), 2, "")
	}
}

// printFollow prints the follow measurements of one capture: thingsniff's
// (and tshark's, when it ran) and their ratios. giga says the capture is
// the 1 GiB stream, whose memory has a target.
func printFollow(w io.Writer, name string, giga bool, t trial) {
	ours, base, ts := t.runs["follow"], t.runs["baseline"], t.runs["tshark"]
	fmt.Fprintf(w, "follow %s: %d bytes each run; the median run: %s\n", name, middle(ours).Bytes, middle(ours).Note)
	tableHead(w)
	row(w, "thingsniff follow --format raw", ours)
	row(w, "tshark -z follow,tcp,raw,0", ts)
	failures(w, t, []kind{{"follow", "thingsniff follow"}, {"tshark", "tshark follow"}, {"baseline", "baseline (an empty child)"}})
	ratio(w, "follow "+name+": reassembled MB/s",
		each(ours, func(r result) float64 { return float64(r.Bytes) / r.Seconds / 1e6 }), noTarget(), 2, "")
	if giga {
		ratio(w, "follow 1 GiB stream raw: peak RSS beyond baseline, MB",
			perRound(ours, base, func(o, b result) float64 { return float64(o.PeakRSS-b.PeakRSS) / 1e6 }), below(64), 2, "")
	}
	if len(ts) > 0 {
		ratio(w, "follow "+name+": tshark time / thingsniff time",
			perRound(ts, ours, func(ts, o result) float64 { return ts.Seconds / o.Seconds }), atLeast(10), 2, "")
	}
}

// printIoTReport prints the device report's time on the IoT capture.
func printIoTReport(w io.Writer, rs []result) {
	r := middle(rs)
	rss := summarize(each(rs, func(r result) float64 { return float64(r.PeakRSS) / 1e6 }))
	ratio(w, "IoT-Sentinel 64 MB capture: device report, seconds",
		each(rs, func(r result) float64 { return r.Seconds }), below(1), 3,
		fmt.Sprintf("%d packets, %s, peak RSS %s MB", r.Packets, r.Note, rss.format(1)))
}
