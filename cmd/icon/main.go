// Command icon draws thingsniff's application icon: a magnifier over a small
// networked device, flat colours on a dark rounded square, 256x256 PNG.
//
//	go run ./cmd/icon -o assets/icon.png
package main

import (
	"bytes"
	"flag"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"
	"os"
)

func main() {
	out := flag.String("o", "icon.png", "output PNG file")
	flag.Parse()
	var buf bytes.Buffer
	if err := png.Encode(&buf, draw(256)); err != nil {
		fmt.Fprintln(os.Stderr, "icon: encode:", err)
		os.Exit(1)
	}
	if err := os.WriteFile(*out, buf.Bytes(), 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "icon:", err)
		os.Exit(1)
	}
}

// rgba is a colour with straight alpha in 0..1.
type rgba struct{ r, g, b, a float64 }

func hex(v uint32, a float64) rgba {
	return rgba{float64(v>>16&0xff) / 255, float64(v>>8&0xff) / 255, float64(v&0xff) / 255, a}
}

// over paints c over dst.
func over(dst, c rgba) rgba {
	a := c.a + dst.a*(1-c.a)
	if a == 0 {
		return rgba{}
	}
	mix := func(x, y float64) float64 { return (x*c.a + y*dst.a*(1-c.a)) / a }
	return rgba{mix(c.r, dst.r), mix(c.g, dst.g), mix(c.b, dst.b), a}
}

// Signed distances (negative inside) of the shapes, in icon units (0..256).
func circle(x, y, cx, cy, r float64) float64 { return math.Hypot(x-cx, y-cy) - r }

func capsule(x, y, ax, ay, bx, by, r float64) float64 {
	px, py, dx, dy := x-ax, y-ay, bx-ax, by-ay
	t := math.Max(0, math.Min(1, (px*dx+py*dy)/(dx*dx+dy*dy)))
	return math.Hypot(px-t*dx, py-t*dy) - r
}

func roundRect(x, y, x0, y0, x1, y1, r float64) float64 {
	cx, cy := (x0+x1)/2, (y0+y1)/2
	hx, hy := (x1-x0)/2-r, (y1-y0)/2-r
	qx, qy := math.Abs(x-cx)-hx, math.Abs(y-cy)-hy
	return math.Hypot(math.Max(qx, 0), math.Max(qy, 0)) + math.Min(math.Max(qx, qy), 0) - r
}

// paint returns the colour of the icon at one point.
func paint(x, y float64) rgba {
	var (
		navy   = hex(0x16324f, 1)
		light  = hex(0x4fc3f7, 1)
		device = hex(0xeef2f6, 1)
		led    = hex(0x43d675, 1)
		amber  = hex(0xffb300, 1)
		dark   = hex(0x0d1f33, 1)
	)
	const lx, ly, lr = 126.0, 112.0, 66.0 // the lens
	c := rgba{}
	if roundRect(x, y, 8, 8, 248, 248, 52) < 0 {
		c = navy
	} else {
		return c
	}
	// The network: the device's links to three neighbours.
	nodes := [3][2]float64{{44, 206}, {100, 226}, {32, 150}}
	for _, n := range nodes {
		if capsule(x, y, 110, 124, n[0], n[1], 3.5) < 0 {
			c = light
		}
	}
	for _, n := range nodes {
		if circle(x, y, n[0], n[1], 13) < 0 {
			c = light
		}
	}
	// The lens darkens what is behind it a little and tints it.
	if circle(x, y, lx, ly, lr) < 0 {
		c = over(c, hex(0x0b1a2b, 0.55))
	}
	// The device: a box with a status LED, a slot and an antenna.
	if capsule(x, y, 150, 94, 160, 70, 4) < 0 || circle(x, y, 160, 68, 7) < 0 {
		c = device
	}
	if roundRect(x, y, 84, 92, 168, 134, 9) < 0 {
		c = device
	}
	if circle(x, y, 100, 113, 6) < 0 {
		c = led
	}
	if roundRect(x, y, 116, 109, 156, 117, 3) < 0 {
		c = dark
	}
	// The lens ring and handle.
	if capsule(x, y, 178, 164, 222, 208, 15) < 0 {
		c = amber
	}
	if capsule(x, y, 176, 162, 186, 172, 17) < 0 {
		c = hex(0xe09a00, 1)
	}
	if d := circle(x, y, lx, ly, lr+8); d < 0 && d > -16 {
		c = amber
	}
	// A highlight on the glass.
	if d := circle(x, y, lx, ly, lr-14); d < 0 && d > -5 && x < lx-10 && y < ly-10 {
		c = over(c, hex(0xffffff, 0.55))
	}
	return c
}

// draw renders the icon at size x size with 4x4 supersampling.
func draw(size int) *image.NRGBA {
	img := image.NewNRGBA(image.Rect(0, 0, size, size))
	const ss = 4
	scale := 256 / float64(size)
	for py := 0; py < size; py++ {
		for px := 0; px < size; px++ {
			var r, g, b, a float64
			for sy := 0; sy < ss; sy++ {
				for sx := 0; sx < ss; sx++ {
					x := (float64(px) + (float64(sx)+0.5)/ss) * scale
					y := (float64(py) + (float64(sy)+0.5)/ss) * scale
					c := paint(x, y)
					r, g, b, a = r+c.r*c.a, g+c.g*c.a, b+c.b*c.a, a+c.a
				}
			}
			if a == 0 {
				continue
			}
			img.SetNRGBA(px, py, color.NRGBA{uint8(r/a*255 + 0.5), uint8(g/a*255 + 0.5), uint8(b/a*255 + 0.5), uint8(a/ss/ss*255 + 0.5)})
		}
	}
	return img
}
