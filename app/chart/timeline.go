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
	// Each client's connections are packed into as few rows as do not
	// overlap, so that thousands of short connections fit.
	rowOf, rows := packRows(conns)
	fit := max(1, p.h()/minRow)
	c.legend(p.x0, 8, []string{"closed by the client", "closed by the server", "reset", "not closed"},
		[]color.RGBA{pal.Client, pal.Server, pal.Reset, pal.Open})
	shown := 0
	for _, r := range rowOf {
		if r < fit {
			shown++
		}
	}
	if shown < len(conns) {
		note := fmt.Sprintf("%d of %d connections shown", shown, len(conns))
		c.text(p.x1-textWidth(note), 8, note, pal.Muted)
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
	row := max(minRow, min(18, p.h()/max(1, min(rows, fit))))
	xOf := func(ns int64) int {
		return p.x0 + int(float64(p.w())*time.Unix(0, ns).Sub(tl.Origin).Seconds()/math.Max(xMax, 1e-9))
	}
	var marks []Mark
	labelled := -lineHeight
	for i, f := range conns {
		if rowOf[i] >= fit {
			continue
		}
		y := p.y0 + rowOf[i]*row
		if i == 0 || f.Client.Addr() != conns[i-1].Client.Addr() {
			c.fill(image.Rect(4, y, p.x1, y+1), pal.Grid)
			if y-labelled >= lineHeight {
				c.text(4, y+1, clip(f.Client.Addr().String(), p.x0-10), pal.Foreground)
				labelled = y
			}
		}
		end := f.Last
		if f.Close != decode.CloseNone {
			end = max(f.CloseTime, f.First)
		}
		x0, x1 := xOf(f.First), xOf(end)
		c.fill(image.Rect(x0, y+1, max(x1, x0+2), y+max(row-1, 2)), closerColour(f, pal))
		tip := fmt.Sprintf("flow %d %s → %s: %s, %s", f.ID, f.Client, f.Server, decode.FormatDuration(time.Duration(end-f.First)), closedWords(f))
		marks = append(marks, Mark{Rect: image.Rect(x0, y, max(x1, x0+2), y+row), Tip: tip, Flow: f.ID})
	}
	return c.img, marks
}

// packRows gives each connection (sorted by client, then start) a row:
// a client's rows follow each other, and a connection takes the first
// of its client's rows that is free from its start. It returns the rows
// and how many there are.
func packRows(conns []*decode.Flow) ([]int, int) {
	rowOf := make([]int, len(conns))
	base := 0
	var ends []int64 // when each row of the current client is free again
	for i, f := range conns {
		if i > 0 && f.Client.Addr() != conns[i-1].Client.Addr() {
			base += len(ends)
			ends = ends[:0]
		}
		lane := -1
		for k, e := range ends {
			if e < f.First {
				lane = k
				break
			}
		}
		if lane < 0 {
			lane = len(ends)
			ends = append(ends, 0)
		}
		ends[lane] = f.Last
		rowOf[i] = base + lane
	}
	return rowOf, base + len(ends)
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
	return fmt.Sprintf("closed by the %s (%s) after %s idle", f.ClosedBy, f.Close, decode.FormatDuration(f.IdleBeforeClose()))
}
