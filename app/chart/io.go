package chart

import (
	"fmt"
	"image"
	"image/color"
	"math"
	"slices"
	"time"

	"thingsniff/decode/stats"
)

// IOLine is one more line of an I/O graph: a device's packets, or a
// filter's.
type IOLine struct {
	Name string
	IO   stats.IOSeries
}

// IOGraph is the I/O graph of a capture.
type IOGraph struct {
	// Total is every packet of the capture; a click on one of its
	// intervals selects the interval's packets.
	Total stats.IOSeries
	Lines []IOLine
	// Bytes plots bytes per second rather than packets per second.
	Bytes bool
	// Origin is time 0 of the time axis (the capture's first packet).
	Origin time.Time
}

// IOInterval is a tidy interval for an I/O graph of a capture that lasts
// span: about buckets intervals across it, a 1, 2 or 5 times a power of
// ten of a second, at least a millisecond.
func IOInterval(span time.Duration, buckets int) time.Duration {
	step := niceStep(span.Seconds(), max(buckets, 1))
	return max(time.Duration(step*float64(time.Second)), time.Millisecond)
}

func (g *IOGraph) value(b stats.Bucket) float64 {
	if g.Bytes {
		return float64(b.All.Bytes)
	}
	return float64(b.All.Packets)
}

func (g *IOGraph) cast(b stats.Bucket) float64 {
	if g.Bytes {
		return float64(b.Cast.Bytes)
	}
	return float64(b.Cast.Packets)
}

// atOneInterval is g with every series counted at the coarsest interval
// of them, from the origin.
func (g *IOGraph) atOneInterval() *IOGraph {
	iv := g.Total.Interval
	for _, l := range g.Lines {
		iv = max(iv, l.IO.Interval)
	}
	if iv == g.Total.Interval && g.Total.Start.Equal(g.Origin) && !slices.ContainsFunc(g.Lines, func(l IOLine) bool { return l.IO.Interval != iv || !l.IO.Start.Equal(g.Origin) }) {
		return g
	}
	out := *g
	out.Total = g.Total.Rebin(g.Origin, iv)
	out.Lines = make([]IOLine, len(g.Lines))
	for i, l := range g.Lines {
		out.Lines[i] = IOLine{Name: l.Name, IO: l.IO.Rebin(g.Origin, iv)}
	}
	return &out
}

// Draw draws the graph w by h pixels and returns it with a mark per
// interval of the total that holds packets.
func (g *IOGraph) Draw(w, h int, pal Palette) (*image.RGBA, []Mark) {
	c := newCanvas(w, h, pal)
	p := plot{x0: 64, y0: 30, x1: w - 16, y1: h - 26}
	if p.w() < 20 || p.h() < 20 {
		return c.img, nil
	}
	unit := "packets/s"
	if g.Bytes {
		unit = "bytes/s"
	}
	// Every line is drawn at the coarsest interval among them (a
	// device's is coarser than the total's), as a rate per second.
	g = g.atOneInterval()
	rate := func(io stats.IOSeries, v float64) float64 { return v / io.Interval.Seconds() }
	end := func(io stats.IOSeries) float64 {
		return io.Start.Sub(g.Origin).Seconds() + float64(len(io.Buckets))*io.Interval.Seconds()
	}
	xMax, yMax := end(g.Total), 0.0
	for _, b := range g.Total.Buckets {
		yMax = math.Max(yMax, rate(g.Total, g.value(b)))
	}
	for _, l := range g.Lines {
		for _, b := range l.IO.Buckets {
			yMax = math.Max(yMax, rate(l.IO, g.value(b)))
		}
	}
	top := c.axes(p, xMax, yMax)
	xOf := func(sec float64) float64 { return float64(p.x0) + float64(p.w())*sec/math.Max(xMax, 1e-9) }
	yOf := func(v float64) float64 { return float64(p.y1) - float64(p.h())*v/top }

	// The broadcast and multicast share, as bars under the total.
	t0 := g.Total.Start.Sub(g.Origin).Seconds()
	iv := g.Total.Interval.Seconds()
	for i, b := range g.Total.Buckets {
		if v := g.cast(b); v > 0 {
			x0, x1 := xOf(t0+float64(i)*iv), xOf(t0+float64(i+1)*iv)
			c.fill(image.Rect(int(x0), int(yOf(rate(g.Total, v))), max(int(x1), int(x0)+1), p.y1), pal.Cast)
		}
	}
	for i := len(g.Lines) - 1; i >= 0; i-- {
		c.series(g, xMax, g.Lines[i].IO, pal.Lines[i%len(pal.Lines)], xOf, yOf, rate)
	}
	c.series(g, xMax, g.Total, pal.Total, xOf, yOf, rate)

	names := []string{"all " + unit, "broadcast+multicast"}
	cols := []color.RGBA{pal.Total, pal.Cast}
	for i, l := range g.Lines {
		names = append(names, l.Name)
		cols = append(cols, pal.Lines[i%len(pal.Lines)])
	}
	c.legend(p.x0, 8, names, cols)

	var marks []Mark
	for i, b := range g.Total.Buckets {
		if b.All.Packets == 0 {
			continue
		}
		x0, x1 := int(xOf(t0+float64(i)*iv)), int(xOf(t0+float64(i+1)*iv))
		from := t0 + float64(i)*iv
		tip := fmt.Sprintf("%s–%s: %d packets, %s; %.0f%% broadcast+multicast",
			secondsText(from), secondsText(from+iv), b.All.Packets, bytesText(b.All.Bytes), 100*float64(b.Cast.Packets)/float64(b.All.Packets))
		marks = append(marks, Mark{Rect: image.Rect(x0, p.y0, max(x1, x0+1), p.y1), Tip: tip, First: b.First, Last: b.Last})
	}
	return c.img, marks
}

// series draws one series as a line through the middle of its intervals.
func (c *canvas) series(g *IOGraph, xEnd float64, io stats.IOSeries, col color.RGBA, xOf, yOf func(float64) float64, rate func(stats.IOSeries, float64) float64) {
	t0 := io.Start.Sub(g.Origin).Seconds()
	iv := io.Interval.Seconds()
	px, py := 0.0, 0.0
	for i, b := range io.Buckets {
		x, y := xOf(t0+(float64(i)+0.5)*iv), yOf(rate(io, g.value(b)))
		if x > xOf(xEnd) {
			x = xOf(xEnd) // a coarser series' last interval runs past the capture
		}
		if i > 0 {
			c.line(px, py, x, y, 1.6, col)
		} else if len(io.Buckets) == 1 {
			c.line(x-2, y, x+2, y, 1.6, col)
		}
		px, py = x, y
	}
}
