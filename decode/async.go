package decode

import (
	"fmt"
	"runtime/debug"

	"github.com/gopacket/gopacket/layers"
)

// Async runs an Observer on a goroutine of its own, so that a slow
// observer (the device timelines) uses the second core instead of slowing
// the load. Packets are copied into batches that are recycled, so memory
// stays bounded whatever the capture; the payloads the observer asks for
// are borrowed from the capture (its mapped file or read buffer) when it
// lends them (see LendFrom), else copied too.
//
// Most packets of a capture have no payload to copy (none wanted, or one
// lent) and a flow that neither starts nor changes state. Those travel in
// brief (about a cache line, without their flow) and are rebuilt on the
// other side from the flow's last full copy, so that handing them over
// costs the load little. The observer sees every packet, in order, with
// every field as the engine set it; only a payload it did not ask for is
// nil (Withheld says how long it was), unless it was lent: then it comes
// whole. A flow is copied over only when it starts or its state or
// application changes, so its counters are those of that moment (state,
// application and ends are always current). An observer that is a
// Skimmer may take a brief packet as it is, without its rebuilding.
//
// Observe and Close are called from the engine's goroutine; the wrapped
// observer runs on Async's goroutine.
type Async struct {
	inner   Observer
	keep    func(p *Packet, f *Flow) bool
	batches chan *asyncBatch
	free    chan *asyncBatch
	cur     *asyncBatch
	calls   chan func(Observer)
	done    chan struct{}
	closed  bool

	// sent is, per flow ID, what the other side's copy of the flow says
	// about its state (see flowMark); 0 means no copy was sent yet.
	sent []uint32
	// The observer's goroutine writes its state for every packet: it is
	// kept in an object of its own, so that it shares no cache line with
	// the fields above, which the engine's goroutine reads for every
	// packet (sharing one slowed the load by a few per cent).
	*receiver

	lender Lender
}

// receiver is the state of Async's own goroutine: the last full copy of
// each flow, and the packet (or brief) a brief item is rebuilt into.
type receiver struct {
	_     [64]byte // (no neighbour in its allocation class shares a line)
	flows shadowFlows
	brief Packet
	skim  Skimmer // inner, when it skims
	view  Brief
	err   error // why observing stopped early (see observeBatch)
	_     [64]byte
}

// A Lender keeps the bytes of the packet being observed valid after the
// observer returns, so that Async can hand a payload over where it lies
// instead of copying it (the capture does).
type Lender interface {
	// Lend returns a Loan on the memory b lies in, or nil when b is not
	// the lender's to lend.
	Lend(b []byte) Loan
}

// A Loan is returned once its bytes are no longer read.
type Loan interface {
	// Holds reports whether b lies in the lent memory.
	Holds(b []byte) bool
	// Return ends the loan; it is called from Async's goroutine.
	Return()
}

// Brief is what a packet that travelled in brief tells before it is
// rebuilt whole: enough for an observer to count it.
type Brief struct {
	Time           int64
	Num            uint32
	Flow           uint32
	OrigLen        int
	Payload        int // payload bytes, handed over or withheld
	Seq            uint32
	TCPFlags       TCPFlags
	Proto          Proto
	ToServer       bool
	HasMAC         bool
	SrcMAC, DstMAC [6]byte
}

// A Skimmer is an Observer that can take some packets from their brief
// alone, which saves rebuilding them: most packets of a capture only add
// to counts.
type Skimmer interface {
	Observer
	// Skim takes the packet b and reports true, or reports false
	// without a change, and then Observe gets the packet. b's flow was
	// seen before and has not changed state since.
	Skim(b *Brief) bool
}

// LendFrom makes Async borrow payloads from l instead of copying them.
// Call it before the first packet.
func (a *Async) LendFrom(l Lender) { a.lender = l }

// A batch holds asyncItems packets: each hand-over may wake the
// observer's goroutine, which costs the load a system call, while a
// batch's brief items (88 bytes each) should stay in cache. (Waiting
// batches keep the read buffers their payloads borrow from being reused;
// 2 instead of 4 made no difference make bench could tell from noise.)
const (
	asyncItems    = 2048
	asyncSlab     = 256 << 10
	asyncInFlight = 4
)

// asyncItem is one packet. A brief one carries every field the engine
// sets except those a brief packet never has (a copied payload, ARP,
// ICMP, error); its addresses and ports are its flow's. A full one points
// at its Packet and flow copy in the batch.
type asyncItem struct {
	time           int64
	num            uint32
	flow           uint32
	seq, ack       uint32
	capLen         uint32
	origLen        uint32
	full           int32 // index into asyncBatch.full, or -1 for a brief item
	withheld       uint32
	srcMAC, dstMAC [6]byte
	tcpFlags       TCPFlags
	window         uint16
	vlan           uint16
	link           layers.LinkType
	proto          Proto
	ipProto        layers.IPProtocol
	bits           uint8  // briefMAC, briefToServer
	payload        []byte // borrowed, or nil
}

