package device

import (
	"fmt"
	"math"
	"net/netip"
	"slices"
	"strings"
	"time"

	"thingsniff/decode"
)

// Routine is something a device does again and again on a fixed period:
// connecting to one peer, looking up one name, renewing its lease. It is
// found by scoring the times between occurrences and their sizes as RITA
// scores beacons: how symmetric (Bowley skew) and how tight (median
// absolute deviation) the intervals and the sizes are, how many of the
// expected occurrences came, and how much of the capture they cover.
type Routine struct {
	// Key names what repeats: "connection to NAME:PORT", "lookup of NAME",
	// "DHCP Request", "ARP for ADDR".
	Key string `json:"key"`
	// Peer is the peer's name or address and port for connections.
	Peer   string `json:"peer,omitempty"`
	Remote bool   `json:"remote,omitempty"` // the peer is beyond the LAN
	// Every is the median time between occurrences, Jitter the median
	// absolute deviation from it.
	Every  time.Duration `json:"every_ns"`
	Jitter time.Duration `json:"jitter_ns"`
	Count  int           `json:"count"`
	First  time.Time     `json:"first"`
	Last   time.Time     `json:"last"`
	// BytesOut and BytesIn are the median payload each way per occurrence
	// (connections only).
	BytesOut uint64 `json:"bytes_out,omitempty"`
	BytesIn  uint64 `json:"bytes_in,omitempty"`
	// Score is between 0 and 1; routines are those of at least
	// routineScore.
	Score float64 `json:"score"`
	// Summary says it in plain words.
	Summary string `json:"summary"`
	// Packets are those of its first occurrence's first event.
	Packets []uint32 `json:"packets,omitempty"`
	// Cycle is the 1-based index of the first routine of the cycle this
	// one belongs to (its own when it leads or stands alone), and a
	// leader's CycleSummary says the whole cycle ("" when alone).
	Cycle        int    `json:"cycle"`
	CycleSummary string `json:"cycle_summary,omitempty"`
}

// Words say the routine, or the cycle it leads.
func (r *Routine) Words() string {
	if r.CycleSummary != "" {
		return r.CycleSummary
	}
	return r.Summary
}

// What makes a routine.
const (
	routineScore = 0.8 // the least score
	routineCount = 4   // the fewest occurrences
	// routineMerge joins occurrences closer than this into one (a device
	// that opens two connections at once to the same peer).
	routineMerge = 500 * time.Millisecond
)

// occurrence is one time something was done, with its size.
type occurrence struct {
	t    int64
	size float64
	out  uint64
	in   uint64
	ev   int // index in Device.Events of its first event; -1 for none
}

// rkey is what an event repeats, put together without allocating (a
// device may have thousands of events): the kind and one or two of its
// fields. Connections to a named peer are keyed by the name and port.
type rkey struct {
	kind Kind
	a, b string
}

// routineKey returns what e repeats; ok is false for events that make
// no routines.
func routineKey(e *Event) (k rkey, ok bool) {
	switch e.Kind {
	case KindTCP, KindUDP, Kind("icmp"):
		if e.PeerName != "" {
			if i := strings.LastIndexByte(e.Peer, ':'); i >= 0 {
				return rkey{e.Kind, e.PeerName, e.Peer[i:]}, true
			}
		}
		return rkey{e.Kind, "", e.Peer}, true
	case KindDNS:
		return rkey{e.Kind, e.Query, ""}, e.Query != "" && e.Protocol == "dns"
	case KindDHCP:
		return rkey{e.Kind, e.Message, ""}, e.Message == "Request" || e.Message == "Discover" || e.Message == "Inform"
	case KindARP:
		return rkey{e.Kind, e.TargetIP, ""}, e.Op == "request" && e.TargetIP != ""
	case KindSSDP:
		return rkey{e.Kind, e.Method, e.NT}, e.Method != ""
	}
	return rkey{}, false
}

