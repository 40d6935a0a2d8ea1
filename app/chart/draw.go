package chart

import (
	"image"
	"image/color"
	"math"
	"strconv"
	"time"

	"golang.org/x/image/font"
	"golang.org/x/image/font/basicfont"
	"golang.org/x/image/math/fixed"

	"thingsniff/decode"
)

// Palette is the colours of a picture, from the window's theme.
type Palette struct {
	Background, Foreground, Grid, Muted color.RGBA
	// Lines colour the lines after the first, in order.
	Lines []color.RGBA
	// Total is the first line (the capture), Cast the broadcast and
	// multicast share.
	Total, Cast color.RGBA
	// Who closed a connection: the client, the server, a reset; Open is
	// a connection not seen to close.
	Client, Server, Reset, Open color.RGBA
}

// DefaultPalette is a palette for a dark or a light background.
func DefaultPalette(dark bool) Palette {
	p := Palette{
		Background: color.RGBA{0xff, 0xff, 0xff, 0xff}, Foreground: color.RGBA{0x20, 0x20, 0x20, 0xff},
		Grid: color.RGBA{0xe4, 0xe4, 0xe4, 0xff}, Muted: color.RGBA{0x80, 0x80, 0x80, 0xff},
		Total: color.RGBA{0x29, 0x6f, 0xd8, 0xff}, Cast: color.RGBA{0xf0, 0x9a, 0x30, 0x90},
		Client: color.RGBA{0x3b, 0x8e, 0xd8, 0xff}, Server: color.RGBA{0xe0, 0x6c, 0x2a, 0xff},
		Reset: color.RGBA{0xd0, 0x30, 0x40, 0xff}, Open: color.RGBA{0x9a, 0x9a, 0x9a, 0xff},
		Lines: []color.RGBA{{0x2a, 0xa8, 0x5a, 0xff}, {0xb0, 0x4c, 0xd0, 0xff}, {0xd0, 0xa0, 0x20, 0xff},
			{0x20, 0xb0, 0xb8, 0xff}, {0xe0, 0x50, 0x90, 0xff}, {0x80, 0x80, 0x30, 0xff}},
	}
	if dark {
		p.Background, p.Foreground = color.RGBA{0x17, 0x17, 0x18, 0xff}, color.RGBA{0xe8, 0xe8, 0xe8, 0xff}
		p.Grid, p.Muted = color.RGBA{0x33, 0x33, 0x36, 0xff}, color.RGBA{0x90, 0x90, 0x90, 0xff}
		p.Total = color.RGBA{0x5a, 0x9c, 0xf8, 0xff}
	}
	return p
}

// Mark is a place on a picture: what hovering over it says, and what a
// click on it selects (a span of packet numbers, a flow or an address;
// the first that is set).
type Mark struct {
	Rect        image.Rectangle
	Tip         string
	First, Last uint32
	Flow        uint32
	Host        string
}

// At returns the mark under p, or nil; a later mark lies over an earlier.
func At(marks []Mark, p image.Point) *Mark {
	for i := len(marks) - 1; i >= 0; i-- {
		if p.In(marks[i].Rect) {
			return &marks[i]
		}
	}
	return nil
}

// canvas is an image being drawn.
type canvas struct {
	img *image.RGBA
	pal Palette
}

// lineHeight is the height of a line of text in the bitmap font.
const lineHeight = 13

func newCanvas(w, h int, pal Palette) *canvas {
	c := &canvas{img: image.NewRGBA(image.Rect(0, 0, max(w, 1), max(h, 1))), pal: pal}
	c.fill(c.img.Rect, pal.Background)
	return c
}

// fill paints r, blending a colour that is not opaque over what is there.
func (c *canvas) fill(r image.Rectangle, col color.RGBA) {
	r = r.Intersect(c.img.Rect)
	if r.Empty() {
		return
	}
	a := uint32(col.A)
	for y := r.Min.Y; y < r.Max.Y; y++ {
		row := c.img.Pix[c.img.PixOffset(r.Min.X, y):c.img.PixOffset(r.Max.X, y)]
		for i := 0; i < len(row); i += 4 {
			if a == 0xff {
				row[i], row[i+1], row[i+2], row[i+3] = col.R, col.G, col.B, 0xff
				continue
			}
			row[i] = uint8((uint32(col.R)*a + uint32(row[i])*(0xff-a)) / 0xff)
			row[i+1] = uint8((uint32(col.G)*a + uint32(row[i+1])*(0xff-a)) / 0xff)
			row[i+2] = uint8((uint32(col.B)*a + uint32(row[i+2])*(0xff-a)) / 0xff)
			row[i+3] = 0xff
		}
	}
}

// line draws from (x0, y0) to (x1, y1) width pixels wide.
func (c *canvas) line(x0, y0, x1, y1, width float64, col color.RGBA) {
	steps := int(math.Max(math.Abs(x1-x0), math.Abs(y1-y0))) + 1
	half := width / 2
	for i := 0; i <= steps; i++ {
		t := float64(i) / float64(steps)
		x, y := x0+(x1-x0)*t, y0+(y1-y0)*t
		c.fill(image.Rect(int(math.Round(x-half)), int(math.Round(y-half)), int(math.Round(x+half)), int(math.Round(y+half))), opaque(col))
	}
}

