package dfilter

import (
	"net/netip"
	"slices"
	"strings"

	"github.com/gopacket/gopacket/layers"

	"thingsniff/decode"
	"thingsniff/decode/dhcp"
	"thingsniff/decode/dns"
	"thingsniff/decode/httpmsg"
)

// Packet is what a Matcher is shown of one packet: its index entry and
// flow, always at hand, and a way to read its bytes, used only when a
// term needs them.
type Packet struct {
	Num   int // 1-based packet number
	Index decode.Index
	Link  layers.LinkType
	// Flow is the packet's flow (nil when it has none, or when the flows
	// are not at hand: the matcher then reads the packet's headers).
	Flow *decode.Flow
	// Start is the capture's first packet time, for frame.time_relative.
	Start int64
	// Read returns the packet's captured bytes; they need to stay valid
	// only until the next call.
	Read func() ([]byte, error)
	// Decoded, when set, is the packet already decoded (by a scan that
	// decodes every packet anyway): Read is then not called.
	Decoded *decode.Packet
	// DupAck is which duplicate ACK the packet is, when Index says it is
	// one; zero when the caller does not know.
	DupAck decode.DupAck
}

// Matcher evaluates a Filter over packets, one at a time. It keeps a
// parser and the current packet's decoded parts, so it belongs to one
// goroutine; make one per goroutine with Filter.Matcher.
type Matcher struct {
	f       *Filter
	parser  *decode.Parser
	rec     record
	heads   heads
	tls     records
	streams streams
	// prevTime is when the packet before the one matched was captured.
	prevTime int64
	started  bool
}

// Matcher returns a new Matcher of f.
func (f *Filter) Matcher() *Matcher {
	return &Matcher{f: f, parser: decode.NewParser()}
}

// Match reports whether p passes the filter. A Matcher is shown every
// packet of a capture in order, from the first: what follows TCP
// directions, numbers streams and times the gap since the packet before
// relies on it.
func (m *Matcher) Match(p *Packet) bool {
	if !m.started {
		m.prevTime, m.started = p.Index.Time, true
	}
	m.rec.reset(p, m.parser)
	m.rec.prevTime, m.rec.streams = m.prevTime, &m.streams
	m.prevTime = p.Index.Time
	if m.f.http {
		m.http()
	}
	if m.f.tls {
		m.tlsRecords()
	}
	if m.f.streams {
		m.streams.see(p.Index.Flow, m.rec.transport())
	}
	return m.f.root.eval(&m.rec)
}

// streams numbers the TCP and the UDP flows each from 0 in the order of
// their first packets, as tshark's tcp.stream and udp.stream: flow IDs
// grow in that order, so a flow whose ID is above the last one numbered
// is the next. They hold 4 bytes per flow.
type streams struct {
	tcp, udp []uint32
}

func (s *streams) list(proto decode.Proto) *[]uint32 {
	switch proto {
	case decode.ProtoTCP:
		return &s.tcp
	case decode.ProtoUDP:
		return &s.udp
	}
	return nil
}

// see takes the flow of the next packet.
func (s *streams) see(flow uint32, proto decode.Proto) {
	if l := s.list(proto); l != nil && flow != 0 && (len(*l) == 0 || flow > (*l)[len(*l)-1]) {
		*l = append(*l, flow)
	}
}

// number returns the stream number of a flow seen.
func (s *streams) number(flow uint32, proto decode.Proto) (int, bool) {
	l := s.list(proto)
	if l == nil {
		return 0, false
	}
	return slices.BinarySearch(*l, flow)
}

// resent marks segments whose bytes start before what their side already
// sent: a retransmission or a segment overtaken on the way (the engine
// tells them apart; both once counted as retransmissions). The in-order
// followers of HTTP heads and TLS records skip them.
const resent = decode.AnalysisRetransmission | decode.AnalysisOutOfOrder

// http finds the HTTP message the packet completes: on TCP by following
// its direction (see heads), over UDP (SSDP) in the datagram alone.
func (m *Matcher) http() {
	p := m.rec.p
	switch {
	case p.Index.Proto == decode.ProtoSSDP:
		// Wireshark takes M-SEARCH and responses for HTTP messages, not
		// NOTIFY.
		if pk := m.rec.packet(); pk != nil {
			if msg, ok := httpmsg.ParseHead(pk.Payload); ok {
				m.rec.ssdp = msg // whose headers are http.* fields to tshark all the same
				if !msg.IsRequest || msg.Method == "M-SEARCH" {
					m.rec.http = msg
				}
			}
		}
	case p.Index.Analysis.Any(resent):
	case p.Index.Flags&(decode.FlagPayload|decode.FlagTCPFin|decode.FlagTCPRst) == 0:
		// A bare acknowledgement carries no part of a message, nor ends one.
	case p.Flow != nil && p.Flow.App == decode.ProtoTLS:
	case m.rec.transport() == decode.ProtoTCP:
		if pk := m.rec.packet(); pk != nil {
			m.rec.http = m.heads.see(pk, p.Index.Flow)
		}
	}
}