// words names what k repeats: "tcp NAME:PORT", "lookup of NAME", "DHCP
// Request", "ARP for ADDR", "SSDP NOTIFY NT"; and the peer of
// connections.
func (k rkey) words() (key, peer string) {
	switch k.kind {
	case KindTCP, KindUDP, Kind("icmp"):
		peer = k.a + k.b
		return string(k.kind) + " " + peer, peer
	case KindDNS:
		return "lookup of " + k.a, ""
	case KindDHCP:
		return "DHCP " + k.a, ""
	case KindARP:
		return "ARP for " + k.a, ""
	case KindSSDP:
		return "SSDP " + k.a + " " + k.b, ""
	case kindCast:
		return "broadcast to " + k.a, k.a
	}
	return "", ""
}

// remotePeer reports whether a connection's peer lies beyond the LAN.
func remotePeer(e *Event) bool {
	ap, err := netip.ParseAddrPort(e.Peer)
	return err == nil && !isLocal(ap.Addr()) && !ap.Addr().IsMulticast()
}

// kindCast keys the routines of sends to a group address (no event has
// this kind).
const kindCast Kind = "cast"

// peerKey names a connection's peer for routines and first contacts: its
// name (from DNS or SNI) with the port, else its address and port.
func peerKey(e *Event) string {
	if e.PeerName == "" {
		return e.Peer
	}
	if i := strings.LastIndexByte(e.Peer, ':'); i >= 0 {
		return e.PeerName + e.Peer[i:]
	}
	return e.PeerName
}

// findRoutines finds d's routines over a capture from first to last
// (Unix nanoseconds), marks their events (Event.Routine) and returns
// them in the order they began.
func (d *Device) findRoutines(first, last int64) []Routine {
	type group struct {
		occ     []occurrence
		routine int  // 1-based index in the routines found, 0 for none
		remote  bool // a connection's peer beyond the LAN (see remotePeer)
	}
	groups := map[rkey]*group{}
	var order []rkey
	for i, e := range d.Events {
		e.Routine = 0
		k, ok := routineKey(e)
		if !ok {
			continue
		}
		g := groups[k]
		if g == nil {
			if len(groups) >= maxRoutineKeys {
				continue
			}
			g = &group{remote: e.Peer != "" && remotePeer(e)}
			groups[k] = g
			order = append(order, k)
		}
		t := e.Time.UnixNano()
		if n := len(g.occ); n > 0 && t-g.occ[n-1].t < int64(routineMerge) {
			o := &g.occ[n-1]
			o.out, o.in = o.out+e.BytesOut, o.in+e.BytesIn
			o.size = float64(o.out + o.in)
			continue
		}
		if len(g.occ) < maxRoutineTimes {
			g.occ = append(g.occ, occurrence{t: t, out: e.BytesOut, in: e.BytesIn, size: float64(e.BytesOut + e.BytesIn), ev: i})
		}
	}
	for a, c := range d.casts {
		g := &group{}
		for _, t := range c.times {
			if n := len(g.occ); n > 0 && t-g.occ[n-1].t < int64(routineMerge) {
				continue
			}
			g.occ = append(g.occ, occurrence{t: t, ev: -1})
		}
		k := rkey{kind: kindCast, a: a.String()}
		groups[k] = g
		order = append(order, k)
	}
	slices.SortStableFunc(order, func(a, b rkey) int { return compareFirst(groups[a].occ, groups[b].occ) })
	var out []Routine
	for _, k := range order {
		g := groups[k]
		r, ok := scoreRoutine(g.occ, first, last)
		if !ok {
			continue
		}
		r.Key, r.Peer = k.words()
		r.Remote = g.remote
		if ev := g.occ[0].ev; ev >= 0 {
			r.Packets = slices.Clone(d.Events[ev].Packets)
		} else if c := d.casts[castKeyOf(r.Peer)]; c != nil {
			r.Packets = []uint32{c.first}
		}
		out = append(out, r)
		g.routine = len(out)
	}
	if len(out) == 0 {
		return nil
	}
	// Mark the routines' events, and what their connections carried
	// (hellos, HTTP exchanges, MQTT sessions).
	flows := map[uint32]int{}
	for _, e := range d.Events {
		if k, ok := routineKey(e); ok {
			if g := groups[k]; g != nil && g.routine > 0 {
				e.Routine = g.routine
				if e.Flow != 0 {
					flows[e.Flow] = g.routine
				}
			}
		}
	}
	for _, e := range d.Events {
		switch e.Kind {
		case KindTLS, KindHTTP, KindMQTT:
			if e.Flow != 0 {
				e.Routine = flows[e.Flow]
			}
		}
	}
	for i := range out {
		out[i].Summary = routineWords(&out[i])
	}
	cycles(out)
	return out
}