const (
	briefMAC      = 1 << iota // the packet had MAC addresses
	briefToServer             // the packet went from client to server
)

type asyncFull struct {
	p    Packet
	f    Flow
	flow uint8 // flowNone, flowCopied (in f) or flowShadowed (unchanged: the last copy serves)
	arp  layers.ARP
}

const (
	flowNone = iota
	flowCopied
	flowShadowed
)

type asyncBatch struct {
	items []asyncItem
	full  []asyncFull
	slab  []byte
	loans []Loan // returned when the batch has been observed
}

// borrow takes p where it lies, on a loan for batch b (one loan serves
// the batch's packets from the same buffer), and reports whether the
// lender lent it.
func (a *Async) borrow(b *asyncBatch, p []byte) bool {
	if a.lender == nil || len(p) == 0 {
		return false
	}
	if n := len(b.loans); n > 0 && b.loans[n-1].Holds(p) {
		return true
	}
	if l := a.lender.Lend(p); l != nil {
		b.loans = append(b.loans, l)
		return true
	}
	return false
}

// bytes copies s into the batch's slab, which never grows, so earlier
// copies stay valid; what does not fit (a huge record) gets its own copy.
func (b *asyncBatch) bytes(s []byte) []byte {
	if s == nil {
		return nil
	}
	if len(b.slab)+len(s) > cap(b.slab) {
		return append([]byte(nil), s...)
	}
	n := len(b.slab)
	b.slab = append(b.slab, s...)
	return b.slab[n:len(b.slab):len(b.slab)]
}

// NewAsync starts inner on a goroutine of its own. keepPayload says which
// packets' payloads inner needs (nil keeps them all); others arrive with a
// nil Payload, which saves copying bulk data nobody reads.
func NewAsync(inner Observer, keepPayload func(p *Packet, f *Flow) bool) *Async {
	a := &Async{receiver: &receiver{}, inner: inner, keep: keepPayload, batches: make(chan *asyncBatch, asyncInFlight),
		free: make(chan *asyncBatch, asyncInFlight+1), calls: make(chan func(Observer)), done: make(chan struct{})}
	a.skim, _ = inner.(Skimmer)
	for i := 0; i < asyncInFlight+1; i++ {
		a.free <- &asyncBatch{items: make([]asyncItem, 0, asyncItems), slab: make([]byte, 0, asyncSlab)}
	}
	go a.run()
	return a
}

// Inner returns the wrapped observer.
func (a *Async) Inner() Observer { return a.inner }

func (a *Async) run() {
	defer close(a.done)
	// Lent payloads may lie in a mapped capture file: if the file is
	// shortened under it, reading one faults, which must end the
	// observing, not the program (see observeBatch).
	debug.SetPanicOnFault(true)
	for {
		var b *asyncBatch
		select {
		case fn := <-a.calls:
			fn(a.inner)
			continue
		case next, ok := <-a.batches:
			if !ok {
				return
			}
			b = next
		}
		if a.err == nil {
			a.observeBatch(b)
		}
		for _, l := range b.loans {
			l.Return()
		}
		clear(b.loans)
		b.items, b.full, b.slab, b.loans = b.items[:0], b.full[:0], b.slab[:0], b.loans[:0]
		a.free <- b
	}
}

// observeBatch hands b's packets to the observer. A memory fault on the
// way (a lent payload its file no longer holds) stops the observing for
// good: the observer may be half way through a packet, so it sees no
// more, and Err says why.
func (a *Async) observeBatch(b *asyncBatch) {
	defer func() {
		if r := recover(); r != nil {
			if _, fault := r.(interface{ Addr() uintptr }); !fault {
				panic(r)
			}
			a.err = fmt.Errorf("device timelines stopped: a packet's bytes were gone from the capture file (%v)", r)
		}
	}()
	for i := range b.items {
		it := &b.items[i]
		if it.full < 0 {
			if a.skim != nil && a.skim.Skim(a.viewOf(it)) {
				continue
			}
			a.inner.Observe(a.unbrief(it), a.flows.at(it.flow))
			continue
		}
		x := &b.full[it.full]
		if x.p.ARP != nil {
			x.p.ARP = &x.arp
		}
		var f *Flow
		switch x.flow {
		case flowCopied:
			*a.flows.grow(x.f.ID) = x.f
			f = &x.f
		case flowShadowed:
			f = a.flows.at(x.p.Flow) // the engine set p.Flow to f.ID
		}
		a.inner.Observe(&x.p, f)
	}
}

