package stats

import (
	"net/netip"
)

// capped is a map that holds at most max entries. Packets of keys beyond
// the cap are counted in over, and the keys told apart (up to max of
// them) in left, so that a result can say what it left out.
type capped[K comparable, V any] struct {
	m    map[K]*V
	max  int
	over Count
	left map[K]struct{}
}

func newCapped[K comparable, V any](limit int) capped[K, V] {
	return capped[K, V]{m: map[K]*V{}, max: limit}
}

// get returns k's entry, creating it (fresh is then true), or nil when
// the cap leaves k out; n is the packet's bytes, counted then.
func (c *capped[K, V]) get(k K, n uint64) (v *V, fresh bool) {
	if v = c.m[k]; v != nil {
		return v, false
	}
	if len(c.m) >= c.max {
		c.over.add(n)
		if c.left == nil {
			c.left = map[K]struct{}{}
		}
		if len(c.left) < c.max {
			c.left[k] = struct{}{}
		}
		return nil, false
	}
	v = new(V)
	c.m[k] = v
	return v, true
}

// Endpoint is one address's traffic: what it sent (Tx) and received (Rx).
type Endpoint struct {
	Tx, Rx      Count
	First, Last int64 // Unix nanoseconds
}

// Total is what the endpoint sent and received.
func (e *Endpoint) Total() Count {
	return Count{Packets: e.Tx.Packets + e.Rx.Packets, Bytes: e.Tx.Bytes + e.Rx.Bytes}
}

func (e *Endpoint) seen(t int64, fresh bool) {
	if fresh || t < e.First {
		e.First = t
	}
	e.Last = max(e.Last, t)
}

// table counts the endpoints of one kind.
type table[K comparable] struct{ capped[K, Endpoint] }

func newTable[K comparable](limit int) table[K] {
	return table[K]{newCapped[K, Endpoint](limit)}
}

// add counts a packet from src to dst. A packet to itself counts once
// each way, as Wireshark counts it.
func (t *table[K]) add(src, dst K, n uint64, at int64) {
	if e, fresh := t.get(src, n); e != nil {
		e.Tx.add(n)
		e.seen(at, fresh)
	}
	if e, fresh := t.get(dst, n); e != nil {
		e.Rx.add(n)
		e.seen(at, fresh)
	}
}

// Pair is a conversation between two hosts, A being the one that sent
// its first packet; index 0 of Dir is A to B.
type Pair struct {
	A, B        netip.Addr
	Dir         [2]Count
	First, Last int64
}

// Total is the pair's traffic both ways.
func (p *Pair) Total() Count {
	return Count{Packets: p.Dir[0].Packets + p.Dir[1].Packets, Bytes: p.Dir[0].Bytes + p.Dir[1].Bytes}
}

type pairKey struct{ lo, hi netip.Addr }

// pairTable counts host pairs.
type pairTable struct{ capped[pairKey, Pair] }

func newPairTable(limit int) pairTable { return pairTable{newCapped[pairKey, Pair](limit)} }

func (t *pairTable) add(src, dst netip.Addr, n uint64, at int64) {
	k := pairKey{src, dst}
	if dst.Less(src) {
		k = pairKey{dst, src}
	}
	p, fresh := t.get(k, n)
	if p == nil {
		return
	}
	if fresh {
		p.A, p.B, p.First = src, dst, at
	}
	d := 0
	if src != p.A {
		d = 1
	}
	p.Dir[d].add(n)
	p.First = min(p.First, at)
	p.Last = max(p.Last, at)
}
