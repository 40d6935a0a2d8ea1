package dfilter

import (
	"net/netip"
	"sort"
	"strings"

	"github.com/gopacket/gopacket/layers"

	"thingsniff/decode"
	"thingsniff/decode/dns"
)

// Kind is the type of a field's values, which decides the literals it is
// compared with and the operators it takes.
type Kind uint8

// Field kinds.
const (
	KindProto  Kind = iota // a protocol: presence only
	KindNumber             // unsigned integers, booleans (0/1) and seconds
	KindIP                 // IPv4 or IPv6 address; compared with addresses or CIDR prefixes
	KindMAC                // Ethernet address
	KindString             // text
	KindDevice             // a device: its MAC, its address or a name learnt for it
)

// Value is one occurrence of a field: N for numbers, A for addresses, S
// for text and MACs (the six bytes).
type Value struct {
	N float64
	A netip.Addr
	S string
}

// Cost says what a field needs of a packet: its index entry (and flow),
// its decoded headers, or its parsed payload.
type Cost uint8

// Costs, cheapest first.
const (
	CostIndex Cost = iota
	CostHeader
	CostPayload
)

// Field is one name a filter may use.
type Field struct {
	Name string
	Kind Kind
	Cost Cost
	// Doc says in a few words what the field is (for completion).
	Doc string
	get func(r *record, out []Value) []Value
}

// Fields lists every field and protocol name, sorted by name.
func Fields() []Field { return fieldList }

// Lookup returns the field with the given name.
func Lookup(name string) (*Field, bool) {
	f, ok := fieldByName[name]
	return f, ok
}

var fieldList, fieldByName = buildFields()