// shadowFlows holds the last full copy of each flow by ID, in chunks, so
// that growing never copies the flows already held.
type shadowFlows [][]Flow

const shadowChunk = 1024

// at returns the copy of flow id, which must have been grown to.
func (s shadowFlows) at(id uint32) *Flow { return &s[id/shadowChunk][id%shadowChunk] }

// grow makes room for flow id and returns its place.
func (s *shadowFlows) grow(id uint32) *Flow {
	for int(id/shadowChunk) >= len(*s) {
		*s = append(*s, make([]Flow, shadowChunk))
	}
	return s.at(id)
}

// viewOf returns the Brief of a brief item.
func (a *Async) viewOf(it *asyncItem) *Brief {
	a.view = Brief{Time: it.time, Num: it.num, Flow: it.flow, OrigLen: int(it.origLen),
		Payload: len(it.payload) + int(it.withheld), Seq: it.seq, TCPFlags: it.tcpFlags, Proto: it.proto, ToServer: it.bits&briefToServer != 0,
		HasMAC: it.bits&briefMAC != 0, SrcMAC: it.srcMAC, DstMAC: it.dstMAC}
	return &a.view
}

// unbrief rebuilds a brief item's packet, its addresses and ports taken
// from its flow.
func (a *Async) unbrief(it *asyncItem) *Packet {
	f := a.flows.at(it.flow)
	// Field by field: the fields a brief packet never has stay zero, so
	// the whole packet need not be cleared each time.
	p := &a.brief
	p.Num, p.Time, p.Link, p.CapLen, p.OrigLen = it.num, it.time, it.link, int(it.capLen), int(it.origLen)
	p.VLAN, p.HasIP, p.IPProto, p.TCPFlags, p.Seq, p.Ack = it.vlan, true, it.ipProto, it.tcpFlags, it.seq, it.ack
	p.Window, p.Proto, p.Flow, p.ToServer = it.window, it.proto, it.flow, it.bits&briefToServer != 0
	p.Withheld, p.Payload = int(it.withheld), it.payload
	p.HasMAC, p.SrcMAC, p.DstMAC = false, nil, nil
	if it.bits&briefMAC != 0 {
		p.HasMAC, p.SrcMAC, p.DstMAC = true, it.srcMAC[:], it.dstMAC[:]
	}
	from, to := f.Server, f.Client
	if p.ToServer {
		from, to = f.Client, f.Server
	}
	p.Src, p.SrcPort, p.Dst, p.DstPort = from.Addr(), from.Port(), to.Addr(), to.Port()
	return p
}

// flowMark packs what must be current in the other side's copy of a
// flow; the low bit keeps it non-zero.
func flowMark(f *Flow) uint32 {
	return 1 | uint32(f.State)<<8 | uint32(f.App)<<16 | uint32(f.Close)<<24 | uint32(f.ClosedBy)<<28
}

// briefable reports whether p may travel in brief: it has no payload to
// copy (none wanted, or one borrowed), nothing else a brief item leaves
// out, and the other side's copy of its flow is current. Its addresses
// and ports are its flow's, since the engine keys TCP and UDP flows by
// them.
func (a *Async) briefable(p *Packet, f *Flow, copied []byte) bool {
	return f != nil && copied == nil && p.ARP == nil && p.Err == nil && !p.Fragment && p.HasIP &&
		(f.Proto == ProtoTCP || f.Proto == ProtoUDP) && int(f.ID) < len(a.sent) && a.sent[f.ID] == flowMark(f) &&
		(!p.HasMAC || len(p.SrcMAC) == 6 && len(p.DstMAC) == 6)
}

// wanted is the payload of p the observer asked for, nil if none.
func (a *Async) wanted(p *Packet, f *Flow) []byte {
	if len(p.Payload) == 0 || a.keep != nil && !a.keep(p, f) {
		return nil
	}
	return p.Payload
}