func opaque(c color.RGBA) color.RGBA { c.A = 0xff; return c }

// text writes s with its top left corner at (x, y).
func (c *canvas) text(x, y int, s string, col color.RGBA) {
	d := font.Drawer{Dst: c.img, Src: image.NewUniform(col), Face: basicfont.Face7x13,
		Dot: fixed.P(x, y+basicfont.Face7x13.Ascent)}
	d.DrawString(s)
}

// textWidth is how wide s is drawn.
func textWidth(s string) int { return len([]rune(s)) * basicfont.Face7x13.Advance }

// clip shortens s to at most width pixels, ending it with "…".
func clip(s string, width int) string {
	r := []rune(s)
	n := width / basicfont.Face7x13.Advance
	if len(r) <= n {
		return s
	}
	if n <= 1 {
		return ""
	}
	return string(r[:n-1]) + "…"
}

// niceStep is a step of 1, 2 or 5 times a power of ten near span/n.
func niceStep(span float64, n int) float64 {
	if span <= 0 || n <= 0 {
		return 1
	}
	raw := span / float64(n)
	p := math.Pow(10, math.Floor(math.Log10(raw)))
	for _, m := range []float64{1, 2, 5, 10} {
		if m*p >= raw {
			return m * p
		}
	}
	return 10 * p
}

// timeStep is a round step of time (seconds, minutes, hours, days) that
// cuts span seconds into about n parts.
func timeStep(span float64, n int) float64 {
	raw := span / float64(max(n, 1))
	for _, s := range []float64{60, 120, 300, 600, 900, 1800, 3600, 7200, 3 * 3600, 6 * 3600, 12 * 3600, 86400, 2 * 86400, 7 * 86400} {
		if raw <= 30 {
			break // below a minute, the decimal steps read best
		}
		if s >= raw {
			return s
		}
	}
	if raw > 7*86400 {
		return 86400 * niceStep(span/86400, n)
	}
	return niceStep(span, n)
}

// secondsText writes an offset of v seconds from the capture's start as
// durations are written everywhere ("2 h 0 min"), and short offsets as
// "1.5 s".
func secondsText(v float64) string {
	if v < 60 {
		return short(v) + " s"
	}
	return decode.FormatDuration(time.Duration(v * float64(time.Second)))
}

// short writes a number with k, M or G for thousands, millions, billions.
func short(v float64) string {
	switch a := math.Abs(v); {
	case a >= 1e9:
		return strconv.FormatFloat(v/1e9, 'f', -1, 64) + "G"
	case a >= 1e6:
		return strconv.FormatFloat(math.Round(v/1e5)/10, 'f', -1, 64) + "M"
	case a >= 1e3:
		return strconv.FormatFloat(math.Round(v/1e2)/10, 'f', -1, 64) + "k"
	}
	return strconv.FormatFloat(math.Round(v*100)/100, 'f', -1, 64)
}

// bytesText writes a byte count for people.
func bytesText(n uint64) string {
	if n < 1000 {
		return strconv.FormatUint(n, 10) + " B"
	}
	return short(float64(n)) + "B"
}

// plot is the area of a picture inside its axes.
type plot struct{ x0, y0, x1, y1 int }

func (p plot) w() int { return p.x1 - p.x0 }
func (p plot) h() int { return p.y1 - p.y0 }

// axes draws a horizontal grid with labels for 0..yMax on the left and
// labels for 0..xMax (seconds) below, and returns the y value of the top.
func (c *canvas) axes(p plot, xMax, yMax float64) float64 {
	ys := niceStep(yMax, 5)
	top := math.Max(ys, math.Ceil(yMax/ys)*ys)
	for v := 0.0; v <= top+ys/2; v += ys {
		y := p.y1 - int(float64(p.h())*v/top)
		c.fill(image.Rect(p.x0, y, p.x1, y+1), c.pal.Grid)
		label := short(v)
		c.text(p.x0-6-textWidth(label), y-lineHeight/2, label, c.pal.Muted)
	}
	c.xAxis(p, xMax)
	return top
}

// xAxis draws labels for 0..xMax seconds below p, at round steps of
// time (a week-long capture is marked in days and hours, not "50ks").
func (c *canvas) xAxis(p plot, xMax float64) {
	xs := timeStep(xMax, max(2, p.w()/90))
	for v := 0.0; v <= xMax+xs/1000; v += xs {
		x := p.x0 + int(float64(p.w())*v/math.Max(xMax, 1e-9))
		c.fill(image.Rect(x, p.y1, x+1, p.y1+4), c.pal.Muted)
		label := secondsText(v)
		// The last label ends inside the picture, not cut at its edge.
		lx := min(x-textWidth(label)/2, c.img.Bounds().Dx()-textWidth(label)-2)
		c.text(lx, p.y1+6, label, c.pal.Muted)
	}
	c.fill(image.Rect(p.x0, p.y1, p.x1, p.y1+1), c.pal.Muted)
}

// legend writes entries left to right from (x, y), each after a swatch.
func (c *canvas) legend(x, y int, names []string, cols []color.RGBA) {
	for i, n := range names {
		c.fill(image.Rect(x, y+3, x+12, y+10), opaque(cols[i]))
		c.text(x+16, y, n, c.pal.Foreground)
		x += 16 + textWidth(n) + 14
	}
}