func buildFields() ([]Field, map[string]*Field) {
	var fs []Field
	add := func(name string, k Kind, c Cost, doc string, get func(r *record, out []Value) []Value) {
		fs = append(fs, Field{Name: name, Kind: k, Cost: c, Doc: doc, get: get})
	}
	yes := []Value{{N: 1}}
	flag := func(on bool, out []Value) []Value {
		if on {
			return append(out, Value{N: 1})
		}
		return append(out, Value{N: 0})
	}

	// Protocols. Names match the index's protocol, with a lower layer
	// matching what it carries.
	protoOf := func(ps ...decode.Proto) func(r *record, out []Value) []Value {
		return func(r *record, out []Value) []Value {
			for _, p := range ps {
				if r.p.Index.Proto == p {
					return append(out, yes...)
				}
			}
			return out
		}
	}
	add("eth", KindProto, CostIndex, "Ethernet", func(r *record, out []Value) []Value {
		if r.p.Link == layers.LinkTypeEthernet {
			return append(out, yes...)
		}
		return out
	})
	add("arp", KindProto, CostIndex, "ARP", protoOf(decode.ProtoARP))
	add("eapol", KindProto, CostIndex, "802.1X authentication (EAPOL)", protoOf(decode.ProtoEAPOL))
	ipVersion := func(v4 bool) func(r *record, out []Value) []Value {
		return func(r *record, out []Value) []Value {
			if len(r.addrs(r.vals[:0], v4, true, true)) > 0 {
				return append(out, yes...)
			}
			return out
		}
	}
	add("ip", KindProto, CostHeader, "IPv4", ipVersion(true))
	add("ipv6", KindProto, CostHeader, "IPv6", ipVersion(false))
	transport := func(want decode.Proto) func(r *record, out []Value) []Value {
		return func(r *record, out []Value) []Value {
			if r.hasTransport(want) {
				return append(out, yes...)
			}
			return out
		}
	}
	add("tcp", KindProto, CostIndex, "TCP", transport(decode.ProtoTCP))
	add("udp", KindProto, CostIndex, "UDP", transport(decode.ProtoUDP))
	add("icmp", KindProto, CostIndex, "ICMP", protoOf(decode.ProtoICMP))
	add("icmpv6", KindProto, CostIndex, "ICMPv6", protoOf(decode.ProtoICMPv6))
	add("dns", KindProto, CostIndex, "DNS (not mDNS or LLMNR, whose fields are dns.* too)", protoOf(decode.ProtoDNS))
	add("mdns", KindProto, CostIndex, "multicast DNS", protoOf(decode.ProtoMDNS))
	add("llmnr", KindProto, CostIndex, "LLMNR", protoOf(decode.ProtoLLMNR))
	add("nbns", KindProto, CostIndex, "NetBIOS name service", protoOf(decode.ProtoNBNS))
	add("dhcp", KindProto, CostIndex, "DHCP", protoOf(decode.ProtoDHCP))
	add("dhcpv6", KindProto, CostIndex, "DHCPv6", protoOf(decode.ProtoDHCPv6))
	add("http", KindProto, CostPayload, "a packet that completes an HTTP message over TCP", func(r *record, out []Value) []Value {
		if r.http != nil && r.p.Index.Proto != decode.ProtoSSDP {
			return append(out, yes...)
		}
		return out
	})
	add("tls", KindProto, CostPayload, "a packet in which a TLS record ends", func(r *record, out []Value) []Value {
		if r.tls.ended {
			return append(out, yes...)
		}
		return out
	})
	add("ntp", KindProto, CostIndex, "NTP", protoOf(decode.ProtoNTP))
	add("ssdp", KindProto, CostIndex, "SSDP", protoOf(decode.ProtoSSDP))
	add("igmp", KindProto, CostIndex, "IGMP", protoOf(decode.ProtoIGMP))
	add("vxlan", KindProto, CostIndex, "VXLAN", protoOf(decode.ProtoVXLAN))

	// Frame and thingsniff's own.
	add("frame", KindProto, CostIndex, "every packet", func(r *record, out []Value) []Value { return append(out, yes...) })
	add("frame.number", KindNumber, CostIndex, "packet number", func(r *record, out []Value) []Value {
		return append(out, Value{N: float64(r.p.Num)})
	})
	add("frame.len", KindNumber, CostIndex, "bytes on the wire", func(r *record, out []Value) []Value {
		return append(out, Value{N: float64(r.p.Index.OrigLen)})
	})
	add("frame.cap_len", KindNumber, CostIndex, "bytes captured", func(r *record, out []Value) []Value {
		return append(out, Value{N: float64(r.p.Index.CapLen)})
	})
	add("frame.time_relative", KindNumber, CostIndex, "seconds since the first packet", func(r *record, out []Value) []Value {
		return append(out, Value{N: float64(r.p.Index.Time-r.p.Start) / 1e9})
	})
	add("frame.time_delta", KindNumber, CostIndex, "seconds since the packet before", func(r *record, out []Value) []Value {
		return append(out, Value{N: float64(r.p.Index.Time-r.prevTime) / 1e9})
	})
	add("frame.time_epoch", KindNumber, CostIndex, "seconds since 1970 (UTC)", func(r *record, out []Value) []Value {
		return append(out, Value{N: float64(r.p.Index.Time) / 1e9})
	})
	add("flow", KindNumber, CostIndex, "thingsniff's flow id", func(r *record, out []Value) []Value {
		if r.p.Index.Flow != 0 {
			out = append(out, Value{N: float64(r.p.Index.Flow)})
		}
		return out
	})
	add("device", KindDevice, CostHeader, "a device by MAC, address or learnt name", func(r *record, out []Value) []Value {
		p := r.packet()
		switch {
		case p == nil:
		case p.HasMAC && len(p.SrcMAC) == 6:
			out = append(out, macValue(p.SrcMAC))
			if len(p.DstMAC) == 6 {
				out = append(out, macValue(p.DstMAC))
			}
		case p.HasIP:
			out = append(out, Value{A: p.Src}, Value{A: p.Dst})
		}
		return out
	})
	add("malformed", KindProto, CostIndex, "packets decoding stopped early in", func(r *record, out []Value) []Value {
		if r.p.Index.Flags.Has(decode.FlagMalformed) {
			return append(out, yes...)
		}
		return out
	})

	// Ethernet.
	mac := func(src, dst bool) func(r *record, out []Value) []Value {
		return func(r *record, out []Value) []Value {
			if r.p.Link != layers.LinkTypeEthernet {
				return out
			}
			p := r.packet()
			if p == nil || !p.HasMAC {
				return out
			}
			if src && len(p.SrcMAC) == 6 {
				out = append(out, macValue(p.SrcMAC))
			}
			if dst && len(p.DstMAC) == 6 {
				out = append(out, macValue(p.DstMAC))
			}
			return out
		}
	}
	add("eth.addr", KindMAC, CostHeader, "source or destination MAC", mac(true, true))
	add("eth.src", KindMAC, CostHeader, "source MAC", mac(true, false))
	add("eth.dst", KindMAC, CostHeader, "destination MAC", mac(false, true))
	add("eth.type", KindNumber, CostHeader, "EtherType (0x0800 IPv4, 0x0806 ARP, 0x86dd IPv6)", func(r *record, out []Value) []Value {
		if p := r.packet(); p != nil && r.p.Link == layers.LinkTypeEthernet && p.EtherType != 0 {
			out = append(out, Value{N: float64(p.EtherType)})
		}
		return out
	})

	// IP.
	for _, v := range []struct {
		pre string
		v4  bool
	}{{"ip", true}, {"ipv6", false}} {
		add(v.pre+".addr", KindIP, CostIndex, "source or destination address", func(r *record, out []Value) []Value { return r.addrs(out, v.v4, true, true) })
		add(v.pre+".src", KindIP, CostHeader, "source address", func(r *record, out []Value) []Value { return r.addrs(out, v.v4, true, false) })
		add(v.pre+".dst", KindIP, CostHeader, "destination address", func(r *record, out []Value) []Value { return r.addrs(out, v.v4, false, true) })
	}

	ipField := func(version uint8, get func(f *decode.IPFields, p *decode.Packet) float64) func(r *record, out []Value) []Value {
		return func(r *record, out []Value) []Value {
			if p := r.packet(); p != nil && p.IP.Version == version {
				out = append(out, Value{N: get(&p.IP, p)})
			}
			return out
		}
	}
	add("ip.version", KindNumber, CostHeader, "IP version (4)", ipField(4, func(f *decode.IPFields, _ *decode.Packet) float64 { return 4 }))
	add("ip.ttl", KindNumber, CostHeader, "time to live", ipField(4, func(f *decode.IPFields, _ *decode.Packet) float64 { return float64(f.TTL) }))
	add("ip.id", KindNumber, CostHeader, "identification", ipField(4, func(f *decode.IPFields, _ *decode.Packet) float64 { return float64(f.ID) }))
	add("ip.proto", KindNumber, CostHeader, "protocol (1 ICMP, 6 TCP, 17 UDP)", ipField(4, func(f *decode.IPFields, _ *decode.Packet) float64 { return float64(f.Proto) }))
	add("ip.len", KindNumber, CostHeader, "total length by the header", ipField(4, func(_ *decode.IPFields, p *decode.Packet) float64 { return float64(p.IPLen) }))
	add("ip.dsfield", KindNumber, CostHeader, "differentiated services byte (type of service)", ipField(4, func(f *decode.IPFields, _ *decode.Packet) float64 { return float64(f.TOS) }))
	add("ip.dsfield.dscp", KindNumber, CostHeader, "differentiated services code point", ipField(4, func(f *decode.IPFields, _ *decode.Packet) float64 { return float64(f.TOS >> 2) }))
	add("ip.flags.df", KindNumber, CostHeader, "don't fragment (0 or 1)", ipField(4, func(f *decode.IPFields, _ *decode.Packet) float64 {
		return float64(f.Flags & layers.IPv4DontFragment >> 1)
	}))
	add("ip.flags.mf", KindNumber, CostHeader, "more fragments (0 or 1)", ipField(4, func(f *decode.IPFields, _ *decode.Packet) float64 {
		return float64(f.Flags & layers.IPv4MoreFragments)
	}))
	add("ipv6.hlim", KindNumber, CostHeader, "hop limit", ipField(6, func(f *decode.IPFields, _ *decode.Packet) float64 { return float64(f.TTL) }))
	add("ipv6.nxt", KindNumber, CostHeader, "next header (6 TCP, 17 UDP, 58 ICMPv6)", ipField(6, func(f *decode.IPFields, _ *decode.Packet) float64 { return float64(f.Proto) }))
	add("ipv6.plen", KindNumber, CostHeader, "payload length by the header", ipField(6, func(_ *decode.IPFields, p *decode.Packet) float64 { return float64(p.IPLen - 40) }))
	add("ipv6.tclass", KindNumber, CostHeader, "traffic class", ipField(6, func(f *decode.IPFields, _ *decode.Packet) float64 { return float64(f.TOS) }))

	// TCP and UDP.
	for _, t := range []struct {
		pre   string
		proto decode.Proto
	}{{"tcp", decode.ProtoTCP}, {"udp", decode.ProtoUDP}} {
		add(t.pre+".port", KindNumber, CostIndex, "source or destination port", func(r *record, out []Value) []Value { return r.ports(out, t.proto, true, true) })
		add(t.pre+".srcport", KindNumber, CostHeader, "source port", func(r *record, out []Value) []Value { return r.ports(out, t.proto, true, false) })
		add(t.pre+".dstport", KindNumber, CostHeader, "destination port", func(r *record, out []Value) []Value { return r.ports(out, t.proto, false, true) })
		add(t.pre+".stream", KindNumber, CostHeader, "tshark's conversation number, from 0 (Follow's filter)", func(r *record, out []Value) []Value {
			if n, ok := r.stream(t.proto); ok {
				out = append(out, Value{N: float64(n)})
			}
			return out
		})
	}
	tcpFlag := func(bit decode.TCPFlags) func(r *record, out []Value) []Value {
		return onTransport(decode.ProtoTCP, func(p *decode.Packet, out []Value) []Value {
			return flag(p.TCPFlags.Has(bit), out)
		})
	}
	add("tcp.flags.syn", KindNumber, CostHeader, "SYN bit (0 or 1)", tcpFlag(decode.TCPSyn))
	add("tcp.flags.fin", KindNumber, CostHeader, "FIN bit (0 or 1)", tcpFlag(decode.TCPFin))
	add("tcp.flags.reset", KindNumber, CostHeader, "RST bit (0 or 1)", tcpFlag(decode.TCPRst))
	add("tcp.flags.ack", KindNumber, CostHeader, "ACK bit (0 or 1)", tcpFlag(decode.TCPAck))
	add("tcp.flags.push", KindNumber, CostHeader, "PSH bit (0 or 1)", tcpFlag(decode.TCPPsh))
	add("tcp.flags", KindNumber, CostHeader, "the flag bits (0x002 SYN, 0x012 SYN-ACK)", onTransport(decode.ProtoTCP, func(p *decode.Packet, out []Value) []Value {
		return append(out, Value{N: float64(p.TCPFlags)})
	}))
	// The numbers Wireshark shows relative to each side's first are so
	// with the packet's flow at hand (after a load, or in a scan).
	tcpNumber := func(get func(h *decode.Header, f *decode.Flow) (uint32, bool)) func(r *record, out []Value) []Value {
		return func(r *record, out []Value) []Value {
			if r.transport() != decode.ProtoTCP {
				return out
			}
			if p := r.packet(); p != nil {
				if v, ok := get(&p.Header, r.p.Flow); ok {
					out = append(out, Value{N: float64(v)})
				}
			}
			return out
		}
	}
	add("tcp.seq", KindNumber, CostHeader, "sequence number, relative to the side's first byte", tcpNumber(func(h *decode.Header, f *decode.Flow) (uint32, bool) {
		if f == nil {
			return 0, false
		}
		seq, _ := f.Relative(h)
		return seq, true
	}))
	add("tcp.ack", KindNumber, CostHeader, "acknowledgment number, relative to the other side's first byte", tcpNumber(func(h *decode.Header, f *decode.Flow) (uint32, bool) {
		if f == nil || !h.TCPFlags.Has(decode.TCPAck) {
			return 0, false
		}
		_, ack := f.Relative(h)
		return ack, true
	}))
	add("tcp.seq_raw", KindNumber, CostHeader, "sequence number as sent", tcpNumber(func(h *decode.Header, _ *decode.Flow) (uint32, bool) { return h.Seq, true }))
	add("tcp.ack_raw", KindNumber, CostHeader, "acknowledgment number as sent", tcpNumber(func(h *decode.Header, _ *decode.Flow) (uint32, bool) {
		return h.Ack, h.TCPFlags.Has(decode.TCPAck)
	}))
	add("tcp.window_size_value", KindNumber, CostHeader, "window as sent", tcpNumber(func(h *decode.Header, _ *decode.Flow) (uint32, bool) { return uint32(h.Window), true }))
	add("tcp.window_size", KindNumber, CostHeader, "window scaled as the SYNs asked", tcpNumber(func(h *decode.Header, f *decode.Flow) (uint32, bool) {
		return uint32(f.WindowSize(h)), true
	}))
	add("tcp.len", KindNumber, CostHeader, "TCP payload bytes, as the headers give them", onTransport(decode.ProtoTCP, func(p *decode.Packet, out []Value) []Value {
		return append(out, Value{N: float64(p.SentLen)})
	}))
	// Wireshark's TCP analysis, as the engine marks it in capture order.
	marks := append([]decode.AnalysisMark{{Mark: ^decode.Analysis(0), Field: "tcp.analysis.flags", Help: "any TCP analysis mark the engine sets"}},
		decode.AnalysisMarks...)
	for _, a := range marks {
		add(a.Field, KindProto, CostIndex, a.Help, func(r *record, out []Value) []Value {
			if r.p.Index.Analysis.Any(a.Mark) {
				return append(out, yes...)
			}
			return out
		})
	}
	add("tcp.analysis.duplicate_ack_num", KindNumber, CostIndex, "which duplicate of its acknowledgement a duplicate ACK is", dupAck(func(d decode.DupAck) uint32 { return d.N }))
	add("tcp.analysis.duplicate_ack_frame", KindNumber, CostIndex, "the packet whose acknowledgement a duplicate ACK repeats", dupAck(func(d decode.DupAck) uint32 { return d.Of }))
	add("udp.length", KindNumber, CostHeader, "UDP header and payload bytes (captured)", onTransport(decode.ProtoUDP, func(p *decode.Packet, out []Value) []Value {
		return append(out, Value{N: float64(p.PayloadLen + 8)})
	}))

	// ICMP.
	icmp := func(code bool) func(r *record, out []Value) []Value {
		return func(r *record, out []Value) []Value {
			if ip := r.p.Index.Proto; ip != decode.ProtoICMP && ip != decode.ProtoICMPv6 {
				return out
			}
			p := r.packet()
			switch {
			case p == nil:
			case code:
				out = append(out, Value{N: float64(p.ICMPCode)})
			default:
				out = append(out, Value{N: float64(p.ICMPType)})
			}
			return out
		}
	}
	add("icmp.type", KindNumber, CostHeader, "ICMP type", icmp(false))
	add("icmp.code", KindNumber, CostHeader, "ICMP code", icmp(true))

	// ARP.
	arp := func(get func(a *layers.ARP, out []Value) []Value) func(r *record, out []Value) []Value {
		return func(r *record, out []Value) []Value {
			if r.p.Index.Proto != decode.ProtoARP {
				return out
			}
			if p := r.packet(); p != nil && p.ARP != nil {
				out = get(p.ARP, out)
			}
			return out
		}
	}
	arpIP := func(b []byte, out []Value) []Value {
		if a, ok := netip.AddrFromSlice(b); ok && len(b) == 4 {
			out = append(out, Value{A: a})
		}
		return out
	}
	arpMAC := func(b []byte, out []Value) []Value {
		if len(b) == 6 {
			out = append(out, macValue(b))
		}
		return out
	}
	add("arp.opcode", KindNumber, CostHeader, "1 request, 2 reply", arp(func(a *layers.ARP, out []Value) []Value { return append(out, Value{N: float64(a.Operation)}) }))
	add("arp.src.proto_ipv4", KindIP, CostHeader, "sender's IPv4 address", arp(func(a *layers.ARP, out []Value) []Value { return arpIP(a.SourceProtAddress, out) }))
	add("arp.dst.proto_ipv4", KindIP, CostHeader, "target's IPv4 address", arp(func(a *layers.ARP, out []Value) []Value { return arpIP(a.DstProtAddress, out) }))
	add("arp.src.hw_mac", KindMAC, CostHeader, "sender's MAC", arp(func(a *layers.ARP, out []Value) []Value { return arpMAC(a.SourceHwAddress, out) }))
	add("arp.dst.hw_mac", KindMAC, CostHeader, "target's MAC", arp(func(a *layers.ARP, out []Value) []Value { return arpMAC(a.DstHwAddress, out) }))

	// DNS.
	dnsField := func(get func(m *dns.Message, out []Value) []Value) func(r *record, out []Value) []Value {
		return func(r *record, out []Value) []Value {
			if m, ok := r.dnsMsg(); ok {
				out = get(m, out)
			}
			return out
		}
	}
	records := func(t dns.Type, get func(rr *dns.RR) Value) func(m *dns.Message, out []Value) []Value {
		return func(m *dns.Message, out []Value) []Value {
			m.Records(func(_ int, rr *dns.RR) bool {
				if rr.Type == t {
					out = append(out, get(rr))
				}
				return true
			})
			return out
		}
	}
	add("dns.qry.name", KindString, CostPayload, "name asked for", dnsField(func(m *dns.Message, out []Value) []Value {
		for _, q := range m.Questions {
			out = append(out, Value{S: q.Name})
		}
		return out
	}))
	add("dns.qry.type", KindNumber, CostPayload, "type asked for (1 A, 28 AAAA)", dnsField(func(m *dns.Message, out []Value) []Value {
		for _, q := range m.Questions {
			out = append(out, Value{N: float64(q.Type)})
		}
		return out
	}))
	add("dns.id", KindNumber, CostPayload, "transaction id", dnsField(func(m *dns.Message, out []Value) []Value { return append(out, Value{N: float64(m.ID)}) }))
	add("dns.flags.response", KindNumber, CostPayload, "0 query, 1 response", dnsField(func(m *dns.Message, out []Value) []Value { return flag(m.Response, out) }))
	add("dns.flags.rcode", KindNumber, CostPayload, "response code", dnsField(func(m *dns.Message, out []Value) []Value { return append(out, Value{N: float64(m.RCode & 0xf)}) }))
	add("dns.a", KindIP, CostPayload, "IPv4 address of an A record", dnsField(records(dns.Type(1), func(rr *dns.RR) Value { return ipValue(rr.Addr) })))
	add("dns.aaaa", KindIP, CostPayload, "IPv6 address of an AAAA record", dnsField(records(dns.Type(28), func(rr *dns.RR) Value { return ipValue(rr.Addr) })))
	add("dns.cname", KindString, CostPayload, "canonical name of a CNAME record", dnsField(records(dns.Type(5), func(rr *dns.RR) Value { return Value{S: rr.Target} })))
	add("dns.count.answers", KindNumber, CostPayload, "records in the answer section", dnsField(func(m *dns.Message, out []Value) []Value {
		return append(out, Value{N: float64(len(m.Answers))})
	}))
	add("dns.resp.ttl", KindNumber, CostPayload, "time to live of a record, seconds", dnsField(func(m *dns.Message, out []Value) []Value {
		m.Records(func(_ int, rr *dns.RR) bool {
			if rr.Type != 41 { // OPT holds no TTL
				out = append(out, Value{N: float64(rr.TTL)})
			}
			return true
		})
		return out
	}))
	add("dns.resp.name", KindString, CostPayload, "owner name of a record", dnsField(func(m *dns.Message, out []Value) []Value {
		m.Records(func(_ int, rr *dns.RR) bool {
			out = append(out, Value{S: rr.Name})
			return true
		})
		return out
	}))

	// HTTP.
	httpField := func(request bool, get func(r *record) (Value, bool)) func(r *record, out []Value) []Value {
		return func(r *record, out []Value) []Value {
			if m, ok := r.httpMsg(); ok && m.IsRequest == request {
				if v, ok := get(r); ok {
					out = append(out, v)
				}
			}
			return out
		}
	}
	header := func(request bool, name string) func(r *record, out []Value) []Value {
		return httpField(request, func(r *record) (Value, bool) {
			for _, h := range r.http.Headers {
				if equalFold(h.Name, name) {
					return Value{S: h.Value}, true
				}
			}
			return Value{}, false
		})
	}
	always := func(r *record) (Value, bool) { return Value{N: 1}, true }
	add("http.request", KindProto, CostPayload, "an HTTP request head", httpField(true, always))
	add("http.response", KindProto, CostPayload, "an HTTP response head", httpField(false, always))
	add("http.request.method", KindString, CostPayload, "GET, POST…", httpField(true, func(r *record) (Value, bool) { return Value{S: r.http.Method}, true }))
	add("http.request.uri", KindString, CostPayload, "the request target", httpField(true, func(r *record) (Value, bool) { return Value{S: r.http.URI}, true }))
	add("http.response.code", KindNumber, CostPayload, "status code", httpField(false, func(r *record) (Value, bool) { return Value{N: float64(r.http.StatusCode)}, true }))
	add("http.host", KindString, CostPayload, "Host header", header(true, "Host"))
	add("http.user_agent", KindString, CostPayload, "User-Agent header", header(true, "User-Agent"))
	add("http.cookie", KindString, CostPayload, "Cookie header", header(true, "Cookie"))
	add("http.set_cookie", KindString, CostPayload, "Set-Cookie header", header(false, "Set-Cookie"))
	add("http.server", KindString, CostPayload, "Server header", header(false, "Server"))
	for _, h := range []struct{ name, header string }{
		{"http.referer", "Referer"}, {"http.authorization", "Authorization"}, {"http.accept", "Accept"},
		{"http.location", "Location"}, {"http.connection", "Connection"},
	} {
		// On requests and responses alike, and on SSDP's NOTIFY, which
		// announces a Location.
		add(h.name, KindString, CostPayload, h.header+" header", func(r *record, out []Value) []Value {
			m := r.headers()
			if m == nil {
				return out
			}
			for _, x := range m.Headers {
				if equalFold(x.Name, h.header) {
					out = append(out, Value{S: x.Value})
				}
			}
			return out
		})
	}
	add("http.request.full_uri", KindString, CostPayload, "the request's URL, with its host", func(r *record, out []Value) []Value {
		m := r.headers() // SSDP's NOTIFY too, as tshark
		if m == nil || !m.IsRequest {
			return out
		}
		if strings.Contains(m.URI, "://") || m.Host == "" {
			return append(out, Value{S: m.URI}) // absolute already (to a proxy)
		}
		return append(out, Value{S: "http://" + m.Host + m.URI})
	})
	add("http.request.version", KindString, CostPayload, "HTTP/1.1 or HTTP/1.0", httpField(true, func(r *record) (Value, bool) { return Value{S: r.http.Version}, r.http.Version != "" }))
	add("http.response.phrase", KindString, CostPayload, "the status line's reason", httpField(false, func(r *record) (Value, bool) { return Value{S: r.http.Reason}, true }))
	add("http.content_length", KindNumber, CostPayload, "Content-Length header", func(r *record, out []Value) []Value {
		if m, ok := r.httpMsg(); ok && m.ContentLength >= 0 {
			out = append(out, Value{N: float64(m.ContentLength)})
		}
		return out
	})
	add("http.content_type", KindString, CostPayload, "Content-Type header", func(r *record, out []Value) []Value {
		if m, ok := r.httpMsg(); ok && m.ContentType != "" {
			out = append(out, Value{S: m.ContentType})
		}
		return out
	})

	// TLS.
	add("tls.handshake.type", KindNumber, CostPayload, "1 ClientHello, 2 ServerHello, 11 Certificate…", func(r *record, out []Value) []Value {
		for _, t := range r.tls.types {
			out = append(out, Value{N: float64(t)})
		}
		return out
	})
	add("tls.handshake.extensions_server_name", KindString, CostPayload, "server name (SNI) of a ClientHello", func(r *record, out []Value) []Value {
		if r.tls.sni != "" {
			out = append(out, Value{S: r.tls.sni})
		}
		return out
	})
	add("tls.handshake.extensions_alpn_str", KindString, CostPayload, "application protocol offered (ClientHello) or chosen (ServerHello)", func(r *record, out []Value) []Value {
		for _, p := range r.tls.alpn {
			out = append(out, Value{S: p})
		}
		return out
	})
	add("tls.handshake.ja4", KindString, CostPayload, "the client's JA4 fingerprint", func(r *record, out []Value) []Value {
		if r.tls.ja4 != "" {
			out = append(out, Value{S: r.tls.ja4})
		}
		return out
	})

	// DHCP.
	add("dhcp.option.hostname", KindString, CostPayload, "host name (option 12)", func(r *record, out []Value) []Value {
		if m, ok := r.dhcpMsg(); ok && m.Hostname != "" {
			out = append(out, Value{S: m.Hostname})
		}
		return out
	})
	add("dhcp.option.dhcp", KindNumber, CostPayload, "message type (1 Discover … 5 ACK)", func(r *record, out []Value) []Value {
		if m, ok := r.dhcpMsg(); ok && m.Type != 0 {
			out = append(out, Value{N: float64(m.Type)})
		}
		return out
	})
	add("dhcp.option.vendor_class_id", KindString, CostPayload, "vendor class (option 60)", func(r *record, out []Value) []Value {
		if m, ok := r.dhcpMsg(); ok && m.VendorClass != "" {
			out = append(out, Value{S: m.VendorClass})
		}
		return out
	})
	add("dhcp.ip.your", KindIP, CostPayload, "address given (yiaddr)", func(r *record, out []Value) []Value {
		if m, ok := r.dhcpMsg(); ok && m.YourIP.IsValid() {
			out = append(out, Value{A: m.YourIP})
		}
		return out
	})

	sort.Slice(fs, func(i, j int) bool { return fs[i].Name < fs[j].Name })
	by := make(map[string]*Field, len(fs))
	for i := range fs {
		by[fs[i].Name] = &fs[i]
	}
	return fs, by
}

// equalFold compares ASCII header names ignoring case.
func equalFold(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		x, y := a[i]|0x20, b[i]|0x20
		if x != y {
			return false
		}
	}
	return true
}

// onTransport is a field read from the decoded packet by get, on packets
// whose transport is proto only: the TCP flags, tcp.len and udp.length
// are such fields.
func onTransport(proto decode.Proto, get func(p *decode.Packet, out []Value) []Value) func(r *record, out []Value) []Value {
	return func(r *record, out []Value) []Value {
		if r.transport() != proto {
			return out
		}
		if p := r.packet(); p != nil {
			out = get(p, out)
		}
		return out
	}
}

// dupAck reads a number of the packet's duplicate ACK, when it is one.
func dupAck(num func(decode.DupAck) uint32) func(r *record, out []Value) []Value {
	return func(r *record, out []Value) []Value {
		if d := r.p.DupAck; r.p.Index.Analysis.Has(decode.AnalysisDupAck) && d.N > 0 {
			return append(out, Value{N: float64(num(d))})
		}
		return out
	}
}