// tlsRecords finds the TLS records and handshake messages that end in the
// packet (see records).
func (m *Matcher) tlsRecords() {
	p := m.rec.p
	tlsFlow := p.Index.Proto == decode.ProtoTLS || p.Flow != nil && p.Flow.App == decode.ProtoTLS
	if !tlsFlow || !p.Index.Flags.Has(decode.FlagPayload) || p.Index.Analysis.Any(resent) {
		return
	}
	if pk := m.rec.packet(); pk != nil && m.rec.transport() == decode.ProtoTCP {
		m.tls.see(pk, p.Index.Flow, &m.rec.tls)
	}
}

// record is one packet under evaluation with what has been decoded of
// it so far: each part is decoded at most once, when first asked for.
type record struct {
	p      *Packet
	parser *decode.Parser
	vals   []Value // scratch for field values

	pktDone bool
	pktOK   bool
	pkt     decode.Packet

	dnsDone, tlsDone, dhcpDone bool
	dnsOK, dhcpOK              bool
	dns                        dns.Message
	http                       *httpmsg.Message
	ssdp                       *httpmsg.Message // an SSDP message, NOTIFY included
	tls                        tlsSeen          // what of TLS ends in the packet
	prevTime                   int64            // when the packet before was captured
	streams                    *streams
	dhcp                       dhcp.Message
}

// reset starts on packet p. The decoded parts are left as they are (a
// packet, a DNS message are big to clear for every packet): their done
// flags say they belong to an older packet.
func (r *record) reset(p *Packet, parser *decode.Parser) {
	r.p, r.parser, r.vals = p, parser, r.vals[:0]
	r.pktDone, r.pktOK = false, false
	r.dnsDone, r.tlsDone, r.dhcpDone = false, false, false
	r.dnsOK, r.dhcpOK = false, false
	r.http, r.ssdp = nil, nil
	r.tls.ended, r.tls.types, r.tls.sni, r.tls.alpn, r.tls.ja4 = false, r.tls.types[:0], "", nil, ""
}

// packet decodes the packet's headers; nil when its bytes cannot be read.
func (r *record) packet() *decode.Packet {
	if r.p.Decoded != nil {
		return r.p.Decoded
	}
	if !r.pktDone {
		r.pktDone = true
		if r.p.Read != nil {
			if b, err := r.p.Read(); err == nil {
				ix := r.p.Index
				r.pkt.Num, r.pkt.Time, r.pkt.OrigLen = uint32(r.p.Num), ix.Time, int(ix.OrigLen)
				r.parser.Decode(b, r.p.Link, &r.pkt)
				r.pkt.Flow = ix.Flow
				if f := r.p.Flow; f != nil {
					r.pkt.ToServer = f.FromClient(&r.pkt)
				}
				r.pktOK = true
			}
		}
	}
	if !r.pktOK {
		return nil
	}
	return &r.pkt
}

// transport returns the packet's transport protocol (TCP, UDP, ICMP,
// ICMPv6) or ProtoUnknown, from its flow when it has one.
func (r *record) transport() decode.Proto {
	if f := r.p.Flow; f != nil {
		return f.Proto
	}
	switch r.p.Index.Proto {
	case decode.ProtoARP, decode.ProtoLLC, decode.ProtoEthernet:
		return decode.ProtoUnknown
	}
	p := r.packet()
	if p == nil || !p.HasIP || p.Fragment {
		return decode.ProtoUnknown
	}
	switch p.IPProto {
	case layers.IPProtocolTCP:
		return decode.ProtoTCP
	case layers.IPProtocolUDP:
		return decode.ProtoUDP
	case layers.IPProtocolICMPv4:
		return decode.ProtoICMP
	case layers.IPProtocolICMPv6:
		return decode.ProtoICMPv6
	}
	return decode.ProtoUnknown
}

// outer returns the tunnel a packet came through, nil for most packets
// (whose index entry says they came through none, so nothing is decoded).
func (r *record) outer() *decode.Outer {
	if !r.p.Index.Flags.Has(decode.FlagTunnel) {
		return nil
	}
	if p := r.packet(); p != nil && p.Tunneled {
		return &p.Outer
	}
	return nil
}

// hasTransport reports whether the packet holds a want header: its own
// (see transport) or, for UDP, its tunnel's.
func (r *record) hasTransport(want decode.Proto) bool {
	if o := r.outer(); o != nil && o.UDP && want == decode.ProtoUDP {
		return true
	}
	return r.transport() == want
}