// scoreRoutine scores occurrences over a capture from first to last.
func scoreRoutine(occ []occurrence, first, last int64) (Routine, bool) {
	n := len(occ)
	if n < routineCount {
		return Routine{}, false
	}
	gaps := make([]float64, n-1)
	for i := 1; i < n; i++ {
		gaps[i-1] = float64(occ[i].t - occ[i-1].t)
	}
	sizes := make([]float64, n)
	outs, ins := make([]float64, n), make([]float64, n)
	for i, o := range occ {
		sizes[i], outs[i], ins[i] = o.size, float64(o.out), float64(o.in)
	}
	every := median(gaps)
	if every <= 0 {
		return Routine{}, false
	}
	jitter := mad(gaps)
	active := float64(occ[n-1].t - occ[0].t)
	span := float64(last - first)
	score := periodicity(gaps, sizes, active, span)
	r := Routine{Every: time.Duration(every), Jitter: time.Duration(jitter), Count: n,
		First: stamp(occ[0].t), Last: stamp(occ[n-1].t),
		BytesOut: uint64(median(outs)), BytesIn: uint64(median(ins)), Score: math.Round(score*1000) / 1000}
	return r, score >= routineScore
}

// periodicity is the score of a routine, between 0 and 1: the lower of
// the intervals' score and the sizes' score, so that a regular size
// cannot make up for irregular times nor the other way round. The
// intervals score the symmetry of their spread (1 - |Bowley skew|), its
// tightness (1 - MAD over the median, counted twice: it tells a clock
// from chance best), the share of the occurrences their median period
// would expect over the time they were active that came, and how much of
// the capture's span they cover; the sizes score their symmetry and
// tightness (twice) alike. All sizes alike (or none known) score 1.
func periodicity(gaps, sizes []float64, active, span float64) float64 {
	every := median(gaps)
	expected := active/every + 1
	countScore := math.Min(1, float64(len(gaps)+1)/expected)
	coverage := 1.0
	if span > 0 {
		coverage = math.Min(1, (active+every)/span)
	}
	ts := (1 - math.Abs(bowley(gaps)) + 2*tightness(gaps) + countScore + coverage) / 5
	ds := (1 - math.Abs(bowley(sizes)) + 2*tightness(sizes)) / 3
	return math.Min(ts, ds)
}

// tightness is 1 - MAD/median, between 0 and 1; 1 when all are zero.
func tightness(xs []float64) float64 {
	m := median(xs)
	if m == 0 {
		if mad(xs) == 0 {
			return 1
		}
		return 0
	}
	return math.Max(0, 1-mad(xs)/m)
}

// bowley is the Bowley (quartile) skewness of xs, (Q1 + Q3 - 2 Q2) /
// (Q3 - Q1), between -1 and 1; 0 when the quartiles coincide.
func bowley(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	q1, q2, q3 := quantile(s, 0.25), quantile(s, 0.5), quantile(s, 0.75)
	if q3 == q1 {
		return 0
	}
	return (q1 + q3 - 2*q2) / (q3 - q1)
}

// median is the middle of xs (the mean of the two middle ones for an
// even count).
func median(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	return quantile(s, 0.5)
}

