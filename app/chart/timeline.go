package chart

import (
	"cmp"
	"fmt"
	"image"
	"image/color"
	"math"
	"slices"
	"time"

	"thingsniff/decode"
)

// Timeline is the connection timeline: a bar per TCP connection from its
// first packet to its close (or its last packet), coloured by who closed
// it, in rows grouped by client, so that "closed by the server after two
// minutes" lines up across clients.
type Timeline struct {
	Flows  []decode.Flow
	Origin time.Time
}

// Draw draws the timeline w by h pixels, and returns it with a mark per
// bar. Rows are at least 3 pixels high; connections beyond what fits are
// left out, and the picture says how many.
func (tl *Timeline) Draw(w, h int, pal Palette) (*image.RGBA, []Mark) {
	c := newCanvas(w, h, pal)
	p := plot{x0: 130, y0: 30, x1: w - 16, y1: h - 26}
	if p.w() < 20 || p.h() < 20 {
		return c.img, nil
	}
	var conns []*decode.Flow
	for i := range tl.Flows {
		if tl.Flows[i].Proto == decode.ProtoTCP {
			conns = append(conns, &tl.Flows[i])
		}
	}
	slices.SortStableFunc(conns, func(a, b *decode.Flow) int {
		if c := a.Client.Addr().Compare(b.Client.Addr()); c != 0 {
			return c
		}
		return cmp.Compare(a.First, b.First)
	})
	const minRow = 3
	total := len(conns)
	if most := p.h() / minRow; len(conns) > most {
		conns = conns[:most]
	}
	c.legend(p.x0, 8, []string{"closed by the client", "closed by the server", "reset", "not closed"},
		[]color.RGBA{pal.Client, pal.Server, pal.Reset, pal.Open})
	if len(conns) < total {
		note := fmt.Sprintf("first %d of %d connections", len(conns), total)
		c.text(p.x1-textWidth(note), p.y1+6+lineHeight, note, pal.Muted)
	}
	xMax := 0.0
	for _, f := range conns {
		xMax = math.Max(xMax, float64(time.Unix(0, f.Last).Sub(tl.Origin).Seconds()))
	}
	c.xAxis(p, xMax)
	if len(conns) == 0 {
		c.text(p.x0+10, p.y0+10, "No TCP connections.", pal.Muted)
		return c.img, nil
	}
	row := max(minRow, min(18, p.h()/len(conns)))
	xOf := func(ns int64) int {
		return p.x0 + int(float64(p.w())*time.Unix(0, ns).Sub(tl.Origin).Seconds()/math.Max(xMax, 1e-9))
	}
	var marks []Mark
	for i, f := range conns {
		y := p.y0 + i*row
		if i == 0 || f.Client.Addr() != conns[i-1].Client.Addr() {
			c.fill(image.Rect(4, y, p.x1, y+1), pal.Grid)
			if row >= lineHeight || i == 0 || y-lastLabel(conns, i, row, p.y0) >= lineHeight {
				c.text(4, y+1, clip(f.Client.Addr().String(), p.x0-10), pal.Foreground)
			}
		}
		end := f.Last
		if f.Close != decode.CloseNone {
			end = max(f.CloseTime, f.First)
		}
		x0, x1 := xOf(f.First), xOf(end)
		bar := image.Rect(x0, y+1, max(x1, x0+2), y+max(row-1, 2))
		c.fill(bar, closerColour(f, pal))
		tip := fmt.Sprintf("flow %d %s → %s: %s, %s", f.ID, f.Client, f.Server, duration(time.Duration(end-f.First)), closedWords(f))
		marks = append(marks, Mark{Rect: image.Rect(x0, y, max(x1, x0+2), y+row), Tip: tip, Flow: f.ID})
	}
	return c.img, marks
}

// lastLabel is the y of the client label drawn before row i.
func lastLabel(conns []*decode.Flow, i, row, y0 int) int {
	for j := i - 1; j > 0; j-- {
		if conns[j].Client.Addr() != conns[j-1].Client.Addr() {
			return y0 + j*row
		}
	}
	return y0
}

func closerColour(f *decode.Flow, pal Palette) color.RGBA {
	switch {
	case f.Close == decode.CloseRST:
		return pal.Reset
	case f.ClosedBy == decode.SideClient:
		return pal.Client
	case f.ClosedBy == decode.SideServer:
		return pal.Server
	}
	return pal.Open
}

func closedWords(f *decode.Flow) string {
	if f.Close == decode.CloseNone {
		return "not seen to close"
	}
	return fmt.Sprintf("closed by the %s (%s) after %s idle", f.ClosedBy, f.Close, duration(f.IdleBeforeClose()))
}

func duration(d time.Duration) string {
	switch {
	case d >= time.Minute:
		return d.Round(time.Second).String()
	case d >= time.Second:
		return d.Round(time.Millisecond).String()
	}
	return d.Round(time.Microsecond).String()
}
