package stats

// Bucket is one interval of the I/O series: every packet in it, and
// those sent to a broadcast or multicast address.
type Bucket struct {
	All  Count
	Cast Count
}

// series is the I/O series: buckets of interval nanoseconds from start
// (the first packet's time). When a packet would need more than max
// buckets, the interval doubles and buckets are merged in pairs, so that
// a capture spanning days stays bounded.
type series struct {
	start    int64
	interval int64
	max      int
	buckets  []Bucket
	started  bool
	widened  int // how many times the interval doubled
	early    uint64
}

func (s *series) add(t int64, n uint64, cast bool) {
	if !s.started {
		s.start, s.started = t, true
	}
	i := int64(0)
	if t >= s.start {
		i = (t - s.start) / s.interval
	} else {
		s.early++ // out of order before the first packet: counted in the first bucket
	}
	for i >= int64(s.max) {
		s.widen()
		i = (t - s.start) / s.interval
	}
	for int64(len(s.buckets)) <= i {
		s.buckets = append(s.buckets, Bucket{})
	}
	b := &s.buckets[i]
	b.All.add(n)
	if cast {
		b.Cast.add(n)
	}
}

// widen doubles the interval, merging buckets in pairs.
func (s *series) widen() {
	for i := 0; i < len(s.buckets); i += 2 {
		b := s.buckets[i]
		if i+1 < len(s.buckets) {
			c := s.buckets[i+1]
			b.All.Packets += c.All.Packets
			b.All.Bytes += c.All.Bytes
			b.Cast.Packets += c.Cast.Packets
			b.Cast.Bytes += c.Cast.Bytes
		}
		s.buckets[i/2] = b
	}
	s.buckets = s.buckets[:(len(s.buckets)+1)/2]
	s.interval *= 2
	s.widened++
}
