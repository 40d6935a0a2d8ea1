package dns

import (
	"net/netip"
	"time"
)

// DefaultMaxPending caps the queries a Matcher remembers unless told
// otherwise.
const DefaultMaxPending = 4096

// Pending is a query waiting for its answer.
type Pending struct {
	// Client and Server are the query's source and destination.
	Client, Server netip.AddrPort
	// ID is the query's transaction id.
	ID uint16
	// Time is when the query was first seen.
	Time time.Time
	// Ref is the caller's reference for the query (a packet number).
	Ref uint64
	// Retries counts the same query seen again before the answer.
	Retries int
}

// matchKey identifies a query. Server is the zero AddrPort for a query
// sent to a multicast address (LLMNR, mDNS one-shot queries), whose
// answer comes from whoever responds.
type matchKey struct {
	client, server netip.AddrPort
	id             uint16
}

// Matcher links DNS responses to their queries by transaction id and the
// two endpoints, and measures the time to answer. Its memory is bounded:
// beyond MaxPending queries the oldest are dropped (and counted). It is
// not safe for concurrent use; the engine owns one per capture.
type Matcher struct {
	// MaxPending caps the remembered queries; 0 means DefaultMaxPending.
	MaxPending int

	pending map[matchKey]*Pending
	order   []matchKey // insertion order, for eviction; may hold stale keys
	dropped int
}

// Query records a query sent from client to server.
func (m *Matcher) Query(client, server netip.AddrPort, id uint16, t time.Time, ref uint64) {
	if m.pending == nil {
		m.pending = map[matchKey]*Pending{}
	}
	k := matchKey{client: client, server: server, id: id}
	if server.Addr().IsMulticast() {
		k.server = netip.AddrPort{}
	}
	if p, ok := m.pending[k]; ok {
		p.Retries++
		return
	}
	limit := m.MaxPending
	if limit <= 0 {
		limit = DefaultMaxPending
	}
	for len(m.pending) >= limit && len(m.order) > 0 {
		old := m.order[0]
		m.order = m.order[1:]
		if _, ok := m.pending[old]; ok {
			delete(m.pending, old)
			m.dropped++
		}
	}
	m.pending[k] = &Pending{Client: client, Server: server, ID: id, Time: t, Ref: ref}
	m.order = append(m.order, k)
	if len(m.order) > 2*limit { // compact keys already answered
		live := m.order[:0]
		for _, o := range m.order {
			if _, ok := m.pending[o]; ok {
				live = append(live, o)
			}
		}
		m.order = live
	}
}

// Response looks up the query that a response from server to client with
// id answers, forgets it, and returns it with the time to answer. ok is
// false for a response without a remembered query.
func (m *Matcher) Response(server, client netip.AddrPort, id uint16, t time.Time) (q Pending, rtt time.Duration, ok bool) {
	for _, k := range [...]matchKey{{client, server, id}, {client, netip.AddrPort{}, id}} {
		if p, found := m.pending[k]; found {
			delete(m.pending, k)
			return *p, t.Sub(p.Time), true
		}
	}
	return Pending{}, 0, false
}

// Expire forgets the queries older than before and returns them: the
// queries that were never answered.
func (m *Matcher) Expire(before time.Time) []Pending {
	var out []Pending
	for k, p := range m.pending {
		if p.Time.Before(before) {
			out = append(out, *p)
			delete(m.pending, k)
		}
	}
	return out
}

// Len returns the number of queries waiting.
func (m *Matcher) Len() int { return len(m.pending) }

// Dropped returns how many queries were forgotten to respect MaxPending.
func (m *Matcher) Dropped() int { return m.dropped }
