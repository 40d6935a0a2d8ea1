package dhcp

import (
	"net/netip"
	"time"
)

// Lease is what one DHCP exchange (Discover, Offer, Request, ACK, linked
// by transaction id and client MAC) established or tried to.
type Lease struct {
	// ClientMAC is the client's hardware address as text.
	ClientMAC string
	// XID is the transaction id.
	XID uint32
	// Start and End are the times of the first and last message.
	Start, End time.Time
	// Refs are the caller's references (packet numbers) of the messages.
	Refs []uint64
	// Types are the message types in order.
	Types []MessageType
	// Addr is the address assigned by the ACK (or offered, or requested,
	// in that order of preference).
	Addr netip.Addr
	// Server is the server identifier.
	Server netip.Addr
	// Routers, DNSServers, SubnetMask and LeaseTime are from the ACK (or
	// the offer when there was no ACK).
	Routers, DNSServers []netip.Addr
	SubnetMask          netip.Addr
	LeaseTime           time.Duration
	// Hostname, VendorClass, Fingerprint (option 55) and ClientID are
	// what the client sent.
	Hostname, VendorClass, Fingerprint string
	ClientID                           []byte
	// Acked and Naked tell how the exchange ended.
	Acked, Naked bool
}

// DefaultMaxOpen caps the exchanges a Tracker keeps open.
const DefaultMaxOpen = 1024

// Tracker links the messages of DHCP exchanges into leases. Memory is
// bounded by MaxOpen open exchanges; the oldest is dropped beyond it.
// Not safe for concurrent use.
type Tracker struct {
	// MaxOpen caps the open exchanges; 0 means DefaultMaxOpen.
	MaxOpen int

	open  map[leaseKey]*Lease
	order []leaseKey
}

type leaseKey struct {
	mac string
	xid uint32
}

// Add takes the next DHCP message (in capture order) with its time and a
// reference, and returns the lease it belongs to. done is true when the
// message ended the exchange (ACK or NAK); the lease is then forgotten
// and belongs to the caller. An open lease is shared with later calls
// until then.
func (tr *Tracker) Add(m *Message, t time.Time, ref uint64) (l *Lease, done bool) {
	if tr.open == nil {
		tr.open = map[leaseKey]*Lease{}
	}
	mac := m.ClientMAC.String()
	k := leaseKey{mac, m.XID}
	l = tr.open[k]
	if l == nil {
		l = &Lease{ClientMAC: mac, XID: m.XID, Start: t}
		limit := tr.MaxOpen
		if limit <= 0 {
			limit = DefaultMaxOpen
		}
		for len(tr.open) >= limit && len(tr.order) > 0 {
			delete(tr.open, tr.order[0])
			tr.order = tr.order[1:]
		}
		tr.open[k] = l
		tr.order = append(tr.order, k)
		if len(tr.order) > 2*limit {
			live := tr.order[:0]
			for _, o := range tr.order {
				if tr.open[o] != nil {
					live = append(live, o)
				}
			}
			tr.order = live
		}
	}
	l.End = t
	l.Refs = append(l.Refs, ref)
	l.Types = append(l.Types, m.Type)
	if m.ServerID.IsValid() {
		l.Server = m.ServerID
	}
	if m.Op == BootRequest {
		if m.Hostname != "" {
			l.Hostname = m.Hostname
		}
		if m.VendorClass != "" {
			l.VendorClass = m.VendorClass
		}
		if f := m.Fingerprint(); f != "" {
			l.Fingerprint = f
		}
		if m.ClientID != nil {
			l.ClientID = append([]byte(nil), m.ClientID...)
		}
		if !l.Addr.IsValid() && m.RequestedIP.IsValid() {
			l.Addr = m.RequestedIP
		}
	}
	if m.Op == BootReply && (m.Type == Offer || m.Type == ACK) {
		if m.YourIP.IsValid() && !m.YourIP.IsUnspecified() {
			l.Addr = m.YourIP
		} else if m.Type == ACK && m.ClientIP.IsValid() && !m.ClientIP.IsUnspecified() {
			l.Addr = m.ClientIP // ACK to an Inform
		}
		l.Routers = append([]netip.Addr(nil), m.Routers...)
		l.DNSServers = append([]netip.Addr(nil), m.DNSServers...)
		l.SubnetMask, l.LeaseTime = m.SubnetMask, m.LeaseTime
	}
	switch m.Type {
	case ACK:
		l.Acked = true
	case NAK:
		l.Naked = true
	default:
		return l, false
	}
	delete(tr.open, k)
	return l, true
}

// Open returns the exchanges not yet ended, in no particular order.
func (tr *Tracker) Open() []*Lease {
	out := make([]*Lease, 0, len(tr.open))
	for _, l := range tr.open {
		out = append(out, l)
	}
	return out
}
