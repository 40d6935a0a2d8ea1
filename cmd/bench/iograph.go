package main

import (
	"fmt"
	"os"
	"path/filepath"
	"time"

	"thingsniff/app"
	"thingsniff/app/chart"
)

// ioGraphSize is the picture the I/O graph measurement draws: about the
// window's graph on a laptop screen.
const ioGraphW, ioGraphH = 1300, 600

// ioGraph loads a capture as the window does (not timed), then times
// what the window does for its I/O graph: count every packet of the
// index into intervals, and draw the picture with its marks.
func ioGraph(file string) (result, error) {
	s := app.NewSession(app.Options{}, nil)
	l, err := s.Open(file)
	if err != nil {
		return result{}, err
	}
	l.Wait()
	defer s.Close()
	start := time.Now()
	n := l.Index.Len()
	first, last := l.TimeSpan(n)
	interval := chart.IOInterval(time.Duration(last-first), 600)
	g := chart.IOGraph{Total: l.IOSeries(nil, n, interval, 2400), Origin: time.Unix(0, first)}
	img, marks := g.Draw(ioGraphW, ioGraphH, chart.DefaultPalette(true))
	elapsed := time.Since(start)
	if img == nil || len(marks) == 0 {
		return result{}, fmt.Errorf("the I/O graph of %s drew nothing", file)
	}
	return result{Seconds: elapsed.Seconds(), Packets: n,
		Note: fmt.Sprintf("%d intervals of %s, %d marks", len(g.Total.Buckets), interval, len(marks))}, nil
}

// benchIOGraph measures the I/O graph of the generated mix (issue 17:
// under 200 ms).
func benchIOGraph(dir string, packets int) {
	mix := filepath.Join(dir, fmt.Sprintf("mix-%d.pcapng", packets))
	if _, err := os.Stat(mix); err != nil {
		fmt.Println("I/O graph: not measured:", err)
		return
	}
	fmt.Printf("\nI/O graph (%d rounds; the whole capture counted from the index and drawn %dx%d)\n", rounds, ioGraphW, ioGraphH)
	t := inTurn([]string{"io-graph"}, rounds, func(kind string) (result, error) { return child(kind, mix) })
	if err := t.errs["io-graph"]; err != nil {
		fmt.Println("I/O graph:", err)
		return
	}
	rs := t.runs["io-graph"]
	ms := each(rs, func(r result) float64 { return r.Seconds * 1000 })
	ratio(os.Stdout, "I/O graph of the whole capture, computed and drawn (ms)", ms, below(200), 1, middle(rs).Note)
}
