package stats

import (
	"cmp"
	"fmt"
	"net"
	"net/netip"
	"slices"
	"strings"
	"time"

	"thingsniff/decode"
	"thingsniff/decode/device"
)

// Caps of the tables made from the device report (see Join).
const (
	maxNamesPerAddr = 8      // names shown beside one address
	maxDNSNames     = 16_384 // names in the DNS table
	maxAnswers      = 16     // distinct answers kept per name
	maxHTTPHosts    = 16_384 // hosts in the HTTP table
	maxHTTPRequests = 10_000 // requests listed
)

// Result is every statistic of one capture.
type Result struct {
	Packets, Bytes uint64
	First, Last    time.Time
	Hierarchy      []*Node
	MACs           []MACEndpoint
	IPs            []IPEndpoint // IPv4 first, then IPv6
	Pairs          []Pair
	Flows          []decode.Flow
	DNS            []DNSName
	HTTPHosts      []HTTPHost
	HTTPRequests   []HTTPRequest
	IO             IOSeries
	// Expert is the expert information: errors, warnings, notes and
	// chats, most serious first.
	Expert []ExpertItem
	// Senders is the I/O series of each MAC that sent, busiest first,
	// each as coarse as it needed to stay within its cap.
	Senders []SenderSeries
	// Notes say in words what a cap left out, and where a count comes
	// from the device timelines, which have caps of their own.
	Notes []string
}

// MACEndpoint is a MAC address's traffic with what the device timelines
// learnt of it.
type MACEndpoint struct {
	MAC    string
	Vendor string
	Names  []string
	IPs    []string
	Endpoint
}

// IPEndpoint is an IP address's traffic, the names it went by (a DHCP
// host name, a name announced, a name that resolved to it) and the MAC of
// the local device that owns it.
type IPEndpoint struct {
	Addr   netip.Addr
	Names  []string
	Device string
	Endpoint
}

// DNSName is one name looked up: how often, of which types, and what
// came back.
type DNSName struct {
	Name     string
	Types    []string
	Protocol string // dns, mdns, llmnr, nbns
	Queries  int
	Answered int
	Rcodes   []string
	Answers  []string
	// MoreAnswers counts distinct answers beyond maxAnswers.
	MoreAnswers int
}

// HTTPHost is one HTTP host and what was asked of it.
type HTTPHost struct {
	Host     string
	Requests int
	Methods  []string
	Statuses []int
}

// HTTPRequest is one HTTP request and its answer's status (0: none seen).
type HTTPRequest struct {
	Time    time.Time
	Device  string
	Method  string
	Host    string
	URI     string
	Status  int
	Packets []uint32
}

// SenderSeries is what one MAC sent over time.
type SenderSeries struct {
	MAC   string
	Names []string
	Sent  Count
	IO    IOSeries
}

// IOSeries is packets and bytes per interval from Start.
type IOSeries struct {
	Start    time.Time
	Interval time.Duration
	Buckets  []Bucket
}

// Result puts the collector's counts together with the flows of the same
// pass (the engine's, in ID order) and the device report of the same
// pass, which names endpoints and lists DNS and HTTP. report may be nil:
// the tables that need it are then empty and a note says why.
func (c *Collector) Result(flows []*decode.Flow, report *device.Report) *Result {
	r := &Result{Packets: c.packets, Bytes: c.bytes, Hierarchy: c.Hierarchy()}
	if c.packets > 0 {
		r.First, r.Last = time.Unix(0, c.first).UTC(), time.Unix(0, c.last).UTC()
	}
	r.Flows = make([]decode.Flow, len(flows))
	for i, f := range flows {
		r.Flows[i] = *f
	}
	r.IO = c.io.IO()
	r.Expert = c.expert.list()
	if c.expert.left > 0 {
		r.note("Only the first %s expert items are listed: %s packets of further ones are not.", decode.Thousands(maxExpertItems), decode.Thousands(int(c.expert.left)))
	}
	if c.io.widened > 0 {
		r.note("The I/O series has %s buckets at most: its interval was widened to %s.", decode.Thousands(c.opts.MaxBuckets), r.IO.Interval)
	}
	if c.io.early > 0 {
		r.note("%s packets came with a time before the first packet's; the I/O series counts them in its first interval.", decode.Thousands(int(c.io.early)))
	}
	names := learn(report)
	r.MACs = c.macEndpoints(names)
	r.Senders = c.senderList(names)
	if c.sendersLeft.Packets > 0 {
		r.note("Only the first %s senders have a line of their own: %s packets of further MACs are in the total only.",
			decode.Thousands(maxSenders), decode.Thousands(int(c.sendersLeft.Packets)))
	}
	r.IPs = c.ipEndpoints(names)
	r.Pairs = c.pairList()
	r.overNote("MAC", &c.macs.capped)
	r.overNote("IPv4", &c.ip4.capped)
	r.overNote("IPv6", &c.ip6.capped)
	if c.pairs.over.Packets > 0 {
		r.note("Only the first %s host pairs are listed: %s packets (%s bytes) of %s more pairs are not.",
			decode.Thousands(c.pairs.max), decode.Thousands(int(c.pairs.over.Packets)), decode.Thousands(int(c.pairs.over.Bytes)), decode.AtLeast(len(c.pairs.left), c.pairs.max))
	}
	if report == nil {
		r.note("No device timelines were built: endpoints carry no names, and DNS and HTTP are not listed.")
		return r
	}
	r.dnsNames(report)
	r.httpTables(report)
	if report.Dropped != nil && report.Dropped.Events > 0 {
		r.note("DNS and HTTP are counted from the device timelines, which left out %s events.", decode.Thousands(report.Dropped.Events))
	}
	return r
}

