package device

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"thingsniff/decode"
)

// Report is every device of a capture with its story.
type Report struct {
	Devices []*Device `json:"devices"`
	// First and Last are the capture's earliest and latest packet times;
	// MultiDay is set when they fall on different days (UTC), and then
	// every time in the stories carries its date.
	First    time.Time `json:"first"`
	Last     time.Time `json:"last"`
	MultiDay bool      `json:"multi_day,omitempty"`
	// Dropped counts what the caps on memory left out, all devices
	// together; nil when nothing was. Notes say it in words.
	Dropped *Dropped `json:"dropped,omitempty"`
	Notes   []string `json:"notes,omitempty"`
}

// Finish closes what is still open (HTTP streams, connection numbers,
// quiet devices) once the capture has been read. flow looks up the final
// copy of a flow by ID (the engine's). Call it once, then Report.
func (b *Builder) Finish(flow func(id uint32) *decode.Flow) {
	for _, fs := range b.flows {
		if fs != nil && fs.http != nil {
			b.closeHTTP(fs.http)
		}
	}
	b.finishFlows(flow)
	b.finishJoins()
	b.quietDevices()
}

// Report returns the devices in order of first appearance, each with its
// events in time order and a summary in plain words. Devices that only
// ever received, and remote hosts seen through a router, are left out.
func (b *Builder) Report() Report {
	var r Report
	for _, e := range b.floods {
		e.Summary = burstSummary(e)
	}
	for _, d := range b.order {
		if d.Packets == 0 && len(d.Events) == 0 {
			continue // only ever addressed, never heard from or about
		}
		r.Devices = append(r.Devices, d)
	}
	r.First, r.Last, r.MultiDay = stamp(b.first), stamp(b.latest), !SameDay(b.first, b.latest)
	sumUpAll(r.Devices, span{b.first, b.latest})
	sameSoftware(r.Devices)
	r.Dropped, r.Notes = b.droppedTotals(r.Devices)
	return r
}

// droppedTotals adds up what the caps left out, and says it.
func (b *Builder) droppedTotals(devs []*Device) (*Dropped, []string) {
	t := b.dropped
	for _, d := range devs {
		t.Names += d.dropped.Names
		t.IPs += d.dropped.IPs
		t.Findings += d.dropped.Findings
	}
	if !t.any() {
		return nil, nil
	}
	var notes []string
	if t.Devices > 0 {
		notes = append(notes, fmt.Sprintf("Only the first %s devices are followed: %s more were seen and not told.",
			decode.Thousands(b.opts.MaxDevices), decode.AtLeast(t.Devices, maxUnseen)))
	}
	if t.Events > 0 {
		notes = append(notes, fmt.Sprintf("%s events were left out of the timelines (at most %s in all, %s per device).",
			decode.Thousands(t.Events), decode.Thousands(b.opts.MaxEvents), decode.Thousands(b.opts.MaxDeviceEvents)))
	}
	if t.Names+t.IPs+t.Findings > 0 {
		notes = append(notes, fmt.Sprintf("Devices with more than %d names, %d addresses or %d findings show the first ones (%s left out).",
			maxNames, maxIPs, maxFindings, droppedWords(Dropped{Names: t.Names, IPs: t.IPs, Findings: t.Findings})))
	}
	return &t, notes
}

// droppedWords lists the counts of x that are not zero; names and
// addresses are counted up to maxSeen.
func droppedWords(x Dropped) string {
	var parts []string
	add := func(n int, one, many string) {
		switch {
		case n == 1:
			parts = append(parts, "1 "+one)
		case n > 1:
			parts = append(parts, decode.Thousands(n)+" "+many)
		}
	}
	add(x.Events, "event", "events")
	add(x.Names, "name", "names")
	add(x.IPs, "address", "addresses")
	add(x.Findings, "finding", "findings")
	return strings.Join(parts, ", ")
}

