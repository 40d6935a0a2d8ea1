package decode

import (
	"github.com/gopacket/gopacket/layers"
)

// Meta is what the capture reader knows about a packet before decoding.
type Meta struct {
	Offset  int64
	Time    int64
	CapLen  uint32
	OrigLen uint32
	Iface   uint16
}

// Observer receives every decoded packet together with its flow (nil when
// it has none), on the engine's goroutine. It must not keep p or its
// slices past the call: they are reused for the next packet.
type Observer interface {
	Observe(p *Packet, f *Flow)
}

// Engine turns a capture's packets, in order, into index entries and
// flows, and hands each decoded packet to its observers. One goroutine owns
// an Engine; nothing in it is safe for concurrent use.
type Engine struct {
	parser    *Parser
	defrag    defragmenter
	flows     []*Flow
	byKey     map[flowKey]uint32  // IPv6 (and anything not plain IPv4)
	byKey4    map[flowKey4]uint32 // IPv4
	clientIsA []bool              // per flow ID: whether the key's a side is the client
	observers []Observer
	pkt       Packet
	count     uint32
	dirty     []uint32
	isDirty   []bool
	dupAck    DupAck // of the packet added last
}

// NewEngine returns an engine that reports decoded packets to observers.
func NewEngine(observers ...Observer) *Engine {
	return &Engine{
		parser:    NewParser(),
		byKey:     make(map[flowKey]uint32),
		byKey4:    make(map[flowKey4]uint32),
		flows:     []*Flow{nil}, // flow IDs start at 1; 0 means none
		clientIsA: []bool{false},
		isDirty:   []bool{false},
		observers: observers,
	}
}

// Add decodes one packet and returns its index entry. data is the
// captured bytes; it is not kept.
func (e *Engine) Add(data []byte, link layers.LinkType, m Meta) Index {
	e.count++
	p := &e.pkt
	p.Num, p.Time, p.OrigLen = e.count, m.Time, int(m.OrigLen)
	e.parser.Decode(data, link, p)
	ix, f := e.sequence(p, m)
	p.Analysis, p.DupAck = ix.Analysis, e.dupAck
	for _, o := range e.observers {
		o.Observe(p, f)
	}
	return ix
}

// AddPacked adds a packet that a Parser decoded elsewhere (on another
// goroutine, so that several decode at once) and packed: frag is, when
// it is an IP fragment, the fragment's payload. It numbers, joins and
// tracks the packet exactly as Add would have, and returns the same index
// entry. Observers are not called: they need the packet's bytes.
func (e *Engine) AddPacked(pk *Packed, frag []byte) Index {
	e.count++
	if pk.Fragment() {
		p := &e.pkt
		// Only the header and the fragment's payload are read from here
		// on: the rest of p is not cleared.
		pk.unpack(&p.Header)
		p.Payload = frag
		p.Num = e.count
		ix, _ := e.sequence(p, pk.Meta())
		return ix
	}
	// The common case works on a header of its own on the stack, which
	// costs no write barriers while the collector runs.
	var h Header
	pk.unpack(&h)
	h.Num = e.count
	ix, _ := e.follow(&h, pk.Meta())
	return ix
}

// sequence does what must be done in capture order for a decoded packet:
// joining IP fragments, and tracking its flow.
func (e *Engine) sequence(p *Packet, m Meta) (Index, *Flow) {
	if p.Fragment {
		e.joinFragment(p)
	}
	return e.follow(&p.Header, m)
}

// follow makes the index entry of a packet whose fragments are joined,
// and tracks its flow.
func (e *Engine) follow(h *Header, m Meta) (Index, *Flow) {
	ix := IndexOf(m, h.Proto, indexFlags(h))
	e.dupAck = DupAck{}
	var f *Flow
	if h.HasIP {
		f = e.track(h, &ix)
	}
	return ix, f
}

// DupAck tells which duplicate ACK the packet added last is, when its
// index entry says it is one (AnalysisDupAck); the index has no room for
// it, so whoever keeps entries keeps this beside them.
func (e *Engine) DupAck() DupAck { return e.dupAck }

// Count is the number of packets added so far.
func (e *Engine) Count() int { return int(e.count) }

// Flow returns the flow with the given ID, or nil.
func (e *Engine) Flow(id uint32) *Flow {
	if id == 0 || int(id) >= len(e.flows) {
		return nil
	}
	return e.flows[id]
}

// Flows returns every flow so far, in order of first packet. The slice
// and the flows are owned by the engine.
func (e *Engine) Flows() []*Flow { return e.flows[1:] }