func (r *Result) note(format string, args ...any) {
	r.Notes = append(r.Notes, fmt.Sprintf(format, args...))
}

func (r *Result) overNote(kind string, c interface{ overCount() (Count, int, int) }) {
	over, left, limit := c.overCount()
	if over.Packets > 0 {
		r.note("Only the first %s %s endpoints are listed: %s packets (%s bytes) to or from %s more addresses are not.",
			decode.Thousands(limit), kind, decode.Thousands(int(over.Packets)), decode.Thousands(int(over.Bytes)), decode.AtLeast(left, limit))
	}
}

func (c *capped[K, V]) overCount() (Count, int, int) { return c.over, len(c.left), c.max }

// learnt is what the device timelines tell of addresses.
type learnt struct {
	byMAC   map[string]*device.Device
	ipNames map[netip.Addr][]string
	ipOwner map[netip.Addr]string
}

func learn(report *device.Report) learnt {
	l := learnt{byMAC: map[string]*device.Device{}, ipNames: map[netip.Addr][]string{}, ipOwner: map[netip.Addr]string{}}
	if report == nil {
		return l
	}
	addName := func(a netip.Addr, n string) {
		if ns := l.ipNames[a]; n != "" && len(ns) < maxNamesPerAddr && !slices.Contains(ns, n) {
			l.ipNames[a] = append(ns, n)
		}
	}
	for _, d := range report.Devices {
		l.byMAC[d.Key] = d
		for _, s := range d.IPs {
			a, err := netip.ParseAddr(s)
			if err != nil {
				continue
			}
			if d.MAC() != nil {
				l.ipOwner[a] = d.Key
			}
			for _, n := range d.Names {
				addName(a, n)
			}
		}
	}
	for _, d := range report.Devices {
		for _, e := range d.Events {
			if e.Kind != device.KindDNS {
				continue
			}
			for _, ans := range e.Answers {
				if a, err := netip.ParseAddr(ans); err == nil {
					addName(a, e.Query)
				}
			}
		}
	}
	return l
}

func (c *Collector) macEndpoints(l learnt) []MACEndpoint {
	out := make([]MACEndpoint, 0, len(c.macs.m))
	for mac, e := range c.macs.m {
		key := net.HardwareAddr(mac[:]).String()
		m := MACEndpoint{MAC: key, Vendor: device.Vendor(mac), Endpoint: *e}
		if d := l.byMAC[key]; d != nil {
			m.Names, m.IPs = d.Names, d.IPs
		}
		out = append(out, m)
	}
	slices.SortFunc(out, func(a, b MACEndpoint) int {
		return byTraffic(a.Endpoint.Total(), b.Endpoint.Total(), a.MAC, b.MAC)
	})
	return out
}

func (c *Collector) senderList(l learnt) []SenderSeries {
	out := make([]SenderSeries, 0, len(c.senders))
	for mac, s := range c.senders {
		key := net.HardwareAddr(mac[:]).String()
		ss := SenderSeries{MAC: key, IO: s.IO()}
		for _, b := range ss.IO.Buckets {
			ss.Sent.Packets += b.All.Packets
			ss.Sent.Bytes += b.All.Bytes
		}
		if d := l.byMAC[key]; d != nil {
			ss.Names = d.Names
		}
		out = append(out, ss)
	}
	slices.SortFunc(out, func(a, b SenderSeries) int { return byTraffic(a.Sent, b.Sent, a.MAC, b.MAC) })
	return out
}

func (c *Collector) ipEndpoints(l learnt) []IPEndpoint {
	var out []IPEndpoint
	for _, t := range []*table[netip.Addr]{&c.ip4, &c.ip6} {
		part := make([]IPEndpoint, 0, len(t.m))
		for a, e := range t.m {
			part = append(part, IPEndpoint{Addr: a, Names: l.ipNames[a], Device: l.ipOwner[a], Endpoint: *e})
		}
		slices.SortFunc(part, func(a, b IPEndpoint) int {
			if c := byTraffic(a.Endpoint.Total(), b.Endpoint.Total(), "", ""); c != 0 {
				return c
			}
			return a.Addr.Compare(b.Addr)
		})
		out = append(out, part...)
	}
	return out
}

func (c *Collector) pairList() []Pair {
	out := make([]Pair, 0, len(c.pairs.m))
	for _, p := range c.pairs.m {
		out = append(out, *p)
	}
	slices.SortFunc(out, func(a, b Pair) int {
		if c := byTraffic(a.Total(), b.Total(), "", ""); c != 0 {
			return c
		}
		if c := a.A.Compare(b.A); c != 0 {
			return c
		}
		return a.B.Compare(b.B)
	})
	return out
}

