package device

import (
	"net/netip"
	"time"

	"thingsniff/decode"
	"thingsniff/decode/stream"
	"thingsniff/decode/tls"
)

// Options tune a Builder. Zero values get the defaults.
type Options struct {
	// FloodRate is the broadcast-plus-multicast packets per second from one
	// sender above which a burst is reported (default 200).
	FloodRate int
	// ClockSkew is how far an HTTP Date a device sends may be from the
	// capture clock before it is a finding (default 5 minutes).
	ClockSkew time.Duration
	// MaxHTTPFlows caps the flows reassembled for HTTP at once (default 4096).
	MaxHTTPFlows int
	// MaxDevices caps the devices followed (default 10,000); the packets
	// of further MACs are counted, not told (see Report.Dropped).
	MaxDevices int
	// MaxEvents caps the events of all devices together (default
	// 250,000), and MaxDeviceEvents those of one device (default 20,000):
	// a story keeps its beginning, and counts what it left out.
	MaxEvents, MaxDeviceEvents int
}

// Caps that Options do not set: each bounds a list of one device, and
// what goes beyond it is counted (see Device.Dropped).
const (
	maxNames    = 64   // names a device is shown by
	maxIPs      = 64   // addresses it is shown with
	maxFindings = 1000 // distinct findings
	maxResolved = 4096 // addresses its lookups named, for naming its peers
	maxSeen     = 4096 // names or addresses beyond a cap told apart, to count them
	// maxUnseen is how many devices beyond MaxDevices are told apart, to
	// count them.
	maxUnseen = 1 << 16
	maxLeases = 4096 // DHCP exchanges in progress, linked by transaction id
	// maxAddresses caps the local addresses whose owner is remembered
	// (a /16 of them): more are not tied to a device or checked for
	// ARP conflicts.
	maxAddresses = 1 << 16
)

// The routine's caps: a device's routines are looked for among at most
// maxRoutineKeys peers and kinds of event, each with at most
// maxRoutineTimes times (the first ones).
const (
	maxRoutineKeys  = 4096
	maxRoutineTimes = 4096
)

func (o Options) withDefaults() Options {
	if o.FloodRate == 0 {
		o.FloodRate = 200
	}
	if o.ClockSkew == 0 {
		o.ClockSkew = 5 * time.Minute
	}
	if o.MaxHTTPFlows == 0 {
		o.MaxHTTPFlows = 4096
	}
	if o.MaxDevices == 0 {
		o.MaxDevices = 10_000
	}
	if o.MaxEvents == 0 {
		o.MaxEvents = 250_000
	}
	if o.MaxDeviceEvents == 0 {
		o.MaxDeviceEvents = 20_000
	}
	return o
}

// flowState is what the builder keeps per flow.
type flowState struct {
	dev            *Device
	clientIsDevice bool
	conn           *Event
	http           *httpFlow
	tls            *tlsFlow
	mqtt           *mqttFlow
	peer           netip.Addr
	tried          [2]bool // each direction's first payload was looked at for HTTP or TLS
	tcp            bool
	// captured is the payload the capture kept, both ways; what the
	// headers say was sent is the flow's Payload.
	captured uint64
	// closeNoted is set once the connection's close has been told (its
	// event summed up and any finding made), so it is told only once.
	closeNoted bool
	// worded is what the connection's summary was last worded from.
	worded connWords
}

// burst tracks broadcast and multicast sent by one device.
type burst struct {
	second  int64 // Unix second being counted
	count   int
	event   *Event // the burst in progress, nil when quiet
	lastHot int64  // last second above the rate
}

const macCacheBits = 6