// sumUpAll sums up devices on two goroutines, half of their events each:
// a device's story is its own, and when a load ends, which is when a
// report is mostly asked for, the second core has nothing else to do.
func sumUpAll(devs []*Device, sp span) {
	total := 0
	for _, d := range devs {
		total += len(d.Events)
	}
	k, half := 0, 0
	for k < len(devs) && half < total/2 {
		half += len(devs[k].Events)
		k++
	}
	var wg sync.WaitGroup
	wg.Go(func() {
		for _, d := range devs[k:] {
			d.sumUp(sp)
		}
	})
	for _, d := range devs[:k] {
		d.sumUp(sp)
	}
	wg.Wait()
}

// span is a capture's earliest and latest packet times (Unix ns).
type span struct{ first, last int64 }

// multiDay reports whether the span crosses midnight (UTC).
func (sp span) multiDay() bool { return !SameDay(sp.first, sp.last) }

// sumUp puts the device's events and findings in time order, finds its
// routines, and words its profile and summary.
func (d *Device) sumUp(sp span) {
	// Most events and findings come in time order already.
	if !slices.IsSortedFunc(d.Events, byEventTime) {
		slices.SortStableFunc(d.Events, byEventTime)
	}
	d.Routines = d.findRoutines(sp.first, sp.last)
	d.routineFindings(sp)
	if !slices.IsSortedFunc(d.Findings, byFindingTime) {
		slices.SortStableFunc(d.Findings, byFindingTime)
		d.indexFindings() // a live capture goes on finding after a snapshot
	}
	d.First = stamp(d.firstT)
	if d.Packets > 0 {
		d.Last = stamp(d.lastT)
	}
	d.Profile.ClearBytes, d.Profile.EncryptedBytes, d.Profile.OtherBytes = d.clearBytes, d.tlsBytes, d.otherBytes
	d.Profile.UncapturedBytes = d.uncapturedBytes
	d.Profile.LookedUp = d.lookedUp()
	d.Profile.Peers = d.peers()
	d.Profile.JA4 = d.ja4s()
	d.Summary = d.summarize(sp.multiDay())
	d.Dropped = nil
	if d.dropped.any() {
		x := d.dropped
		d.Dropped = &x
		d.Summary = append(d.Summary, "Its story is cut short to bound memory: "+droppedWords(x)+" left out.")
	}
	if d.Names == nil {
		d.Names = []string{}
	}
	if d.IPs == nil {
		d.IPs = []string{}
	}
	if d.Findings == nil {
		d.Findings = []Finding{}
	}
	if d.Events == nil {
		d.Events = []*Event{}
	}
}

func byEventTime(a, b *Event) int { return a.Time.Compare(b.Time) }

func byFindingTime(a, b Finding) int { return a.Time.Compare(b.Time) }

// Snapshot returns the report so far as a copy that the builder's later
// packets do not touch, so that another goroutine may read it while the
// capture goes on (live timelines). Call it on the builder's goroutine.
func (b *Builder) Snapshot() Report {
	r := b.Report()
	out := Report{Devices: make([]*Device, len(r.Devices)), Dropped: r.Dropped, Notes: r.Notes, First: r.First, Last: r.Last, MultiDay: r.MultiDay}
	for i, d := range r.Devices {
		c := *d
		c.names, c.clearApps, c.ips, c.findingAt, c.overNames, c.overIPs, c.byPort, c.casts = nil, nil, nil, nil, nil, nil, nil, nil
		c.Names, c.IPs, c.Summary = slices.Clone(d.Names), slices.Clone(d.IPs), slices.Clone(d.Summary)
		c.Routines = slices.Clone(d.Routines)
		c.Profile.DNSServers, c.Profile.Models = slices.Clone(d.Profile.DNSServers), slices.Clone(d.Profile.Models)
		c.Profile.LookedUp, c.Profile.Peers = slices.Clone(d.Profile.LookedUp), slices.Clone(d.Profile.Peers)
		c.Profile.JA4 = slices.Clone(d.Profile.JA4)
		c.Findings = make([]Finding, len(d.Findings))
		for j, f := range d.Findings {
			f.Packets = slices.Clone(f.Packets)
			c.Findings[j] = f
		}
		c.Events = make([]*Event, len(d.Events))
		for j, e := range d.Events {
			ec := *e
			ec.Packets, ec.Topics = slices.Clone(e.Packets), slices.Clone(e.Topics)
			if ec.Summary == "" && (ec.Kind == KindTCP || ec.Kind == KindUDP) {
				// An open connection is summed up when it closes.
				ec.Summary = verb(&ec) + " " + peerLabel(&ec) + ", still open"
			}
			if e.Encrypted != nil {
				enc := *e.Encrypted
				ec.Encrypted = &enc
			}
			c.Events[j] = &ec
		}
		out.Devices[i] = &c
	}
	return out
}

