package arp

import (
	"net"
	"net/netip"
	"time"
)

// DefaultMaxAddrs caps the addresses a Watch remembers.
const DefaultMaxAddrs = 65536

// Conflict is one IPv4 address claimed by two hardware addresses.
type Conflict struct {
	// IP is the contested address.
	IP netip.Addr
	// Previous is the MAC that held it, since PreviousSeen; Claimant the
	// one claiming it now.
	Previous, Claimant string
	PreviousSeen       time.Time
	// Time is when the claim was seen.
	Time time.Time
}

type claim struct {
	mac  string
	seen time.Time
}

// Watch remembers which MAC last claimed each IPv4 address (as an ARP
// sender) and reports a conflict when another MAC claims it within
// Window. Memory is bounded by MaxAddrs; when full, new addresses are not
// tracked. Not safe for concurrent use.
type Watch struct {
	// Window is how recent a claim must be for a new one to conflict;
	// 0 means any time.
	Window time.Duration
	// MaxAddrs caps the remembered addresses; 0 means DefaultMaxAddrs.
	MaxAddrs int

	claims map[netip.Addr]claim
}

// Observe records that mac claimed ip at t and returns the conflict this
// makes, if any. Probes (sender 0.0.0.0) claim nothing; callers pass the
// sender of other ARP packets.
func (w *Watch) Observe(mac net.HardwareAddr, ip netip.Addr, t time.Time) (Conflict, bool) {
	if !ip.IsValid() || ip.IsUnspecified() || len(mac) == 0 {
		return Conflict{}, false
	}
	if w.claims == nil {
		w.claims = map[netip.Addr]claim{}
	}
	s := mac.String()
	old, ok := w.claims[ip]
	if !ok {
		limit := w.MaxAddrs
		if limit <= 0 {
			limit = DefaultMaxAddrs
		}
		if len(w.claims) < limit {
			w.claims[ip] = claim{s, t}
		}
		return Conflict{}, false
	}
	w.claims[ip] = claim{s, t}
	if old.mac == s || w.Window > 0 && t.Sub(old.seen) > w.Window {
		return Conflict{}, false
	}
	return Conflict{IP: ip, Previous: old.mac, Claimant: s, PreviousSeen: old.seen, Time: t}, true
}