// TakeDirty calls fn for each flow changed since the last call, in ID
// order of first change, and forgets them. Callers use it to send copies
// of changed flows to another goroutine.
func (e *Engine) TakeDirty(fn func(*Flow)) {
	for _, id := range e.dirty {
		e.isDirty[id] = false
		fn(e.flows[id])
	}
	e.dirty = e.dirty[:0]
}

// indexFlags are the marks of a packet's index entry.
func indexFlags(h *Header) Flags {
	f := h.Cast
	if h.Malformed {
		f |= FlagMalformed
	}
	if h.Tunneled {
		f |= FlagTunnel
	}
	if h.TCPFlags.Has(TCPSyn) {
		f |= FlagTCPSyn
	}
	if h.TCPFlags.Has(TCPFin) {
		f |= FlagTCPFin
	}
	if h.TCPFlags.Has(TCPRst) {
		f |= FlagTCPRst
	}
	if h.PayloadLen > 0 && (h.Proto != ProtoEthernet && h.Proto != ProtoUnknown) {
		f |= FlagPayload
	}
	return f
}

// castOf marks a broadcast or multicast destination, by MAC where the
// link has MACs, else by IP address.
func castOf(p *Packet) Flags {
	switch {
	case p.HasMAC && len(p.DstMAC) == 6 && isBroadcastMAC(p.DstMAC):
		return FlagBroadcast
	case p.HasMAC && len(p.DstMAC) == 6 && p.DstMAC[0]&1 == 1:
		return FlagMulticast
	case p.HasIP && p.Dst.Is4() && p.Dst.As4() == [4]byte{255, 255, 255, 255}:
		return FlagBroadcast
	case p.HasIP && p.Dst.IsMulticast():
		return FlagMulticast
	}
	return 0
}

func isBroadcastMAC(m []byte) bool {
	return m[0]&m[1]&m[2]&m[3]&m[4]&m[5] == 0xff
}

// track finds or creates p's flow and updates its counters.
func (e *Engine) track(p *Header, ix *Index) *Flow {
	sp, dp, proto, ok := flowPorts(p)
	if !ok {
		return nil
	}
	var (
		id     uint32
		srcIsA bool
		k4     flowKey4
		k6     flowKey
	)
	is4 := p.Src.Is4() && p.Dst.Is4()
	if is4 {
		k4, srcIsA = key4(p.Src.As4(), sp, p.Dst.As4(), dp, proto)
		id = e.byKey4[k4]
	} else {
		k6, srcIsA = key6(p.Src.As16(), sp, p.Dst.As16(), dp, proto)
		id = e.byKey[k6]
	}
	var f *Flow
	var reused bool
	if id != 0 && p.TCPFlags.Has(TCPSyn) {
		// A SYN with a new initial sequence number on a connection's
		// ports is a new connection, as Wireshark tells it: without ACK
		// it starts a new flow, with ACK it is only marked.
		f = e.flows[id]
		d := 1
		if srcIsA == e.clientIsA[id] {
			d = 0
		}
		if f.Proto == ProtoTCP && f.baseKnown[d] && p.Seq != f.BaseSeq[d] {
			reused = true
			if !p.TCPFlags.Has(TCPAck) {
				id = 0
			} else {
				// Its side's analysis starts afresh; its numbers do not,
				// since rows are numbered with the flow as it ends.
				f.side[d] = tcpSide{}
			}
		}
	}
	if id != 0 {
		f = e.flows[id]
	}
	if id == 0 {
		f = e.newFlow(p, srcIsA)
		id = f.ID
		if is4 {
			e.byKey4[k4] = id
		} else {
			e.byKey[k6] = id
		}
	}
	p.Flow = id
	ix.Flow = id
	p.ToServer = srcIsA == e.clientIsA[id]
	d := p.dir()
	f.Packets[d]++
	f.Bytes[d] += uint64(p.OrigLen)
	f.Payload[d] += uint64(p.SentLen)
	f.Last = p.Time
	f.LastPacket = p.Num
	if p.Proto > f.App && p.Proto >= ProtoDNS {
		f.App = p.Proto
	}
	if f.Proto == ProtoTCP {
		e.trackTCP(f, p, d, ix)
		if reused {
			ix.Analysis |= AnalysisPortsReused
		}
	} else if p.SentLen > 0 {
		f.LastData = p.Time
	}
	if !e.isDirty[id] {
		e.isDirty[id] = true
		e.dirty = append(e.dirty, id)
	}
	return f
}