// Device returns the device with the given key (MAC or IP), or nil.
func (r Report) Device(key string) *Device {
	for _, d := range r.Devices {
		if strings.EqualFold(d.Key, key) {
			return d
		}
	}
	return nil
}

func (d *Device) lookedUp() []string {
	var out []string
	seen := map[string]bool{}
	for _, e := range d.Events {
		if e.Kind == KindDNS && e.Query != "" && !seen[e.Query] && e.Rcode != "" {
			seen[e.Query] = true
			out = append(out, e.Query)
		}
	}
	return out
}

func (d *Device) peers() []string {
	var out []string
	// Keyed by both parts, so that a label is put together once a peer.
	type peer struct{ addr, name string }
	seen := map[peer]bool{}
	for _, e := range d.Events {
		if e.Kind != KindTCP && e.Kind != KindUDP {
			continue
		}
		if k := (peer{e.Peer, e.PeerName}); !seen[k] {
			seen[k] = true
			out = append(out, peerLabel(e))
		}
	}
	return out
}

// joinedVia says how the device joined the network, from its first WPA
// key handshake, or nothing when the capture holds none.
func (d *Device) joinedVia() string {
	for _, e := range d.Events {
		if e.Kind != KindJoin {
			continue
		}
		if e.Joined {
			return "It joined the network by a WPA key handshake with access point " + e.AccessPoint + "."
		}
		return "Its WPA key handshake with access point " + e.AccessPoint + " did not complete."
	}
	return ""
}

