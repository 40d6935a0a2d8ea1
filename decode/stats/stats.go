package stats

import (
	"net/netip"
	"time"

	"github.com/gopacket/gopacket/layers"

	"thingsniff/decode"
)

// Options tune a Collector. Zero values get the defaults.
type Options struct {
	// Interval is the width of one I/O bucket (default 1 s). A capture
	// longer than MaxBuckets intervals gets wider buckets, and the result
	// says so.
	Interval time.Duration
	// MaxBuckets caps the I/O series (default 100,000).
	MaxBuckets int
	// MaxEndpoints caps each endpoint table, MAC, IPv4 and IPv6 (default
	// 65,536 each); packets of further addresses are counted apart.
	MaxEndpoints int
	// MaxPairs caps the host-pair conversations (default 65,536).
	MaxPairs int
}

func (o Options) withDefaults() Options {
	if o.Interval <= 0 {
		o.Interval = time.Second
	}
	if o.MaxBuckets <= 0 {
		o.MaxBuckets = 100_000
	}
	if o.MaxEndpoints <= 0 {
		o.MaxEndpoints = 1 << 16
	}
	if o.MaxPairs <= 0 {
		o.MaxPairs = 1 << 16
	}
	return o
}

// Collector counts a capture's packets into the statistics of this
// package. It is a decode.Observer and belongs to the engine's goroutine.
type Collector struct {
	opts    Options
	packets uint64
	bytes   uint64
	first   int64
	last    int64
	// paths counts packets by their protocol path (see path).
	paths map[path]*Count
	macs  table[[6]byte]
	ip4   table[netip.Addr]
	ip6   table[netip.Addr]
	pairs pairTable
	io    *Series
	// senders is an I/O series per sending MAC, coarser than io, for a
	// line per device (at most maxSenders of them).
	senders     map[[6]byte]*Series
	sendersLeft Count
	expert      expert
}

// Caps of the series per device.
const (
	maxSenders       = 256
	maxSenderBuckets = 1000
)

// New returns an empty collector.
func New(opts Options) *Collector {
	o := opts.withDefaults()
	return &Collector{opts: o, paths: map[path]*Count{},
		macs: newTable[[6]byte](o.MaxEndpoints), ip4: newTable[netip.Addr](o.MaxEndpoints),
		ip6: newTable[netip.Addr](o.MaxEndpoints), pairs: newPairTable(o.MaxPairs),
		io: NewSeries(o.Interval, o.MaxBuckets), senders: map[[6]byte]*Series{},
		expert: expert{items: map[expertKey]*ExpertItem{}}}
}

// Count is a number of packets and their bytes on the wire.
type Count struct {
	Packets uint64
	Bytes   uint64
}

func (c *Count) add(n uint64) {
	c.Packets++
	c.Bytes += n
}

// Observe implements decode.Observer.
func (c *Collector) Observe(p *decode.Packet, _ *decode.Flow) {
	n := uint64(p.OrigLen)
	if c.packets == 0 {
		c.first = p.Time
	}
	c.packets++
	c.bytes += n
	c.last = max(c.last, p.Time)

	k := pathOf(p)
	cnt := c.paths[k]
	if cnt == nil {
		cnt = &Count{}
		c.paths[k] = cnt
	}
	cnt.add(n)

	if p.Link == layers.LinkTypeEthernet && len(p.SrcMAC) == 6 && len(p.DstMAC) == 6 {
		c.macs.add([6]byte(p.SrcMAC), [6]byte(p.DstMAC), n, p.Time)
		c.sent([6]byte(p.SrcMAC), p, n)
	}
	if p.HasIP && p.Src.IsValid() && p.Dst.IsValid() {
		if p.Src.Is4() {
			c.ip4.add(p.Src, p.Dst, n, p.Time)
		} else {
			c.ip6.add(p.Src, p.Dst, n, p.Time)
		}
		c.pairs.add(p.Src, p.Dst, n, p.Time)
	}
	c.io.Add(p.Time, n, p.Cast != 0, p.Num)
	c.expert.add(p)
}

// sent counts a packet in its sender's series.
func (c *Collector) sent(mac [6]byte, p *decode.Packet, n uint64) {
	s := c.senders[mac]
	if s == nil {
		if len(c.senders) >= maxSenders {
			c.sendersLeft.add(n)
			return
		}
		// From a millisecond up, as fine as the capture's length allows
		// (the series widens as it goes), to compare with the total.
		s = NewSeries(time.Millisecond, maxSenderBuckets)
		c.senders[mac] = s
	}
	s.Add(p.Time, n, p.Cast != 0, p.Num)
}