// Builder is a decode.Observer that builds devices and their timelines.
// It belongs to one goroutine, which sees every packet of a capture in
// order; call Report from it when the capture is done (or for a live
// snapshot).
type Builder struct {
	opts     Options
	byMAC    map[uint64]*Device // devices on links with MACs, by macKey64
	macCache [1 << macCacheBits]struct {
		key uint64
		dev *Device
	}
	byAddr    map[netip.Addr]*Device // devices on links without MACs
	order     []*Device
	byIP      map[netip.Addr]*Device // local addresses learnt from ARP and DHCP
	arpOwner  map[netip.Addr][6]byte
	flows     []*flowState // by flow ID, which the engine hands out densely from 1
	bursts    map[*Device]*burst
	floods    []*Event
	httpFlows int
	events    int // events added to devices
	// dropped counts what the caps left out; unseen tells the devices
	// beyond MaxDevices apart (up to maxUnseen of them) to count them.
	dropped Dropped
	unseen  map[string]struct{}
	budget  *stream.Budget
	dhcp    dhcpState
	joins   map[[6]byte]*join // WPA key handshakes in progress, by station
	dns     dnsState
	last    int64
	// first and latest are the capture's earliest and latest packet times.
	first, latest int64
	// namesSeen and addrsSeen hold the peers (names, else addresses) any
	// device has talked to, to tell a first contact (at most maxAddresses
	// of them together).
	namesSeen map[string]struct{}
	addrsSeen map[netip.Addr]struct{}
	castTimes int    // group sends remembered, all devices (see castTime)
	summary   []byte // scratch for event summaries
	scratch   []byte // scratch for parts of them
	// tlsScratch reads the first payload of each way of a flow (see
	// tlsPayload).
	tlsScratch tls.Accumulator
}

// NewBuilder returns an empty builder.
func NewBuilder(opts Options) *Builder {
	return &Builder{opts: opts.withDefaults(), byMAC: map[uint64]*Device{}, byAddr: map[netip.Addr]*Device{}, byIP: map[netip.Addr]*Device{},
		arpOwner: map[netip.Addr][6]byte{}, bursts: map[*Device]*burst{},
		dhcp: newDHCPState(), dns: newDNSState(), budget: stream.NewBudget(32 << 20)}
}

// Observe implements decode.Observer.
func (b *Builder) Observe(p *decode.Packet, f *decode.Flow) {
	b.last = p.Time
	if b.first == 0 || p.Time < b.first {
		b.first = p.Time
	}
	b.latest = max(b.latest, p.Time)
	src := b.sender(p)
	if src != nil {
		src.sent(p.Time, p.OrigLen, p.IPLen)
		// Most packets come from the address the sender used last: that
		// one is known, so the owner map is not asked again.
		if p.HasIP && p.HasMAC && p.Src != src.lastSrc && isLocal(p.Src) && !p.Src.IsUnspecified() && b.localOwner(p.Src, src) {
			src.addIP(p.Src)
			src.lastSrc = p.Src
		}
	}
	dst := b.receiver(p)
	if dst == nil && p.IPLen > 0 {
		// A device first heard of as a receiver is followed from then,
		// so that the bytes it was sent are all counted.
		dst = b.destination(p)
	}
	if dst != nil && dst != src {
		dst.received(p.Num)
	}
	if dst != nil {
		dst.BytesIn += uint64(p.IPLen)
	}
	group := p.HasMAC && len(p.DstMAC) == 6 && p.DstMAC[0]&1 == 1 || p.HasIP && (p.Dst.IsMulticast() || isBroadcast4(p.Dst))
	var to netip.Addr // the group, for a flood's event
	if p.HasIP {
		to = p.Dst
	}
	if src != nil && group {
		b.countBroadcast(src, p.Time, p.Num, to)
		if p.HasIP && p.DstPort != 0 && !readsMessages(p.Proto) && p.Proto != decode.ProtoSSDP {
			b.castTime(src, netip.AddrPortFrom(p.Dst, p.DstPort), p.Time, p.Num)
		}
	}
	switch {
	case p.ARP != nil:
		b.arp(src, p)
	case p.Proto == decode.ProtoDHCP:
		b.dhcpPacket(src, p)
	case p.Proto == decode.ProtoDNS || p.Proto == decode.ProtoMDNS || p.Proto == decode.ProtoLLMNR || p.Proto == decode.ProtoNBNS:
		b.dnsPacket(src, p, f)
	case p.Proto == decode.ProtoSSDP:
		b.ssdpPacket(src, p)
	case p.Proto == decode.ProtoEAPOL:
		b.eapolPacket(p)
	}
	if f != nil {
		b.flowPacket(src, p, f)
	}
}