// mad is the median absolute deviation of xs from their median.
func mad(xs []float64) float64 {
	m := median(xs)
	dev := make([]float64, len(xs))
	for i, x := range xs {
		dev[i] = math.Abs(x - m)
	}
	return median(dev)
}

// quantile interpolates the q-quantile of sorted s linearly between
// ranks; 0 for no values.
func quantile(s []float64, q float64) float64 {
	if len(s) == 0 {
		return 0
	}
	pos := q * float64(len(s)-1)
	lo := int(math.Floor(pos))
	hi := min(lo+1, len(s)-1)
	return s[lo] + (s[hi]-s[lo])*(pos-float64(lo))
}

// routineWords says a routine in plain words: "connects to X every
// 2 h 0 min ± 40 s, 84 times, ~600.0 kB up and ~3.1 kB down each time".
func routineWords(r *Routine) string {
	var b strings.Builder
	b.WriteString(stepWords(r))
	b.WriteString(periodWords(r))
	if r.Peer != "" && r.BytesOut+r.BytesIn > 0 {
		fmt.Fprintf(&b, ", ~%s up and ~%s down each time", decode.FormatBytes(r.BytesOut), decode.FormatBytes(r.BytesIn))
	}
	return b.String()
}

// stepWords says what a routine does: "connects to X", "looks up X".
func stepWords(r *Routine) string {
	switch {
	case strings.HasPrefix(r.Key, "broadcast to "):
		return "sends to the group " + r.Peer
	case r.Peer != "" && strings.HasPrefix(r.Key, "udp "):
		return "exchanges datagrams with " + r.Peer
	case r.Peer != "":
		return "connects to " + r.Peer
	case strings.HasPrefix(r.Key, "lookup of "):
		return "looks up " + strings.TrimPrefix(r.Key, "lookup of ")
	case strings.HasPrefix(r.Key, "DHCP "):
		return "sends a " + r.Key
	case strings.HasPrefix(r.Key, "SSDP "):
		return "announces itself by " + r.Key
	case strings.HasPrefix(r.Key, "ARP for "):
		return "asks by ARP for " + strings.TrimPrefix(r.Key, "ARP for ")
	}
	return r.Key
}

// periodWords says how often: " every 2 h 0 min ± 40 s, 84 times".
func periodWords(r *Routine) string {
	s := " every " + decode.FormatDuration(r.Every)
	if r.Jitter > 0 {
		s += " ± " + decode.FormatDuration(r.Jitter)
	}
	return s + fmt.Sprintf(", %d times", r.Count)
}

// cycles joins routines that go together, one after the other on the same
// period as many times (renew the lease, look up the server, connect to
// it), into one cycle: each routine's Cycle is the 1-based index of the
// first routine of its cycle, whose CycleSummary says the whole cycle
// ("every ~2 h 0 min ± 24 s, 84 times: looks up X → connects to X:8883,
// ~600.0 kB up and ~3.2 kB down").
func cycles(rs []Routine) {
	for i := range rs {
		rs[i].Cycle, rs[i].CycleSummary = i+1, ""
		for j := 0; j < i; j++ {
			if rs[j].Cycle == j+1 && together(&rs[j], &rs[i]) {
				rs[i].Cycle = j + 1
				break
			}
		}
	}
	for i := range rs {
		lead := &rs[i]
		if lead.Cycle != i+1 {
			continue
		}
		steps := []string{stepWords(lead)}
		for j := i + 1; j < len(rs); j++ {
			if r := &rs[j]; r.Cycle == i+1 {
				step := stepWords(r)
				if r.Peer != "" && r.BytesOut+r.BytesIn > 0 {
					step += fmt.Sprintf(" (~%s up, ~%s down)", decode.FormatBytes(r.BytesOut), decode.FormatBytes(r.BytesIn))
				}
				steps = append(steps, step)
			}
		}
		if len(steps) > 1 {
			lead.CycleSummary = "every ~" + strings.TrimPrefix(periodWords(lead), " every ") + ": " + strings.Join(steps, " → ")
		}
	}
}

