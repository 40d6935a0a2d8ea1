package dns

import (
	"net/netip"
	"testing"
	"time"
)

func TestMatcher(t *testing.T) {
	var m Matcher
	t0 := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	cli := netip.MustParseAddrPort("192.168.137.23:40000")
	srv := netip.MustParseAddrPort("192.168.137.1:53")
	other := netip.MustParseAddrPort("192.168.137.9:53")

	m.Query(cli, srv, 7, t0, 1)
	m.Query(cli, srv, 7, t0.Add(time.Second), 2) // retransmission
	m.Query(cli, srv, 8, t0, 3)
	if _, _, ok := m.Response(other, cli, 7, t0); ok {
		t.Errorf("answer from another server matched")
	}
	q, rtt, ok := m.Response(srv, cli, 7, t0.Add(1500*time.Millisecond))
	if !ok || q.Ref != 1 || q.Retries != 1 || rtt != 1500*time.Millisecond {
		t.Fatalf("got %+v %v %v", q, rtt, ok)
	}
	if _, _, ok := m.Response(srv, cli, 7, t0); ok {
		t.Errorf("second answer matched a forgotten query")
	}
	// LLMNR: query to the multicast group, answer from the responder.
	m.Query(cli, netip.MustParseAddrPort("224.0.0.252:5355"), 9, t0, 4)
	if q, _, ok := m.Response(netip.MustParseAddrPort("192.168.137.5:5355"), cli, 9, t0); !ok || q.Ref != 4 {
		t.Errorf("multicast query not matched: %+v %v", q, ok)
	}
	if exp := m.Expire(t0.Add(time.Minute)); len(exp) != 1 || exp[0].Ref != 3 || m.Len() != 0 {
		t.Errorf("expired %+v, %d left", exp, m.Len())
	}
}

func TestMatcherBounded(t *testing.T) {
	m := Matcher{MaxPending: 10}
	cli := netip.MustParseAddrPort("10.0.0.2:1000")
	srv := netip.MustParseAddrPort("10.0.0.1:53")
	t0 := time.Unix(0, 0)
	for i := range 1000 {
		m.Query(cli, srv, uint16(i), t0, uint64(i))
		if i%3 == 0 {
			m.Response(srv, cli, uint16(i), t0)
		}
	}
	if m.Len() > 10 || m.Dropped() == 0 || len(m.order) > 20 {
		t.Errorf("len %d dropped %d order %d", m.Len(), m.Dropped(), len(m.order))
	}
	// The newest queries survive.
	if _, _, ok := m.Response(srv, cli, 998, t0); !ok {
		t.Errorf("newest query dropped")
	}
}