// summarize writes the device's story in a few plain sentences.
func (d *Device) summarize(multiDay bool) []string {
	var s []string
	who := d.Key
	if d.Vendor != "" {
		who = fmt.Sprintf("%s (%s)", d.Key, d.Vendor)
	}
	if len(d.Names) > 0 {
		who = fmt.Sprintf("%s, called %s", who, strings.Join(d.Names, ", "))
	}
	last := d.Last.Format(layoutTime)
	if multiDay || !SameDay(d.First.UnixNano(), d.Last.UnixNano()) {
		last = d.Last.Format(layoutDateTime)
	}
	line := fmt.Sprintf("%s was seen from %s to %s (%s) and sent %s packets", who,
		d.First.Format(layoutDateTime), last, decode.FormatDuration(d.Last.Sub(d.First)), decode.Thousands(int(d.Packets)))
	if d.BytesOut+d.BytesIn > 0 {
		line += fmt.Sprintf(": %s out and %s in by the IP headers", decode.FormatBytes(d.BytesOut), decode.FormatBytes(d.BytesIn))
	}
	s = append(s, line+".")
	if j := d.joinedVia(); j != "" {
		s = append(s, j)
	}
	if d.Profile.Lease != "" {
		s = append(s, "It took the address "+d.Profile.Lease+" by DHCP.")
	} else if len(d.IPs) > 0 {
		s = append(s, "It used the address "+strings.Join(d.IPs, ", ")+".")
	}
	if len(d.Profile.LookedUp) > 0 {
		s = append(s, "It looked up "+listCap(d.Profile.LookedUp, 8)+".")
	}
	if len(d.Profile.Peers) > 0 {
		s = append(s, "It talked to "+listCap(d.Profile.Peers, 8)+".")
	}
	total := d.clearBytes + d.tlsBytes + d.otherBytes + d.uncapturedBytes
	if total > 0 {
		var apps []string
		for a := range d.clearApps {
			apps = append(apps, a)
		}
		sort.Strings(apps)
		line := fmt.Sprintf("%s of its payload went in clear text", decode.FormatBytes(d.clearBytes))
		if len(apps) > 0 {
			line += " (" + strings.Join(apps, ", ") + ")"
		}
		line += fmt.Sprintf(", %s encrypted (TLS)", decode.FormatBytes(d.tlsBytes))
		if d.otherBytes > 0 {
			line += fmt.Sprintf(", %s unknown (protocols thingsniff does not read)", decode.FormatBytes(d.otherBytes))
		}
		if d.uncapturedBytes > 0 {
			line += fmt.Sprintf(", %s unknown (headers only: payload not captured%s)", decode.FormatBytes(d.uncapturedBytes), byPortWords(d.byPort))
		}
		s = append(s, line+".")
	}
	told := 0
	for i, r := range d.Routines {
		if r.Cycle != i+1 {
			continue // told with its cycle
		}
		if told == 4 {
			s = append(s, "It has more routines.")
			break
		}
		told++
		if r.CycleSummary != "" {
			s = append(s, "Routine: "+r.CycleSummary+".")
		} else {
			s = append(s, "Routine: it "+r.Summary+".")
		}
	}
	if n := len(d.Findings); n > 0 {
		s = append(s, fmt.Sprintf("%d finding(s): %s", n, d.Findings[0].Text+morePlural(n-1)))
	}
	return s
}

// byPortWords says what the ports of uncaptured payload suggest: "; by
// their ports 19.8 MB MQTT over TLS, 2.0 kB DNS".
func byPortWords(m map[string]uint64) string {
	if len(m) == 0 {
		return ""
	}
	names := make([]string, 0, len(m))
	for n := range m {
		names = append(names, n)
	}
	sort.Slice(names, func(i, j int) bool {
		return m[names[i]] > m[names[j]] || m[names[i]] == m[names[j]] && names[i] < names[j]
	})
	parts := make([]string, len(names))
	for i, n := range names {
		parts[i] = decode.FormatBytes(m[n]) + " " + n
	}
	return "; by their ports " + listCap(parts, 4)
}

func morePlural(n int) string {
	if n <= 0 {
		return "."
	}
	return fmt.Sprintf("; and %d more.", n)
}

func listCap(items []string, n int) string {
	if len(items) <= n {
		return strings.Join(items, ", ")
	}
	return strings.Join(items[:n], ", ") + fmt.Sprintf(" and %d more", len(items)-n)
}

