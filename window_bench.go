package main

import (
	"encoding/json"
	"image"
	"image/color"
	"os"
	"slices"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"

	"thingsniff/app"
	"thingsniff/ui"
)

// benchFramesEnv names the file that `make bench` (cmd/bench) wants the
// window's frame figures in: when it is set, the window opens its capture,
// scrolls it, then sorts it by Info while scrolling, writes what it
// measured and quits.
const benchFramesEnv = "THINGSNIFF_BENCH_FRAMES"

// frameFigures is what the window reports to the bench: frames drawn
// while only scrolling (the machine's own pace) and while sorting.
type frameFigures struct {
	Packets     int       `json:"packets"`
	SortSeconds float64   `json:"sort_seconds"`
	Scrolling   frameGaps `json:"scrolling"`
	Sorting     frameGaps `json:"sorting"`
}

// frameGaps describes the frames of one phase.
type frameGaps struct {
	Frames  int     `json:"frames"`
	Longest float64 `json:"longest_gap_ms"`
	P99     float64 `json:"p99_gap_ms"`
	Median  float64 `json:"median_gap_ms"`
}

// scrollPhase is how long the window scrolls before it sorts.
const scrollPhase = 3 * time.Second

// benchSortFrames measures the frames drawn while the packet list scrolls
// and then while it also sorts by Info off the UI goroutine. A raster in
// an overlay is asked to redraw every 10 ms, and the list scrolls a
// little each time; the painter calls the raster's generator only when it
// draws a frame, so the gaps between those calls are the gaps between
// frames the user would see.
func benchSortFrames(a fyne.App, w fyne.Window, u *ui.UI, out string) {
	var (
		mu     sync.Mutex
		paints []time.Time
	)
	probe := canvas.NewRaster(func(int, int) image.Image {
		mu.Lock()
		paints = append(paints, time.Now())
		mu.Unlock()
		img := image.NewNRGBA(image.Rect(0, 0, 1, 1))
		img.Set(0, 0, color.Transparent)
		return img
	})
	phase := func() []time.Time {
		mu.Lock()
		defer mu.Unlock()
		p := paints
		paints = nil
		return p
	}
	var once sync.Once
	u.OnBatch(func(b app.Batch) {
		if !b.Done {
			return
		}
		once.Do(func() {
			w.Canvas().Overlays().Add(probe)
			stop := make(chan struct{})
			go func() {
				t := time.NewTicker(10 * time.Millisecond)
				defer t.Stop()
				for {
					select {
					case <-stop:
						return
					case <-t.C:
						fyne.Do(func() {
							probe.Refresh()
							u.ScrollPackets(24)
						})
					}
				}
			}()
			phase()
			time.AfterFunc(scrollPhase, func() {
				fyne.Do(func() {
					f := frameFigures{Packets: b.Packets, Scrolling: gapsOf(phase())}
					start := time.Now()
					u.SortPackets(6, false, func() {
						f.SortSeconds = time.Since(start).Seconds()
						close(stop)
						f.Sorting = gapsOf(phase())
						writeFigures(out, f)
						a.Quit()
					})
				})
			})
		})
	})
}

// gapsOf counts frames and the gaps between them.
func gapsOf(paints []time.Time) frameGaps {
	f := frameGaps{Frames: len(paints)}
	var gaps []float64
	for k := 1; k < len(paints); k++ {
		gaps = append(gaps, float64(paints[k].Sub(paints[k-1]).Microseconds())/1000)
	}
	if len(gaps) == 0 {
		return f
	}
	slices.Sort(gaps)
	f.Longest, f.Median = gaps[len(gaps)-1], gaps[len(gaps)/2]
	f.P99 = gaps[min(len(gaps)-1, len(gaps)*99/100)]
	return f
}

func writeFigures(path string, f frameFigures) {
	b, _ := json.Marshal(f)
	if err := os.WriteFile(path, b, 0o644); err != nil {
		os.Stderr.WriteString("thingsniff: bench figures: " + err.Error() + "\n")
	}
}