// byTraffic orders the busiest first: by bytes, then packets, then name.
func byTraffic(a, b Count, an, bn string) int {
	if c := cmp.Compare(b.Bytes, a.Bytes); c != 0 {
		return c
	}
	if c := cmp.Compare(b.Packets, a.Packets); c != 0 {
		return c
	}
	return cmp.Compare(an, bn)
}

// mostFirst orders by a count, the largest first, then by name.
func mostFirst(a, b int, an, bn string) int {
	if c := cmp.Compare(b, a); c != 0 {
		return c
	}
	return strings.Compare(an, bn)
}

func (r *Result) dnsNames(report *device.Report) {
	at := map[string]int{}
	left := 0
	for _, d := range report.Devices {
		for _, e := range d.Events {
			if e.Kind != device.KindDNS || e.Query == "" {
				continue
			}
			i, ok := at[e.Query]
			if !ok {
				if len(r.DNS) >= maxDNSNames {
					left++
					continue
				}
				i = len(r.DNS)
				at[e.Query] = i
				r.DNS = append(r.DNS, DNSName{Name: e.Query, Protocol: e.Protocol})
			}
			n := &r.DNS[i]
			n.Queries++
			n.Types = addUnique(n.Types, e.Type)
			if e.Rcode != "" {
				n.Answered++
				n.Rcodes = addUnique(n.Rcodes, e.Rcode)
			}
			for _, a := range e.Answers {
				switch {
				case slices.Contains(n.Answers, a):
				case len(n.Answers) < maxAnswers:
					n.Answers = append(n.Answers, a)
				default:
					n.MoreAnswers++
				}
			}
		}
	}
	slices.SortStableFunc(r.DNS, func(a, b DNSName) int { return mostFirst(a.Queries, b.Queries, a.Name, b.Name) })
	if left > 0 {
		r.note("Only the first %s names looked up are listed: %s lookups of further names are not.", decode.Thousands(maxDNSNames), decode.Thousands(left))
	}
}

func (r *Result) httpTables(report *device.Report) {
	at := map[string]int{}
	leftHosts, leftReqs := 0, 0
	for _, d := range report.Devices {
		for _, e := range d.Events {
			if e.Kind != device.KindHTTP || e.Method == "" {
				continue
			}
			host := e.Host
			if host == "" {
				host = e.Peer
			}
			if len(r.HTTPRequests) < maxHTTPRequests {
				r.HTTPRequests = append(r.HTTPRequests, HTTPRequest{Time: e.Time, Device: d.Key, Method: e.Method,
					Host: host, URI: e.URI, Status: e.Status, Packets: e.Packets})
			} else {
				leftReqs++
			}
			i, ok := at[host]
			if !ok {
				if len(r.HTTPHosts) >= maxHTTPHosts {
					leftHosts++
					continue
				}
				i = len(r.HTTPHosts)
				at[host] = i
				r.HTTPHosts = append(r.HTTPHosts, HTTPHost{Host: host})
			}
			h := &r.HTTPHosts[i]
			h.Requests++
			h.Methods = addUnique(h.Methods, e.Method)
			if e.Status != 0 && !slices.Contains(h.Statuses, e.Status) {
				h.Statuses = append(h.Statuses, e.Status)
			}
		}
	}
	slices.SortStableFunc(r.HTTPRequests, func(a, b HTTPRequest) int { return a.Time.Compare(b.Time) })
	slices.SortStableFunc(r.HTTPHosts, func(a, b HTTPHost) int { return mostFirst(a.Requests, b.Requests, a.Host, b.Host) })
	if leftReqs > 0 {
		r.note("Only the first %s HTTP requests are listed: %s more are counted by host only.", decode.Thousands(maxHTTPRequests), decode.Thousands(leftReqs))
	}
	if leftHosts > 0 {
		r.note("Only the first %s HTTP hosts are listed: %s requests to further hosts are not.", decode.Thousands(maxHTTPHosts), decode.Thousands(leftHosts))
	}
}

func addUnique(s []string, v string) []string {
	if v == "" || slices.Contains(s, v) {
		return s
	}
	return append(s, v)
}

// Rebin counts the series again in buckets of interval from origin, each
// of its buckets whole in the new one where it starts: exact when
// interval is a multiple of the series' own, close otherwise. An I/O
// graph draws every line at one interval this way, so that no line of a
// part rises above the line of the whole for being averaged over less
// time.
func (s IOSeries) Rebin(origin time.Time, interval time.Duration) IOSeries {
	out := IOSeries{Start: origin, Interval: interval}
	if interval <= 0 {
		return out
	}
	for i, b := range s.Buckets {
		if b.All.Packets == 0 {
			continue
		}
		at := s.Start.Add(time.Duration(i) * s.Interval).Sub(origin)
		j := max(int(at/interval), 0)
		for len(out.Buckets) <= j {
			out.Buckets = append(out.Buckets, Bucket{})
		}
		out.Buckets[j].merge(b)
	}
	return out
}
