package chart

import (
	"image"
	"testing"
	"time"

	"thingsniff/decode"
	"thingsniff/decode/stats"
)

func TestIOInterval(t *testing.T) {
	for _, c := range []struct {
		span time.Duration
		want time.Duration
	}{
		{2 * time.Minute, 200 * time.Millisecond},
		{150 * time.Millisecond, time.Millisecond},
		{0, time.Second}, // one instant
		{48 * time.Hour, 500 * time.Second},
	} {
		if got := IOInterval(c.span, 600); got != c.want {
			t.Errorf("IOInterval(%v, 600) = %v, want %v", c.span, got, c.want)
		}
	}
}

// TestIOGraphMarks: each interval with packets is a mark as wide as its
// share of the time axis, naming its packets; empty ones are none.
func TestIOGraphMarks(t *testing.T) {
	start := time.Unix(1000, 0)
	s := stats.NewSeries(time.Second, 10)
	s.Add(start.UnixNano(), 100, false, 1)
	s.Add(start.Add(1500*time.Millisecond).UnixNano(), 60, true, 2)
	s.Add(start.Add(3200*time.Millisecond).UnixNano(), 60, false, 3)
	g := IOGraph{Total: s.IO(), Origin: start}
	img, marks := g.Draw(464, 300, DefaultPalette(false))
	if img.Bounds() != image.Rect(0, 0, 464, 300) {
		t.Errorf("drew %v", img.Bounds())
	}
	if len(marks) != 3 {
		t.Fatalf("%d marks, want 3 (4 intervals, one empty)", len(marks))
	}
	// The plot spans x 64..448: 384 pixels for 4 seconds.
	if w := marks[0].Rect.Dx(); w < 95 || w > 97 {
		t.Errorf("a 1 s interval is %d pixels wide, want 96", w)
	}
	if m := marks[1]; m.First != 2 || m.Last != 2 || At(marks, m.Rect.Min.Add(image.Pt(1, 1))) != &marks[1] {
		t.Errorf("second mark %+v", m)
	}
}

func TestTimelinePacksRows(t *testing.T) {
	// One client: 1 and 3 follow each other in a row, 2 and 4 in another.
	var fs []*decode.Flow
	for _, f := range [][3]int64{{1, 0, 10}, {2, 5, 20}, {3, 11, 30}, {4, 21, 40}} {
		fs = append(fs, &decode.Flow{ID: uint32(f[0]), Proto: decode.ProtoTCP, First: f[1], Last: f[2]})
	}
	rows, n := packRows(fs)
	if want := []int{0, 1, 0, 1}; n != 2 || rows[0] != want[0] || rows[1] != want[1] || rows[2] != want[2] || rows[3] != want[3] {
		t.Errorf("rows %v of %d; want [0 1 0 1] of 2", rows, n)
	}
}