// Markdown writes the report for people: per device its summary,
// findings and timeline. Text from the capture is escaped, so that the
// report prints safely on a terminal (see decode.Printable).
func (r Report) Markdown() string {
	var b strings.Builder
	b.WriteString("# thingsniff device report\n\n")
	for _, n := range r.Notes {
		b.WriteString("> " + n + "\n")
	}
	if len(r.Notes) > 0 {
		b.WriteString("\n")
	}
	for _, d := range r.Devices {
		title := d.Key
		if len(d.Names) > 0 {
			title = decode.Printable(d.Names[0]) + " — " + d.Key
		}
		fmt.Fprintf(&b, "## %s\n\n", title)
		if d.Vendor != "" {
			fmt.Fprintf(&b, "Vendor: %s  \n", d.Vendor)
		}
		if len(d.IPs) > 0 {
			fmt.Fprintf(&b, "Addresses: %s  \n", strings.Join(d.IPs, ", "))
		}
		if d.Profile.DHCPFingerprint != "" {
			fmt.Fprintf(&b, "DHCP fingerprint: %s", mdEscape(d.Profile.DHCPFingerprint))
			if d.Profile.VendorClass != "" {
				fmt.Fprintf(&b, ", vendor class %q", d.Profile.VendorClass)
			}
			b.WriteString("  \n")
		}
		b.WriteString("\n")
		for _, l := range d.Summary {
			b.WriteString(decode.Printable(l) + "\n")
		}
		if len(d.Findings) > 0 {
			b.WriteString("\n### Findings\n\n")
			for _, f := range d.Findings {
				times := ""
				if f.Count > 1 {
					times = fmt.Sprintf(" (%d times)", f.Count)
				}
				packets := ""
				if len(f.Packets) > 0 {
					packets = " (packets " + packetList(f.Packets) + ")"
				}
				fmt.Fprintf(&b, "- **%s** %s — %s%s%s\n", f.Severity, FormatTime(f.Time, r.MultiDay), mdEscape(f.Text), times, packets)
			}
		}
		if len(d.Routines) > 0 {
			b.WriteString("\n### Routines\n\n")
			for _, rt := range d.Routines {
				fmt.Fprintf(&b, "- %s (score %.2f), from %s to %s\n", mdEscape(rt.Summary), rt.Score, FormatTime(rt.First, r.MultiDay), FormatTime(rt.Last, r.MultiDay))
			}
		}
		if len(d.Events) > 0 {
			b.WriteString("\n### Timeline\n")
			r.markdownTimeline(&b, d)
		}
		b.WriteString("\n")
	}
	return b.String()
}

// markdownTimeline writes d's events as tables, one a day when the
// capture crosses midnight. A routine's occurrences are folded into one
// row at its first (the routine says how often and how many).
func (r Report) markdownTimeline(b *strings.Builder, d *Device) {
	day := ""
	shown := map[int]bool{}
	row := func(e *Event, kind, what string) {
		if today := FormatDay(e.Time); day == "" || r.MultiDay && today != day {
			if r.MultiDay {
				fmt.Fprintf(b, "\n#### %s\n", today)
			}
			day = today
			b.WriteString("\n| time | kind | what | packets |\n|---|---|---|---|\n")
		}
		fmt.Fprintf(b, "| %s | %s | %s | %s |\n", FormatTime(e.Time, false), kind, what, packetList(e.Packets))
	}
	for _, e := range d.Events {
		if e.Routine > 0 && e.Routine <= len(d.Routines) {
			lead := d.Routines[e.Routine-1].Cycle
			if lead < 1 || lead > len(d.Routines) {
				lead = e.Routine
			}
			if !shown[lead] {
				shown[lead] = true
				rt := d.Routines[lead-1]
				row(e, "routine", fmt.Sprintf("%s, until %s (%d rows folded)", mdEscape(rt.Words()),
					FormatTime(rt.Last, r.MultiDay), countCycleEvents(d, lead)))
			}
			continue
		}
		row(e, string(e.Kind), mdEscape(e.Summary))
	}
}

// countCycleEvents counts the events of the routines of d's cycle led
// by routine n.
func countCycleEvents(d *Device, n int) int {
	c := 0
	for _, e := range d.Events {
		if e.Routine > 0 && e.Routine <= len(d.Routines) && d.Routines[e.Routine-1].Cycle == n {
			c++
		}
	}
	return c
}

// mdEscaper keeps text from being read as Markdown table or emphasis.
var mdEscaper = strings.NewReplacer("|", `\|`, "\n", " ", "*", `\*`, "_", `\_`, "<", "&lt;")

// mdEscape makes text from a capture safe as Markdown table text and on a
// terminal.
func mdEscape(s string) string { return mdEscaper.Replace(decode.Printable(s)) }

func packetList(p []uint32) string {
	var parts []string
	for i, n := range p {
		if i == 8 {
			parts = append(parts, "…")
			break
		}
		parts = append(parts, fmt.Sprint(n))
	}
	return strings.Join(parts, ", ")
}
