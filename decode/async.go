package decode

import "github.com/gopacket/gopacket/layers"

// Async runs an Observer on a goroutine of its own, so that a slow
// observer (the device timelines) uses the second core instead of slowing
// the load. Packets are copied, with the bytes the observer can use, into
// batches that are recycled: memory stays bounded whatever the capture.
//
// Observe and Close are called from the engine's goroutine; the wrapped
// observer runs on Async's goroutine and sees packets in order, each with
// a copy of its flow as it was at that packet.
type Async struct {
	inner   Observer
	keep    func(p *Packet, f *Flow) bool
	batches chan *asyncBatch
	free    chan *asyncBatch
	cur     *asyncBatch
	calls   chan func(Observer)
	done    chan struct{}
	closed  bool
}

const (
	asyncItems    = 512
	asyncSlab     = 1 << 20
	asyncInFlight = 4
)

type asyncItem struct {
	p       Packet
	f       Flow
	hasFlow bool
	arp     layers.ARP
}

type asyncBatch struct {
	items []asyncItem
	slab  []byte
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
	a := &Async{inner: inner, keep: keepPayload, batches: make(chan *asyncBatch, asyncInFlight),
		free: make(chan *asyncBatch, asyncInFlight+1), calls: make(chan func(Observer)), done: make(chan struct{})}
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
		for i := range b.items {
			it := &b.items[i]
			if it.p.ARP != nil {
				it.p.ARP = &it.arp
			}
			var f *Flow
			if it.hasFlow {
				f = &it.f
			}
			a.inner.Observe(&it.p, f)
		}
		b.items, b.slab = b.items[:0], b.slab[:0]
		a.free <- b
	}
}

// Observe implements Observer: it copies p (and f) for the other goroutine.
func (a *Async) Observe(p *Packet, f *Flow) {
	payload := p.Payload
	if a.keep != nil && !a.keep(p, f) {
		payload = nil
	}
	need := len(p.SrcMAC) + len(p.DstMAC) + len(payload)
	if p.ARP != nil {
		need += len(p.ARP.SourceHwAddress) + len(p.ARP.SourceProtAddress) + len(p.ARP.DstHwAddress) + len(p.ARP.DstProtAddress)
	}
	if a.cur != nil && (len(a.cur.items) == cap(a.cur.items) || len(a.cur.slab)+need > cap(a.cur.slab)) {
		a.flush()
	}
	if a.cur == nil {
		a.cur = <-a.free
	}
	b := a.cur
	// Reuse the slot in place: building a whole item and copying it in
	// cost as much as the rest of this function. Its old flow and ARP
	// copies are stale but unread unless set below.
	n := len(b.items)
	b.items = b.items[:n+1]
	it := &b.items[n]
	it.p, it.hasFlow = *p, false
	it.p.SrcMAC, it.p.DstMAC = b.bytes(p.SrcMAC), b.bytes(p.DstMAC)
	it.p.Payload = b.bytes(payload)
	if p.ARP != nil {
		it.arp = layers.ARP{AddrType: p.ARP.AddrType, Protocol: p.ARP.Protocol, HwAddressSize: p.ARP.HwAddressSize,
			ProtAddressSize: p.ARP.ProtAddressSize, Operation: p.ARP.Operation,
			SourceHwAddress: b.bytes(p.ARP.SourceHwAddress), SourceProtAddress: b.bytes(p.ARP.SourceProtAddress),
			DstHwAddress: b.bytes(p.ARP.DstHwAddress), DstProtAddress: b.bytes(p.ARP.DstProtAddress)}
	}
	if f != nil {
		it.f, it.hasFlow = *f, true
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