// readsMessages reports whether the builder reads the messages of proto
// (in Observe's switch): their packets make events of their own, rather
// than a connection's.
func readsMessages(proto decode.Proto) bool {
	switch proto {
	case decode.ProtoDHCP, decode.ProtoDNS, decode.ProtoMDNS, decode.ProtoLLMNR, decode.ProtoNBNS, decode.ProtoSSDP:
		return true
	}
	return false
}

// sender returns the device that sent p, creating it on first sight.
func (b *Builder) sender(p *decode.Packet) *Device {
	if p.HasMAC && len(p.SrcMAC) == 6 && !zeroMAC(p.SrcMAC) {
		var m [6]byte
		copy(m[:], p.SrcMAC)
		if m == [6]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff} {
			return nil // broadcast sends nothing; a multicast-bit source is odd but shown
		}
		return b.deviceByMAC(m, p.Time)
	}
	// No MAC (raw IP, loopback, or the all-zero MAC of a loopback
	// interface): the IP address names the device.
	if p.HasIP {
		return b.deviceByIP(p.Src, p.Time)
	}
	return nil
}

// receiver returns the known device p is addressed to, without creating one.
func (b *Builder) receiver(p *decode.Packet) *Device {
	if m, group, ok := dstMAC(p); ok {
		if group {
			return nil
		}
		return b.knownMAC(m)
	}
	if p.HasIP {
		return b.byAddr[p.Dst]
	}
	return nil
}

// dstMAC is the MAC p is addressed to, as receiver and destination read
// it: ok when p carries one that names something (six bytes, not all
// zero), group when that is a broadcast or multicast address, which is no
// one device.
func dstMAC(p *decode.Packet) (m [6]byte, group, ok bool) {
	if !p.HasMAC || len(p.DstMAC) != 6 || zeroMAC(p.DstMAC) {
		return m, false, false
	}
	copy(m[:], p.DstMAC)
	return m, m[0]&1 == 1, true
}

// destination returns the device p is unicast to, creating it.
func (b *Builder) destination(p *decode.Packet) *Device {
	if m, group, ok := dstMAC(p); ok {
		if group {
			return nil
		}
		return b.deviceByMAC(m, p.Time)
	}
	if p.HasIP && !p.Dst.IsMulticast() {
		return b.deviceByIP(p.Dst, p.Time)
	}
	return nil
}

// macKey64 packs a MAC into the integer the device map is keyed by: an
// integer key hashes several times faster than a 6-byte array.
func macKey64(m [6]byte) uint64 {
	return uint64(m[0])<<40 | uint64(m[1])<<32 | uint64(m[2])<<24 | uint64(m[3])<<16 | uint64(m[4])<<8 | uint64(m[5])
}

// knownMAC returns the device with MAC m, or nil. It is asked twice a
// packet, so a small direct-mapped cache stands before the map: a LAN's
// few dozen devices stay in it.
func (b *Builder) knownMAC(m [6]byte) *Device {
	k := macKey64(m)
	slot := &b.macCache[(k*0x9e3779b97f4a7c15)>>(64-macCacheBits)]
	if slot.dev != nil && slot.key == k {
		return slot.dev
	}
	d := b.byMAC[k]
	if d != nil {
		slot.key, slot.dev = k, d
	}
	return d
}

// deviceByMAC returns the device with MAC m, creating it on first sight.
// Devices are keyed by value so the per-packet lookup allocates nothing.
func (b *Builder) deviceByMAC(m [6]byte, t int64) *Device {
	d := b.knownMAC(m)
	if d == nil {
		key := macKey(m)
		if !b.roomForDevice(key) {
			return nil
		}
		d = newDevice(m, true, key, t)
		b.byMAC[macKey64(m)] = d
		b.order = append(b.order, d)
	}
	return d
}

func (b *Builder) deviceByIP(a netip.Addr, t int64) *Device {
	if !a.IsValid() {
		return nil
	}
	d := b.byAddr[a]
	if d == nil {
		key := a.String()
		if !b.roomForDevice(key) {
			return nil
		}
		d = newDevice([6]byte{}, false, key, t)
		d.addIP(a)
		b.byAddr[a] = d
		b.order = append(b.order, d)
	}
	return d
}

