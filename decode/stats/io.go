package stats

import "time"

// Bucket is one interval of an I/O series: every packet in it, and
// those sent to a broadcast or multicast address.
type Bucket struct {
	All  Count
	Cast Count
	// First and Last are the lowest and highest packet numbers in the
	// bucket (0 when it is empty): a capture in time order holds just
	// these packets between them.
	First, Last uint32
}

// merge adds c's packets to b.
func (b *Bucket) merge(c Bucket) {
	b.All.Packets += c.All.Packets
	b.All.Bytes += c.All.Bytes
	b.Cast.Packets += c.Cast.Packets
	b.Cast.Bytes += c.Cast.Bytes
	if c.First != 0 && (b.First == 0 || c.First < b.First) {
		b.First = c.First
	}
	b.Last = max(b.Last, c.Last)
}

// Series counts packets into buckets of an interval from its first
// packet's time. When a packet would need more than its cap of buckets,
// the interval doubles and buckets merge in pairs, so that a capture
// spanning days stays bounded. A packet before the first one's time (a
// capture out of order) counts in the first bucket.
type Series struct {
	start    int64
	interval int64
	max      int
	buckets  []Bucket
	started  bool
	widened  int // how many times the interval doubled
	early    uint64
}

// NewSeries returns an empty series of interval-wide buckets, at most
// maxBuckets of them.
func NewSeries(interval time.Duration, maxBuckets int) *Series {
	return &Series{interval: max(int64(interval), 1), max: max(maxBuckets, 1)}
}

// Add counts packet number num of n bytes at time t (Unix nanoseconds);
// cast marks a broadcast or multicast destination.
func (s *Series) Add(t int64, n uint64, cast bool, num uint32) {
	if !s.started {
		s.start, s.started = t, true
	}
	i := int64(0)
	if t >= s.start {
		i = (t - s.start) / s.interval
	} else {
		s.early++
	}
	for i >= int64(s.max) {
		s.widen()
		i = (t - s.start) / s.interval
	}
	for int64(len(s.buckets)) <= i {
		s.buckets = append(s.buckets, Bucket{})
	}
	one := Bucket{All: Count{1, n}, First: num, Last: num}
	if cast {
		one.Cast = one.All
	}
	s.buckets[i].merge(one)
}

// widen doubles the interval, merging buckets in pairs.
func (s *Series) widen() {
	for i := 0; i < len(s.buckets); i += 2 {
		b := s.buckets[i]
		if i+1 < len(s.buckets) {
			b.merge(s.buckets[i+1])
		}
		s.buckets[i/2] = b
	}
	s.buckets = s.buckets[:(len(s.buckets)+1)/2]
	s.interval *= 2
	s.widened++
}

// IO returns the series so far, as a copy.
func (s *Series) IO() IOSeries {
	return IOSeries{Start: time.Unix(0, s.start).UTC(), Interval: time.Duration(s.interval), Buckets: append([]Bucket(nil), s.buckets...)}
}
