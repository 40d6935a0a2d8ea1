package device

import (
	"fmt"
	"net/netip"
	"strings"

	"thingsniff/decode"
	"thingsniff/decode/dns"
)

// dnsKey links a response to its query: who asked, the id and the name.
type dnsKey struct {
	dev  string
	id   uint16
	name string
}

// dnsState links queries to answers. Pending queries are capped so that a
// capture of unanswered queries cannot grow it without bound.
type dnsState struct {
	pending map[dnsKey]*Event
}

const maxPendingDNS = 4096

func newDNSState() dnsState { return dnsState{pending: map[dnsKey]*Event{}} }

// dnsPacket records DNS, mDNS, LLMNR and NBNS messages: a query on the
// device that asked, its answer on the same event, and names a device
// announces about itself.
func (b *Builder) dnsPacket(src *Device, p *decode.Packet, f *decode.Flow) {
	var msgs [][]byte
	if p.IPProto == 6 { // DNS over TCP: whole messages in this segment
		rest := p.Payload
		for {
			m, r, ok := dns.SplitTCP(rest)
			if !ok {
				break
			}
			msgs, rest = append(msgs, m), r
		}
	} else {
		msgs = [][]byte{p.Payload}
	}
	for _, raw := range msgs {
		var m dns.Message
		var err error
		if p.Proto == decode.ProtoNBNS {
			m, err = dns.ParseNBNS(raw)
		} else {
			m, err = dns.Parse(raw)
		}
		if err != nil {
			continue
		}
		b.dnsMessage(src, p, f, &m)
	}
}

func protoName(p decode.Proto) string { return strings.ToLower(p.String()) }

func (b *Builder) dnsMessage(src *Device, p *decode.Packet, f *decode.Flow, m *dns.Message) {
	var flow uint32
	if f != nil {
		flow = f.ID
	}
	q := dns.Question{}
	if len(m.Questions) > 0 {
		q = m.Questions[0]
	}
	if !m.Response {
		if src == nil || q.Name == "" {
			return
		}
		if p.Proto == decode.ProtoNBNS && m.Opcode != 0 {
			b.announce(src, p, "nbns", q.Name, "registered its NetBIOS name")
			return
		}
		id := m.ID
		e := &Event{Time: stamp(p.Time), Kind: KindDNS, Packets: []uint32{p.Num}, Flow: flow, ID: &id,
			Query: q.Name, Type: q.Type.String(), Protocol: protoName(p.Proto)}
		e.Summary = fmt.Sprintf("looked up %s (%s) via %s", q.Name, q.Type, strings.ToUpper(e.Protocol))
		if len(b.dns.pending) < maxPendingDNS {
			b.dns.pending[dnsKey{src.Key, m.ID, q.Name}] = e
		}
		b.add(src, e)
		return
	}
	// A response: to the device that asked, or an announcement. A unicast
	// answer proves someone asked, even if the query was not captured.
	asker := b.receiver(p)
	if asker == nil && p.Proto == decode.ProtoDNS {
		asker = b.destination(p)
	}
	var e *Event
	if asker != nil {
		k := dnsKey{asker.Key, m.ID, q.Name}
		if e = b.dns.pending[k]; e != nil {
			delete(b.dns.pending, k)
		}
	}
	answers := answerStrings(m)
	if e == nil {
		if p.Proto == decode.ProtoMDNS || p.Proto == decode.ProtoNBNS || asker == nil {
			b.selfNames(src, p, m)
			return
		}
		id := m.ID
		e = &Event{Time: stamp(p.Time), Kind: KindDNS, Flow: flow, ID: &id, Query: q.Name, Type: q.Type.String(),
			Protocol: protoName(p.Proto)}
		b.add(asker, e)
	}
	e.Packets = append(e.Packets, p.Num)
	e.Rcode = m.RCode.String()
	e.Answers = answers
	e.AnswerMs = float64(p.Time-e.Time.UnixNano()) / 1e6
	if len(answers) > 0 {
		e.Summary = fmt.Sprintf("looked up %s (%s): %s in %s", e.Query, e.Type, strings.Join(answers, ", "), fmtMs(e.AnswerMs))
	} else {
		e.Summary = fmt.Sprintf("looked up %s (%s): %s, no answer", e.Query, e.Type, e.Rcode)
	}
	if asker != nil {
		for _, rr := range m.Answers {
			if rr.Addr.IsValid() && (rr.Type == 1 || rr.Type == 28) {
				if len(asker.resolved) < maxResolved {
					asker.resolved[rr.Addr.Unmap()] = e.Query
				}
			}
		}
	}
}

// answerStrings lists the answers as tshark's fields show them: addresses,
// CNAME and PTR targets, TXT strings, SRV targets.
func answerStrings(m *dns.Message) []string {
	var out []string
	for _, rr := range m.Answers {
		switch {
		case rr.Addr.IsValid():
			out = append(out, rr.Addr.String())
		case rr.Target != "":
			out = append(out, fmt.Sprintf("%s %s", rr.Type, rr.Target))
		case len(rr.Text) > 0:
			out = append(out, "TXT "+strings.Join(rr.Text, " "))
		}
	}
	return out
}

// selfNames takes the names a device announces about itself in mDNS or
// NBNS answers: host names of its A/AAAA records, service instances,
// and model keys in TXT records.
func (b *Builder) selfNames(src *Device, p *decode.Packet, m *dns.Message) {
	if src == nil {
		return
	}
	var names []string
	m.Records(func(section int, rr *dns.RR) bool {
		switch {
		case rr.Addr.IsValid() && (rr.Type == 1 || rr.Type == 28 || rr.Type == 32):
			if isOwn(src, rr.Addr) || p.Proto == decode.ProtoNBNS {
				names = append(names, strings.TrimSuffix(rr.Name, ".local"))
			}
		case rr.Type == 16:
			for _, t := range rr.Text {
				k, v, ok := strings.Cut(t, "=")
				if ok && v != "" && (strings.EqualFold(k, "md") || strings.EqualFold(k, "model") || strings.EqualFold(k, "fn")) {
					src.Profile.Models = appendUnique(src.Profile.Models, v)
				}
			}
		}
		return true
	})
	for _, n := range names {
		if !src.names[n] {
			b.announce(src, p, protoName(p.Proto), n, "announced its name")
		}
	}
}

func isOwn(d *Device, a netip.Addr) bool { return d.hasIP(a.Unmap()) || len(d.ips) == 0 }

// announce records a name a device gave itself.
func (b *Builder) announce(d *Device, p *decode.Packet, proto, name, verb string) {
	if name == "" {
		return
	}
	d.addName(name)
	b.add(d, &Event{Time: stamp(p.Time), Kind: KindName, Packets: []uint32{p.Num}, Protocol: proto, Hostname: name,
		Summary: fmt.Sprintf("%s %q via %s", verb, name, strings.ToUpper(proto))})
}

func appendUnique(s []string, v string) []string {
	for _, x := range s {
		if x == v {
			return s
		}
	}
	return append(s, v)
}