// roomForDevice reports whether one more device may be followed; when
// not, it counts the device named key among those left out.
func (b *Builder) roomForDevice(key string) bool {
	if len(b.order) < b.opts.MaxDevices {
		return true
	}
	b.dropped.Devices = countApart(&b.unseen, key, maxUnseen)
	return false
}

// localOwner records that d uses local address a unless another device
// (a router forwarding for it, say) already owns it.
func (b *Builder) localOwner(a netip.Addr, d *Device) bool {
	owner, ok := b.byIP[a]
	if !ok {
		if !b.roomForAddress(a) {
			return false
		}
		b.byIP[a] = d
		return true
	}
	return owner == d
}

// roomForAddress reports whether the owner of local address a may be
// remembered (see maxAddresses).
func (b *Builder) roomForAddress(a netip.Addr) bool {
	if len(b.byIP) < maxAddresses {
		return true
	}
	_, ok := b.byIP[a]
	return ok
}

func zeroMAC(m []byte) bool {
	return m[0]|m[1]|m[2]|m[3]|m[4]|m[5] == 0
}

func macKey(m [6]byte) string {
	const hexdigits = "0123456789abcdef"
	buf := make([]byte, 0, 17)
	for i, c := range m {
		if i > 0 {
			buf = append(buf, ':')
		}
		buf = append(buf, hexdigits[c>>4], hexdigits[c&0xf])
	}
	return string(buf)
}

// isLocal reports whether a is an address of the local network rather
// than of the internet beyond the router.
func isLocal(a netip.Addr) bool {
	return a.IsPrivate() || a.IsLinkLocalUnicast() || a.IsLoopback() ||
		(a.Is4() && a.As4()[0] == 100 && a.As4()[1]&0xc0 == 64) // CGNAT 100.64/10
}

func isBroadcast4(a netip.Addr) bool {
	return a.Is4() && a.As4()[3] == 255
}

func stamp(ns int64) time.Time { return time.Unix(0, ns).UTC() }

// add puts e in d's story, unless the caps on events leave it out (it
// is then counted). It returns e either way.
func (b *Builder) add(d *Device, e *Event) *Event {
	if d == nil || !b.roomForEvent(d) {
		return e
	}
	b.events++
	e.Device = d.Key
	d.Events = append(d.Events, e)
	return e
}

// roomForEvent reports whether d's story may take one more event; when
// not, it counts the event left out.
func (b *Builder) roomForEvent(d *Device) bool {
	if b.events < b.opts.MaxEvents && len(d.Events) < b.opts.MaxDeviceEvents {
		return true
	}
	d.dropped.Events++
	b.dropped.Events++
	return false
}

// find records a finding; the same finding again (same kind and key, or
// text) counts up on the first one instead of repeating it.
func (d *Device) find(f Finding) {
	if f.key == "" {
		f.key = f.Text
	}
	if d.repeat(f.Kind, f.key, f.Packets) {
		return
	}
	if len(d.Findings) >= maxFindings {
		d.dropped.Findings++
		return
	}
	if d.findingAt == nil {
		d.findingAt = map[findingKey]int{}
	}
	d.findingAt[findingKey{f.Kind, f.key}] = len(d.Findings)
	f.Count = 1
	d.Findings = append(d.Findings, f)
}

// indexFindings finds each finding by kind and key again after the
// findings were put in another order.
func (d *Device) indexFindings() {
	for i, f := range d.Findings {
		d.findingAt[findingKey{f.Kind, f.key}] = i
	}
}

// repeat counts up the finding of kind and key, with its packets, when
// the device has it, and reports whether it did: a caller that knows the
// key need not word a finding that only counts up (a device can repeat
// one thousands of times).
func (d *Device) repeat(kind, key string, packets []uint32) bool {
	i, ok := d.findingAt[findingKey{kind, key}]
	if !ok {
		return false
	}
	g := &d.Findings[i]
	g.Count++
	for _, p := range packets {
		g.Packets = appendCapped(g.Packets, p)
	}
	return true
}
