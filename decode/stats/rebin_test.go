package stats

import (
	"testing"
	"time"
)

func TestRebinCountsWholeBucketsWhereTheyStart(t *testing.T) {
	origin := time.Unix(1000, 0)
	s := IOSeries{Start: origin.Add(time.Second), Interval: time.Second}
	for i := range 5 {
		n := uint64(i + 1)
		s.Buckets = append(s.Buckets, Bucket{All: Count{Packets: n, Bytes: 100 * n}, First: uint32(10 * n), Last: uint32(10*n + 1)})
	}
	got := s.Rebin(origin, 2*time.Second)
	// Buckets start at 1..5 s: [1 s] → 0, [2 s, 3 s] → 1, [4 s, 5 s] → 2.
	want := []Bucket{
		{All: Count{1, 100}, First: 10, Last: 11},
		{All: Count{5, 500}, First: 20, Last: 31},
		{All: Count{9, 900}, First: 40, Last: 51},
	}
	if len(got.Buckets) != len(want) || got.Interval != 2*time.Second || !got.Start.Equal(origin) {
		t.Fatalf("got %d buckets of %v from %v", len(got.Buckets), got.Interval, got.Start)
	}
	for i := range want {
		if got.Buckets[i] != want[i] {
			t.Errorf("bucket %d: %+v, want %+v", i, got.Buckets[i], want[i])
		}
	}
}
