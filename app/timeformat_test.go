package app

import (
	"context"
	"slices"
	"testing"
	"time"

	"thingsniff/app/apptest"
)

func TestTimeFormatWritesEachFormat(t *testing.T) {
	day := time.Date(2026, 11, 25, 23, 59, 59, 0, time.UTC).UnixNano()
	at := day + 999_999_500 // rounds up, across midnight
	tm := PacketTimes{At: at, First: day - 2_000_000_000, Previous: at + 1_500, Shown: day}
	for _, tt := range []struct {
		f    TimeFormat
		t    PacketTimes
		want string
	}{
		{TimeSinceStart, tm, "3.000000"},
		{TimeSincePrevious, tm, "-0.000002"}, // out of order: a negative gap, as tshark writes it
		{TimeSinceShown, tm, "1.000000"},
		{TimeSinceStart, PacketTimes{At: day + 499, First: day}, "0.000000"},
		{TimeSinceStart, PacketTimes{At: day + 500, First: day}, "0.000001"},
		{TimeEpoch, PacketTimes{At: 1_466_080_461_886_412_345}, "1466080461.886412"},
		{TimeDateAndTime, tm, "2026-11-26 00:00:00.000000"},
		// The first packet's day, in a capture that stays in it.
		{TimeOfDay, PacketTimes{At: day - 5_000_000_000, First: day - 9_000_000_000}, "23:59:54.000000"},
		// A later day says its date; so does every packet once the
		// capture is known to cross midnight.
		{TimeOfDay, PacketTimes{At: day + 2_000_000_000, First: day}, "2026-11-26 00:00:01.000000"},
		{TimeOfDay, PacketTimes{At: day, First: day, MultiDay: true}, "2026-11-25 23:59:59.000000"},
	} {
		if got := tt.f.Format(tt.t); got != tt.want {
			t.Errorf("%s of %+v = %q, want %q", tt.f, tt.t, got, tt.want)
		}
	}
	for _, f := range TimeFormats() {
		if g, err := ParseTimeFormat(f.String()); err != nil || g != f {
			t.Errorf("ParseTimeFormat(%q) = %v, %v", f.String(), g, err)
		}
	}
	if _, err := ParseTimeFormat("local"); err == nil {
		t.Error("an unknown time format was taken")
	}
}

// TestRowsWriteTheChosenTimeFormat switches the format of rows already
// formatted and shows that a filtered, sorted view measures the time
// since the packet shown before in capture order.
func TestRowsWriteTheChosenTimeFormat(t *testing.T) {
	rows := rowsOf(t, serverHangsUp) // 0, 10, 20, 30, 80, 90 ms, then 42.09, 42.1, 42.11 s
	s, q, _ := sourceOf(rows)
	t.Cleanup(s.Close)
	times := func() []string {
		t.Helper()
		for range 2 { // ask, let the worker format, take its chunk
			s.Row(0)
			s.Wait()
			q.Drain()
		}
		var out []string
		for k := range s.Len() {
			r, ok := s.Row(k)
			if !ok {
				t.Fatalf("line %d not ready", k)
			}
			out = append(out, r.Time)
		}
		return out
	}
	if got, want := times(), []string{"0.000000", "0.010000", "0.020000", "0.030000", "0.080000", "0.090000", "42.090000", "42.100000", "42.110000"}; !slices.Equal(got, want) {
		t.Errorf("since the first packet: %v, want %v", got, want)
	}
	rows.SetTimeFormat(TimeSincePrevious)
	if got, want := times(), []string{"0.000000", "0.010000", "0.010000", "0.010000", "0.050000", "0.010000", "42.000000", "0.010000", "0.010000"}; !slices.Equal(got, want) {
		t.Errorf("since the packet before: %v, want %v", got, want)
	}
	rows.SetTimeFormat(TimeSinceShown)
	s.Show([]int{8, 5, 2}, []int{2, 5, 8}) // a filter's three packets, sorted newest first
	if got, want := times(), []string{"42.020000", "0.070000", "0.000000"}; !slices.Equal(got, want) {
		t.Errorf("since the packet shown before: %v, want %v", got, want)
	}
	rows.SetTimeFormat(TimeOfDay)
	if got, want := times(), []string{"20:01:44.110000", "20:01:02.090000", "20:01:02.020000"}; !slices.Equal(got, want) {
		t.Errorf("time of day: %v, want %v", got, want)
	}
}

// TestSortByTimeFollowsTheFormat sorts by the gaps a delta format shows:
// the packet after the 42-second silence comes last.
func TestSortByTimeFollowsTheFormat(t *testing.T) {
	rows := rowsOf(t, serverHangsUp)
	n := rows.l.Index.Len()
	order, err := rows.SortPackets(context.Background(), nil, n, SortTime, false)
	if err != nil || !slices.Equal(order, []int{0, 1, 2, 3, 4, 5, 6, 7, 8}) {
		t.Fatalf("by time since the first packet: %v, %v", order, err)
	}
	rows.SetTimeFormat(TimeSincePrevious)
	order, err = rows.SortPackets(context.Background(), nil, n, SortTime, false)
	if err != nil || order[0] != 0 || order[n-1] != 6 || order[n-2] != 4 {
		t.Errorf("by time since the packet before: %v, %v; want 0 first, then 4 (50 ms) and 6 (42 s) last", order, err)
	}
	rows.SetTimeFormat(TimeSinceShown)
	order, err = rows.SortPackets(context.Background(), []int{2, 3, 7}, n, SortTime, true)
	if err != nil || !slices.Equal(order, []int{7, 3, 2}) {
		t.Errorf("the filter's packets by time since the one shown before, descending: %v, %v", order, err)
	}
}

// TestTimesOfDayTakeDatesOnceTheCaptureCrossesMidnight: rows formatted
// while a capture stayed in one day are formatted again, with dates,
// once it has crossed midnight.
func TestTimesOfDayTakeDatesOnceTheCaptureCrossesMidnight(t *testing.T) {
	segs := slices.Clone(serverHangsUp)
	segs[len(segs)-1].at = 4 * time.Hour // 20:01 the day before
	rows := rowsOf(t, segs)
	rows.SetTimeFormat(TimeOfDay)
	q := &apptest.Queue{}
	s := NewRowSource(rows, q.Dispatch, func() {})
	t.Cleanup(s.Close)
	s.Grow(2) // the packets read so far: both on the first day
	s.Row(0)
	s.Wait()
	q.Drain()
	if r, ok := s.Row(0); !ok || r.Time != "20:01:02.000000" {
		t.Fatalf("the first row before midnight: %q (ready %v)", r.Time, ok)
	}
	s.Grow(len(segs))
	if _, ok := s.Row(0); ok {
		t.Fatal("a row without its date still showed after the capture crossed midnight")
	}
	s.Wait()
	q.Drain()
	if r, ok := s.Row(0); !ok || r.Time != "2026-11-25 20:01:02.000000" {
		t.Errorf("the first row after midnight was read: %q (ready %v)", r.Time, ok)
	}
	if r, _ := s.Row(len(segs) - 1); r.Time != "2026-11-26 00:01:02.000000" {
		t.Errorf("the last row: %q", r.Time)
	}
}