// addrs appends the packet's IP source and destination of the family
// (v4 or v6) to out, with which of them were asked for: its tunnel's
// too, as tshark matches ip.addr in any IP header of the packet.
func (r *record) addrs(out []Value, v4, src, dst bool) []Value {
	if o := r.outer(); o != nil {
		// The tunnel's header comes first, as tshark lists its layers.
		if src && o.Src.IsValid() && o.Src.Is4() == v4 {
			out = append(out, Value{A: o.Src})
		}
		if dst && o.Dst.IsValid() && o.Dst.Is4() == v4 {
			out = append(out, Value{A: o.Dst})
		}
	}
	if f := r.p.Flow; f != nil && src && dst {
		// Either direction: the flow's two ends are the packet's.
		if a := f.Client.Addr(); a.Is4() == v4 {
			return append(out, Value{A: a}, Value{A: f.Server.Addr()})
		}
		return out
	}
	switch r.p.Index.Proto {
	case decode.ProtoARP, decode.ProtoLLC:
		return out
	}
	p := r.packet()
	if p == nil || !p.HasIP {
		return out
	}
	if src && p.Src.IsValid() && p.Src.Is4() == v4 {
		out = append(out, Value{A: p.Src})
	}
	if dst && p.Dst.IsValid() && p.Dst.Is4() == v4 {
		out = append(out, Value{A: p.Dst})
	}
	return out
}

// ports appends the packet's source and/or destination port when its
// transport is want.
func (r *record) ports(out []Value, want decode.Proto, src, dst bool) []Value {
	if o := r.outer(); o != nil && o.UDP && want == decode.ProtoUDP {
		if src {
			out = append(out, Value{N: float64(o.SrcPort)})
		}
		if dst {
			out = append(out, Value{N: float64(o.DstPort)})
		}
	}
	if r.transport() != want {
		return out
	}
	if f := r.p.Flow; f != nil && src && dst {
		return append(out, Value{N: float64(f.Client.Port())}, Value{N: float64(f.Server.Port())})
	}
	p := r.packet()
	if p == nil {
		return out
	}
	if src {
		out = append(out, Value{N: float64(p.SrcPort)})
	}
	if dst {
		out = append(out, Value{N: float64(p.DstPort)})
	}
	return out
}

// payload returns the transport payload of a packet whose index says it
// carries protocol want (or one of its kin).
func (r *record) payload() []byte {
	p := r.packet()
	if p == nil {
		return nil
	}
	return p.Payload
}

func (r *record) dnsMsg() (*dns.Message, bool) {
	if !r.dnsDone {
		r.dnsDone = true
		switch r.p.Index.Proto {
		case decode.ProtoDNS, decode.ProtoMDNS, decode.ProtoLLMNR:
			b := r.payload()
			if r.transport() == decode.ProtoTCP {
				msg, _, ok := dns.SplitTCP(b)
				if !ok {
					break
				}
				b = msg
			}
			m, err := dns.Parse(b)
			// A message cut short still names what was read of it.
			r.dns, r.dnsOK = m, err == nil || len(m.Questions) > 0
		}
	}
	return &r.dns, r.dnsOK
}

// stream returns the packet's tshark stream number if its transport is
// proto (see streams).
func (r *record) stream(proto decode.Proto) (int, bool) {
	if r.transport() != proto || r.p.Index.Flow == 0 {
		return 0, false
	}
	return r.streams.number(r.p.Index.Flow, proto)
}

// headers returns the HTTP-like message whose headers the packet ends:
// an HTTP message, or any SSDP message (tshark reads NOTIFY's headers as
// http.* fields too, though NOTIFY is no HTTP message to it).
func (r *record) headers() *httpmsg.Message {
	if r.ssdp != nil {
		return r.ssdp
	}
	return r.http
}

// httpMsg returns the HTTP message the packet completes (see heads).
func (r *record) httpMsg() (*httpmsg.Message, bool) {
	return r.http, r.http != nil
}

func (r *record) dhcpMsg() (*dhcp.Message, bool) {
	if !r.dhcpDone {
		r.dhcpDone = true
		if r.p.Index.Proto == decode.ProtoDHCP {
			m, err := dhcp.Parse(r.payload())
			r.dhcp, r.dhcpOK = m, err == nil
		}
	}
	return &r.dhcp, r.dhcpOK
}

// text is what a free word is looked for in, lower case: the packet's
// row and the names its payload carries.
func (r *record) text() string {
	p := r.packet()
	if p == nil {
		return ""
	}
	s := decode.Summarize(p, r.p.Flow)
	var b strings.Builder
	for _, x := range []string{s.Source, s.Destination, s.Protocol, s.Info} {
		b.WriteString(x)
		b.WriteByte('\n')
	}
	if m, ok := r.dnsMsg(); ok {
		for _, q := range m.Questions {
			b.WriteString(q.Name + "\n")
		}
		m.Records(func(_ int, rr *dns.RR) bool {
			b.WriteString(rr.Name + "\n" + rr.Target + "\n")
			return true
		})
	}
	if m, ok := r.httpMsg(); ok {
		b.WriteString(m.Host + "\n" + m.URI + "\n" + m.UserAgent + "\n")
	}
	if r.tls.sni != "" {
		b.WriteString(r.tls.sni + "\n")
	}
	if m, ok := r.dhcpMsg(); ok {
		b.WriteString(m.Hostname + "\n" + m.VendorClass + "\n")
	}
	return strings.ToLower(b.String())
}

// macValue is a MAC address as a Value.
func macValue(m []byte) Value { return Value{S: string(m)} }

// ipValue is an address as a Value, for fields read from payloads.
func ipValue(a netip.Addr) Value { return Value{A: a} }