func (e *Engine) newFlow(p *Header, srcIsA bool) *Flow {
	f := &Flow{
		ID:          uint32(len(e.flows)),
		Proto:       transportProto(p),
		First:       p.Time,
		LastData:    p.Time,
		FirstPacket: p.Num,
	}
	src := netipPort(p, true)
	dst := netipPort(p, false)
	clientIsSrc := true
	if f.Proto == ProtoTCP && p.TCPFlags&(TCPSyn|TCPAck) == TCPSyn|TCPAck {
		clientIsSrc = false // we missed the SYN; the SYN-ACK goes to the client
	}
	if (f.Proto == ProtoICMP || f.Proto == ProtoICMPv6) && isEchoReply(p) {
		clientIsSrc = false
	}
	if clientIsSrc {
		f.Client, f.Server = src, dst
	} else {
		f.Client, f.Server = dst, src
	}
	e.flows = append(e.flows, f)
	e.clientIsA = append(e.clientIsA, srcIsA == clientIsSrc)
	e.isDirty = append(e.isDirty, false)
	return f
}

func isEchoReply(p *Header) bool {
	return p.ICMPType == layers.ICMPv4TypeEchoReply && p.Proto == ProtoICMP ||
		p.ICMPType == layers.ICMPv6TypeEchoReply && p.Proto == ProtoICMPv6
}

func (e *Engine) trackTCP(f *Flow, p *Header, d int, ix *Index) {
	fl := p.TCPFlags
	// Lengths from the headers: a frame cut by the snap length still
	// moved the sequence by all it carried.
	n := uint32(p.SentLen)
	if fl.Has(TCPSyn) {
		f.sawSyn = true
		if !fl.Has(TCPAck) && f.State == StateNone {
			f.State = StateSynSent
		} else if fl.Has(TCPAck) && f.State <= StateSynSent {
			f.State = StateSynReceived
		}
	} else if f.State < StateEstablished && (fl.Has(TCPAck) || n > 0) {
		f.State = StateEstablished
	}

	if fl.Has(TCPSyn) && f.synScale[d] == 0 {
		f.synScale[d] = -1
		if p.WindowScale > 0 {
			f.synScale[d] = int8(p.WindowScale)
		}
	}
	if !f.baseKnown[d] {
		f.BaseSeq[d], f.baseKnown[d] = p.Seq, true
		if !fl.Has(TCPSyn) {
			// As Wireshark: without the SYN, the first byte seen is 1.
			f.BaseSeq[d] = p.Seq - 1
		}
	}
	if fl.Has(TCPAck) && !f.baseKnown[1-d] {
		// As Wireshark: the other side not seen yet, the first ACK of it
		// acknowledges its byte 1.
		f.BaseSeq[1-d], f.baseKnown[1-d] = p.Ack-1, true
	}
	if fl.Has(TCPSyn) && !fl.Has(TCPAck) && f.synTime == 0 {
		f.synTime = p.Time
	} else if d == 0 && f.irtt == 0 && f.synTime != 0 && f.State == StateEstablished && !fl.Has(TCPSyn) {
		f.irtt = p.Time - f.synTime
	}
	a, dup := analyseTCP(f, p, d)
	ix.Analysis, e.dupAck = a, dup
	if a.Has(AnalysisRetransmission) {
		f.Retransmissions++
	}

	if n > 0 && f.Close == CloseNone {
		f.LastData = p.Time
	}
	side := SideServer
	if d == 0 {
		side = SideClient
	}
	switch {
	case fl.Has(TCPRst):
		if f.Close == CloseNone {
			f.Close, f.ClosedBy, f.CloseTime, f.ClosePacket = CloseRST, side, p.Time, p.Num
		}
		f.State = StateReset
	case fl.Has(TCPFin):
		if f.Close == CloseNone {
			f.Close, f.ClosedBy, f.CloseTime, f.ClosePacket = CloseFIN, side, p.Time, p.Num
		}
		f.finSent[d] = true
		if f.State != StateReset {
			if f.finSent[0] && f.finSent[1] {
				f.State = StateClosed
			} else {
				f.State = StateHalfClosed
			}
		}
	}
}

// Last returns the packet most recently added, valid until the next Add.
func (e *Engine) Last() *Packet { return &e.pkt }

// joinFragment feeds a fragment to the defragmenter; the fragment that
// completes a datagram becomes a packet of its transport protocol. A first
// fragment cut short by the snapshot length cannot be joined; its transport
// header is decoded as it stands, as Wireshark does.
func (e *Engine) joinFragment(p *Packet) {
	if !p.Frag.Valid {
		return
	}
	key := fragKey{src: p.Src, dst: p.Dst, id: p.Frag.ID, proto: p.Frag.Proto}
	if p.Frag.Offset == 0 && p.CapLen < p.OrigLen {
		e.parser.decodeTransport(p.Payload, key.proto, p)
		return
	}
	if whole, done := e.defrag.add(key, p.Frag.Offset, p.Frag.More, p.Payload); done {
		e.parser.decodeTransport(whole, key.proto, p)
	}
}