// Observe implements Observer: it copies p (and f) for the other goroutine.
func (a *Async) Observe(p *Packet, f *Flow) {
	if a.cur != nil && len(a.cur.items) == cap(a.cur.items) {
		a.flush()
	}
	if a.cur == nil {
		a.cur = <-a.free
	}
	b := a.cur
	// A payload the lender lends is handed over whole, wanted or not:
	// it costs nothing, and the observer need not be asked on this
	// goroutine. Else only what the observer wants is copied.
	payload, copied := p.Payload, []byte(nil)
	lent := a.borrow(b, payload)
	if !lent {
		payload = a.wanted(p, f)
		copied = payload
	}
	withheld := len(p.Payload) - len(payload)
	brief := a.briefable(p, f, copied)
	if !brief {
		need := len(p.SrcMAC) + len(p.DstMAC) + len(copied)
		if p.ARP != nil {
			need += len(p.ARP.SourceHwAddress) + len(p.ARP.SourceProtAddress) + len(p.ARP.DstHwAddress) + len(p.ARP.DstProtAddress)
		}
		// A full slab goes now, unless this packet's payload is on loan
		// to it (then what is left to copy gets a buffer of its own).
		if len(b.slab)+need > cap(b.slab) && !lent {
			a.flush()
			a.cur = <-a.free
			b = a.cur
		}
	}
	// Fill the slots in place: building an item and copying it in costs
	// as much again.
	n := len(b.items)
	b.items = b.items[:n+1]
	it := &b.items[n]
	if brief {
		*it = asyncItem{time: p.Time, num: p.Num, flow: f.ID, seq: p.Seq, ack: p.Ack, capLen: uint32(p.CapLen),
			origLen: uint32(p.OrigLen), full: -1, withheld: uint32(withheld), tcpFlags: p.TCPFlags, window: p.Window, vlan: p.VLAN,
			link: p.Link, proto: p.Proto, ipProto: p.IPProto, payload: payload}
		if p.HasMAC {
			it.bits |= briefMAC
			copy(it.srcMAC[:], p.SrcMAC)
			copy(it.dstMAC[:], p.DstMAC)
		}
		if p.ToServer {
			it.bits |= briefToServer
		}
		return
	}
	it.full = int32(len(b.full))
	if len(b.full) < cap(b.full) {
		b.full = b.full[:len(b.full)+1]
	} else {
		b.full = append(b.full, asyncFull{})
	}
	x := &b.full[it.full]
	x.p, x.flow = *p, flowNone
	x.p.SrcMAC, x.p.DstMAC = b.bytes(p.SrcMAC), b.bytes(p.DstMAC)
	x.p.Payload, x.p.Withheld = payload, withheld
	if copied != nil {
		x.p.Payload = b.bytes(copied)
	}
	if p.ARP != nil {
		x.arp = layers.ARP{AddrType: p.ARP.AddrType, Protocol: p.ARP.Protocol, HwAddressSize: p.ARP.HwAddressSize,
			ProtAddressSize: p.ARP.ProtAddressSize, Operation: p.ARP.Operation,
			SourceHwAddress: b.bytes(p.ARP.SourceHwAddress), SourceProtAddress: b.bytes(p.ARP.SourceProtAddress),
			DstHwAddress: b.bytes(p.ARP.DstHwAddress), DstProtAddress: b.bytes(p.ARP.DstProtAddress)}
	}
	switch {
	case f == nil:
	case int(f.ID) < len(a.sent) && a.sent[f.ID] == flowMark(f):
		x.flow = flowShadowed
	default:
		x.f, x.flow = *f, flowCopied
		for int(f.ID) >= len(a.sent) {
			a.sent = append(a.sent, 0)
		}
		a.sent[f.ID] = flowMark(f)
	}
}

// Flush hands the packets gathered so far to the observer's goroutine
// without waiting for a full batch, so that a slow live capture is not
// seen late. Call it from the engine's goroutine.
func (a *Async) Flush() {
	if !a.closed {
		a.flush()
	}
}

// Call runs fn with the wrapped observer on the observer's goroutine,
// between two batches, and waits for it: so another goroutine may read
// the observer's state while packets still flow. Packets not yet handed
// over (see Flush) are not seen. After Close, fn runs on the caller's
// goroutine.
func (a *Async) Call(fn func(Observer)) {
	done := make(chan struct{})
	select {
	case a.calls <- func(o Observer) { fn(o); close(done) }:
		<-done
	case <-a.done:
		fn(a.inner)
	}
}

func (a *Async) flush() {
	if a.cur != nil && len(a.cur.items) > 0 {
		a.batches <- a.cur
		a.cur = nil
	}
}

// Err reports why the observer stopped seeing packets before the end, nil
// when it saw them all. Call it after Close.
func (a *Async) Err() error { return a.err }

// Close hands over what is left and waits until the wrapped observer has
// seen every packet. After Close, the wrapped observer may be used from
// the caller's goroutine again.
func (a *Async) Close() {
	if a.closed {
		return
	}
	a.closed = true
	a.flush()
	close(a.batches)
	<-a.done
}
