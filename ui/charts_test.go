package ui

import (
	"image"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"

	"thingsniff/app/chart"
)

// chartOf opens the test capture's statistics and the picture kind.
func chartOf(t *testing.T, kind string) (*harness, *chartView) {
	t.Helper()
	h, v := openStats(t, kind)
	p := v.chartPanes()[kind]
	p.view.Resize(fyne.NewSize(800, 400))
	if len(p.view.marks) == 0 {
		t.Fatalf("%s drew nothing to point at", kind)
	}
	return h, p.view
}

// centre is the middle of a mark, where a pointer would be.
func centre(m chart.Mark) fyne.Position {
	c := m.Rect.Min.Add(m.Rect.Max).Div(2)
	return fyne.NewPos(float32(c.X), float32(c.Y))
}

// TestChartsRender: each picture draws the same pixels every time, held
// against a golden image, on the test capture.
func TestChartsRender(t *testing.T) {
	for _, kind := range []string{"io-graph", "timeline", "talks"} {
		t.Run(kind, func(t *testing.T) {
			_, v := chartOf(t, kind)
			test.AssertImageMatches(t, "chart_"+kind+".png", v.last)
		})
	}
}

// TestChartClickSelectsPackets: hovering over a mark says what it is,
// and a click on it shows its packets, as many as the mark says.
func TestChartClickSelectsPackets(t *testing.T) {
	h, v := chartOf(t, "io-graph")
	m := v.marks[0]
	v.MouseMoved(&desktop.MouseEvent{PointEvent: fyne.PointEvent{Position: centre(m)}})
	line := h.u.stats.charts.io.hover
	if line.Text != m.Tip {
		t.Errorf("hovering over an interval says %q; want %q", line.Text, m.Tip)
	}
	v.MouseOut()
	if line.Text == m.Tip {
		t.Errorf("the pointer left, and the line still says %q", line.Text)
	}
	v.Tapped(&fyne.PointEvent{Position: centre(m)})
	h.settle()
	if want := int(m.Last - m.First + 1); len(h.u.packets.shown) != want || !strings.Contains(m.Tip, ": "+itoa(want)+" packets") {
		t.Errorf("a click on %q shows %d packets; want %d", m.Tip, len(h.u.packets.shown), want)
	}

	h, v = chartOf(t, "timeline")
	var flow *chart.Mark
	for i := range v.marks {
		if strings.Contains(v.marks[i].Tip, "closed by the server (fin)") {
			flow = &v.marks[i]
		}
	}
	if flow == nil {
		t.Fatal("the timeline has no connection closed by the server; the test capture has one")
	}
	v.Tapped(&fyne.PointEvent{Position: centre(*flow)})
	h.settle()
	if h.u.packets.expr != markFilter(flow) || len(h.u.packets.shown) != 7 {
		t.Errorf("a click on %q shows %d packets with %q; want the 7 of its flow", flow.Tip, len(h.u.packets.shown), h.u.packets.expr)
	}

	h, v = chartOf(t, "talks")
	var server *chart.Mark
	for i := range v.marks {
		if v.marks[i].Host == "203.0.113.80" {
			server = &v.marks[i]
		}
	}
	if server == nil {
		t.Fatalf("the map does not show the update server: %+v", v.marks)
	}
	v.Tapped(&fyne.PointEvent{Position: centre(*server)})
	h.settle()
	if h.u.packets.expr != "host 203.0.113.80" || len(h.u.packets.shown) == 0 {
		t.Errorf("a click on the update server shows %d packets with %q", len(h.u.packets.shown), h.u.packets.expr)
	}
	if chart.At(v.marks, image.Pt(-5, -5)) != nil {
		t.Error("a point outside the picture is on a mark")
	}
}

// TestIOGraphFilterLine: a filter typed under the I/O graph becomes a
// line of its own that counts the packets the filter selects.
func TestIOGraphFilterLine(t *testing.T) {
	h, _ := chartOf(t, "io-graph")
	c := h.u.stats.charts
	c.filter.SetText("port 53")
	c.addFilterLine()
	h.settle()
	if len(c.lines) != 1 || c.lines[0].Name != "port 53" {
		t.Fatalf("lines after adding a filter: %+v", c.lines)
	}
	var n uint64
	for _, b := range c.lines[0].IO.Buckets {
		n += b.All.Packets
	}
	if n != 2 { // the test capture's DNS query and answer
		t.Errorf("the line of port 53 counts %d packets, want 2", n)
	}
	if g := c.ioGraph(); len(g.Lines) == 0 || g.Lines[len(g.Lines)-1].Name != "port 53" {
		t.Errorf("the graph's lines %+v end without the filter's", g.Lines)
	}
}

// TestSavePNG: the picture on screen saves as a PNG of its size.
func TestSavePNG(t *testing.T) {
	_, v := chartOf(t, "timeline")
	path := filepath.Join(t.TempDir(), "c.png")
	if err := writePNG(path, v.last); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	if img.Bounds() != v.last.Bounds() {
		t.Errorf("saved %v, shown %v", img.Bounds(), v.last.Bounds())
	}
	if err := writePNG(filepath.Join(t.TempDir(), "no", "such", "dir.png"), v.last); err == nil || !strings.Contains(err.Error(), "save picture") {
		t.Errorf("saving into a missing folder: %v", err)
	}
}