// together reports whether routine b goes with a in one cycle: the same
// period within 5%, as many times within 10% (or one), and b beginning
// within half a period after a.
func together(a, b *Routine) bool {
	near := func(x, y, tol float64) bool { return math.Abs(x-y) <= tol*math.Max(x, y) }
	start := b.First.Sub(a.First)
	return near(float64(a.Every), float64(b.Every), 0.05) &&
		(near(float64(a.Count), float64(b.Count), 0.1) || abs(a.Count-b.Count) <= 1) &&
		start >= 0 && start < a.Every/2
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// routineFindings raises a finding for each routine of connections to a
// peer beyond the LAN (the device phones home on a fixed period), and
// for each first contact with a peer that comes late in the capture
// (after its first hour and first tenth): something new it started.
func (d *Device) routineFindings(sp span) {
	withDate := sp.multiDay()
	for _, r := range d.Routines {
		if r.Peer == "" || !r.Remote {
			continue
		}
		d.findOnce(Finding{Kind: "phones-home", Severity: Info, Time: r.First, Packets: r.Packets,
			Text: fmt.Sprintf("phones home: %s, from %s to %s", r.Summary, FormatTime(r.First, withDate), FormatTime(r.Last, withDate)),
			key:  r.Key})
	}
	late := sp.first + max(int64(time.Hour), (sp.last-sp.first)/10)
	for _, e := range d.Events {
		if !e.FirstContact || e.Time.UnixNano() < late {
			continue
		}
		key := peerKey(e)
		d.findOnce(Finding{Kind: "first-contact", Severity: Info, Time: e.Time, Packets: e.Packets[:min(1, len(e.Packets))], Flow: e.Flow,
			Text: fmt.Sprintf("first talked to %s at %s, %s into the capture: no device had talked to it before",
				peerLabel(e), FormatTime(e.Time, withDate), decode.FormatDuration(e.Time.Sub(stamp(sp.first)))),
			key: key})
	}
}

// findOnce records a finding that a report words again each time it is
// made (a live capture is reported many times): a finding it already has
// takes the new words rather than counting up.
func (d *Device) findOnce(f Finding) {
	if i, ok := d.findingAt[findingKey{f.Kind, f.key}]; ok {
		d.Findings[i].Text = f.Text
		return
	}
	d.find(f)
}

// compareFirst orders groups of occurrences by their first.
func compareFirst(a, b []occurrence) int {
	switch {
	case len(a) == 0 || len(b) == 0:
		return len(b) - len(a)
	case a[0].t < b[0].t:
		return -1
	case a[0].t > b[0].t:
		return 1
	}
	return 0
}

// castTimes are the times a device sent datagrams to one group address
// and port (broadcast or multicast, in protocols with no events of their
// own), for its routines.
type castTimes struct {
	first uint32 // the first packet
	times []int64
}

// Caps on the group sends remembered: groups per device, and times of
// all devices together.
const (
	maxCastKeys  = 16
	maxCastTimes = 1 << 20
)

func castKeyOf(s string) netip.AddrPort {
	ap, _ := netip.ParseAddrPort(s)
	return ap
}

// castTime remembers that d sent to a group address and port at t, for
// its routines, within the caps.
func (b *Builder) castTime(d *Device, to netip.AddrPort, t int64, num uint32) {
	c := d.casts[to]
	if c == nil {
		if len(d.casts) >= maxCastKeys {
			return
		}
		if d.casts == nil {
			d.casts = map[netip.AddrPort]*castTimes{}
		}
		c = &castTimes{first: num}
		d.casts[to] = c
	}
	if b.castTimes >= maxCastTimes || len(c.times) >= maxRoutineTimes {
		return
	}
	if n := len(c.times); n > 0 && t-c.times[n-1] < int64(routineMerge) {
		return // a burst is one sending; only its start is kept
	}
	b.castTimes++
	c.times = append(c.times, t)
}
