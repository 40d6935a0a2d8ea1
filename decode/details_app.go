package decode

import (
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"net/netip"
	"strings"

	"thingsniff/decode/dhcp"
	"thingsniff/decode/dns"
	"thingsniff/decode/mqtt"
	"thingsniff/decode/ntp"
	"thingsniff/decode/quic"
)

// The application protocols' details trees: every line marks exactly the
// bytes it describes (a DNS ID its 2 bytes, a server name its own), as
// Wireshark's tree does. Each builder reads b, the transport payload,
// which starts at byte base of the packet; it stays within b whatever
// b holds, and says where it stopped when the bytes end early.

// tree builds nodes whose offsets are relative to one payload.
type tree struct {
	b    []byte
	base int
}

// at returns a node for bytes [off, off+n) of the payload, clipped to
// what was captured.
func (t tree) at(title string, off, n int) Node {
	start, end := min(off, len(t.b)), min(off+n, len(t.b))
	if start < 0 || end <= start {
		return Node{Title: title}
	}
	return Node{Title: title, Start: t.base + start, End: t.base + end}
}

func (t tree) u16(off int) int {
	if off+2 > len(t.b) {
		return 0
	}
	return int(binary.BigEndian.Uint16(t.b[off:]))
}

// withFilter gives n the display filter that matches its value.
func withFilter(n Node, filter string) Node {
	n.Filter = filter
	return n
}

// parsed is filter when the message parsed (err is nil): the display
// filter reads the fields of a message it could parse only.
func parsed(err error, filter string) string {
	if err != nil {
		return ""
	}
	return filter
}

// addrFilter matches field to an address that ip4At read, "" when
// there was none.
func addrFilter(field, addr string) string {
	if addr == "?" {
		return ""
	}
	return field + " == " + addr
}

// appDetails returns the tree of the application protocol p was
// recognised as, from its payload at base; ok is false for protocols
// without a tree of their own here.
func appDetails(p *Packet, base int) (Node, bool) {
	t := tree{b: p.Payload, base: base}
	switch p.Proto {
	case ProtoDNS, ProtoMDNS, ProtoLLMNR:
		if p.IPProto == 6 {
			if len(t.b) < 2 {
				return Node{}, false
			}
			t = tree{b: t.b[2:], base: base + 2}
		}
		return t.dns(p.Proto), true
	case ProtoDHCP:
		return t.dhcp(), true
	case ProtoTLS:
		return t.tls(TLSName(p.SrcPort, p.DstPort)), true
	case ProtoNTP:
		return t.ntp(), true
	case ProtoMQTT:
		return t.mqtt(), true
	case ProtoQUIC:
		return t.quic(), true
	}
	return Node{}, false
}

// nameEnd returns where the wire form of a DNS name at off ends (after
// its last label or its pointer), or -1.
func nameEnd(b []byte, off int) int {
	for n := 0; off < len(b) && n < 128; n++ {
		l := int(b[off])
		switch {
		case l == 0:
			return off + 1
		case l&0xc0 == 0xc0:
			return off + 2
		}
		off += 1 + l
	}
	return -1
}

var dnsSectionNames = [...]string{"Answers", "Authoritative nameservers", "Additional records"}

func (t tree) dns(proto Proto) Node {
	name := map[Proto]string{ProtoMDNS: "Multicast Domain Name System", ProtoLLMNR: "Link-local Multicast Name Resolution"}[proto]
	if name == "" {
		name = "Domain Name System"
	}
	m, err := dns.Parse(t.b)
	kind := "query"
	if m.Response {
		kind = "response"
	}
	n := Node{Title: fmt.Sprintf("%s (%s)", name, kind), Start: t.base, End: t.base + len(t.b)}
	if len(t.b) < 12 {
		n.Children = append(n.Children, Node{Title: "[Header cut short]"})
		return n
	}
	flags := t.u16(2)
	n.Children = append(n.Children,
		withFilter(t.at(fmt.Sprintf("Transaction ID: 0x%04x", m.ID), 0, 2), parsed(err, fmt.Sprintf("dns.id == 0x%04x", m.ID))),
		t.at(fmt.Sprintf("Flags: 0x%04x (%s, %s)", flags, m.Opcode, m.RCode), 2, 2),
		t.at(fmt.Sprintf("Questions: %d", t.u16(4)), 4, 2),
		t.at(fmt.Sprintf("Answer RRs: %d", t.u16(6)), 6, 2),
		t.at(fmt.Sprintf("Authority RRs: %d", t.u16(8)), 8, 2),
		t.at(fmt.Sprintf("Additional RRs: %d", t.u16(10)), 10, 2))
	off := 12
	queries := Node{Title: "Queries", Start: t.base + off}
	for i := 0; i < t.u16(4) && i < 64; i++ {
		end := nameEnd(t.b, off)
		if end < 0 || end+4 > len(t.b) {
			break
		}
		qname, qtype, qfilter := "?", dns.Type(t.u16(end)), ""
		if i < len(m.Questions) {
			qname = Printable(m.Questions[i].Name)
			qfilter = parsed(err, "dns.qry.name == "+FilterString(m.Questions[i].Name))
		}
		q := t.at(fmt.Sprintf("%s: type %s, class %s", qname, qtype, dns.Class(t.u16(end+2)&0x7fff)), off, end+4-off)
		q.Children = []Node{withFilter(t.at("Name: "+qname, off, end-off), qfilter), t.at("Type: "+qtype.String(), end, 2),
			t.at(fmt.Sprintf("Class: %s (0x%04x)", dns.Class(t.u16(end+2)&0x7fff), t.u16(end+2)), end+2, 2)}
		queries.Children = append(queries.Children, q)
		off = end + 4
	}
	queries.End = t.base + off
	if len(queries.Children) > 0 {
		n.Children = append(n.Children, queries)
	}
	var rrs []*dns.RR
	m.Records(func(_ int, rr *dns.RR) bool { rrs = append(rrs, rr); return true })
	k := 0
	for s, count := range []int{t.u16(6), t.u16(8), t.u16(10)} {
		sec := Node{Title: dnsSectionNames[s], Start: t.base + off}
		for i := 0; i < count && i < 256; i++ {
			end := nameEnd(t.b, off)
			if end < 0 || end+10 > len(t.b) {
				break
			}
			rdlen := t.u16(end + 8)
			var rr *dns.RR
			if k < len(rrs) {
				rr = rrs[k]
			}
			k++
			owner, typ, data := "?", dns.Type(t.u16(end)), ""
			if rr != nil {
				owner, data = Printable(rr.Name), rdataText(rr)
			}
			line := t.at(fmt.Sprintf("%s: type %s", owner, typ), off, end+10+rdlen-off)
			if data != "" {
				line.Title += ", " + Printable(data)
			}
			ttl := uint32(0)
			if end+8 <= len(t.b) {
				ttl = binary.BigEndian.Uint32(t.b[end+4:])
			}
			line.Children = []Node{t.at("Name: "+owner, off, end-off), t.at("Type: "+typ.String(), end, 2),
				t.at(fmt.Sprintf("Class: 0x%04x", t.u16(end+2)), end+2, 2), t.at(fmt.Sprintf("Time to live: %d", ttl), end+4, 4),
				t.at(fmt.Sprintf("Data length: %d", rdlen), end+8, 2)}
			if data != "" {
				line.Children = append(line.Children, t.at(rdataLabel(typ)+": "+Printable(data), end+10, rdlen))
			} else if rdlen > 0 {
				line.Children = append(line.Children, t.at(fmt.Sprintf("Data (%d bytes)", rdlen), end+10, rdlen))
			}
			sec.Children = append(sec.Children, line)
			off = end + 10 + rdlen
		}
		sec.End = t.base + min(off, len(t.b))
		if len(sec.Children) > 0 {
			n.Children = append(n.Children, sec)
		}
	}
	if err != nil {
		n.Children = append(n.Children, Node{Title: "[Malformed: " + err.Error() + "]"})
	}
	return n
}

func rdataLabel(t dns.Type) string {
	switch t {
	case dns.TypeA, dns.TypeAAAA:
		return "Address"
	case dns.TypeCNAME:
		return "CNAME"
	case dns.TypePTR:
		return "Domain Name"
	case dns.TypeNS:
		return "Name Server"
	case dns.TypeSOA:
		return "Primary name server"
	case dns.TypeNSEC:
		return "Next Domain Name"
	}
	return t.String()
}

func ip4At(b []byte, off int) string {
	if off+4 > len(b) {
		return "?"
	}
	return netip.AddrFrom4([4]byte(b[off : off+4])).String()
}

func (t tree) dhcp() Node {
	m, err := dhcp.Parse(t.b)
	n := Node{Title: "Dynamic Host Configuration Protocol (" + m.Type.String() + ")", Start: t.base, End: t.base + len(t.b)}
	op := "Boot Request"
	if m.Op == dhcp.BootReply {
		op = "Boot Reply"
	}
	n.Children = []Node{
		t.at(fmt.Sprintf("Message type: %s (%d)", op, m.Op), 0, 1),
		t.at(fmt.Sprintf("Hardware type: 0x%02x", m.HType), 1, 1),
		t.at(fmt.Sprintf("Hardware address length: %d", m.HLen), 2, 1),
		t.at(fmt.Sprintf("Hops: %d", m.Hops), 3, 1),
		t.at(fmt.Sprintf("Transaction ID: 0x%08x", m.XID), 4, 4),
		t.at(fmt.Sprintf("Seconds elapsed: %d", m.Secs), 8, 2),
		t.at(fmt.Sprintf("Bootp flags: 0x%04x", t.u16(10)), 10, 2),
		t.at("Client IP address: "+ip4At(t.b, 12), 12, 4),
		withFilter(t.at("Your (client) IP address: "+ip4At(t.b, 16), 16, 4), parsed(err, addrFilter("dhcp.ip.your", ip4At(t.b, 16)))),
		t.at("Next server IP address: "+ip4At(t.b, 20), 20, 4),
		t.at("Relay agent IP address: "+ip4At(t.b, 24), 24, 4),
		t.at("Client MAC address: "+m.ClientMAC.String(), 28, 16),
		t.at("Server host name: "+Printable(m.ServerName), 44, 64),
		t.at("Boot file name: "+Printable(m.File), 108, 128),
	}
	if len(t.b) >= 240 {
		n.Children = append(n.Children, t.at("Magic cookie: DHCP", 236, 4))
	}
	for off := 240; off < len(t.b) && len(n.Children) < 300; {
		code := t.b[off]
		if code == 0 {
			off++
			continue
		}
		if code == 255 {
			n.Children = append(n.Children, t.at("Option: (255) End", off, 1))
			break
		}
		if off+2 > len(t.b) {
			break
		}
		l := int(t.b[off+1])
		o := t.at(fmt.Sprintf("Option: (%d) %s", code, dhcpOptionText(code, t.b[off+2:min(off+2+l, len(t.b))])), off, 2+l)
		if code == 12 && off+2+l <= len(t.b) && err == nil {
			o.Filter = "dhcp.option.hostname == " + FilterString(string(t.b[off+2:off+2+l]))
		}
		o.Children = []Node{t.at(fmt.Sprintf("Length: %d", l), off+1, 1)}
		if l > 0 {
			o.Children = append(o.Children, t.at("Value", off+2, l))
		}
		n.Children = append(n.Children, o)
		off += 2 + l
	}
	if err != nil {
		n.Children = append(n.Children, Node{Title: "[Malformed: " + err.Error() + "]"})
	}
	return n
}

// dhcpOptionText names an option and, for the ones a person reads, its value.
func dhcpOptionText(code byte, v []byte) string {
	str := func(name string) string { return name + ": " + Printable(string(v)) }
	addr := func(name string) string {
		if len(v) >= 4 {
			return name + ": " + ip4At(v, 0)
		}
		return name
	}
	switch code {
	case 1:
		return addr("Subnet Mask")
	case 3:
		return addr("Router")
	case 6:
		return addr("Domain Name Server")
	case 12:
		return str("Host Name")
	case 15:
		return str("Domain Name")
	case 50:
		return addr("Requested IP Address")
	case 51:
		if len(v) == 4 {
			return fmt.Sprintf("IP Address Lease Time: %d s", binary.BigEndian.Uint32(v))
		}
	case 53:
		if len(v) == 1 {
			return "DHCP Message Type: " + dhcp.MessageType(v[0]).String()
		}
	case 54:
		return addr("DHCP Server Identifier")
	case 55:
		return fmt.Sprintf("Parameter Request List (%d items)", len(v))
	case 57:
		return "Maximum DHCP Message Size"
	case 60:
		return str("Vendor class identifier")
	case 61:
		return "Client identifier: " + hex.EncodeToString(v)
	case 81:
		return "Client Fully Qualified Domain Name"
	}
	return fmt.Sprintf("(%d bytes)", len(v))
}

func (t tree) ntp() Node {
	p, err := ntp.Parse(t.b)
	n := Node{Title: "Network Time Protocol (NTP Version " + fmt.Sprint(p.Version) + ", " + p.Mode.String() + ")", Start: t.base, End: t.base + len(t.b)}
	if len(t.b) == 0 {
		return n
	}
	flags := t.at(fmt.Sprintf("Flags: 0x%02x, Leap Indicator: %d, Version number: NTP Version %d, Mode: %s", t.b[0], p.Leap, p.Version, p.Mode), 0, 1)
	n.Children = append(n.Children, flags)
	if err != nil {
		n.Children = append(n.Children, Node{Title: "[" + err.Error() + "]"})
		return n
	}
	ts := func(off int) string {
		v := binary.BigEndian.Uint64(t.b[off:])
		if v == 0 {
			return "(0)"
		}
		return ntpTime(v)
	}
	n.Children = append(n.Children,
		t.at(fmt.Sprintf("Peer Clock Stratum: %d", p.Stratum), 1, 1),
		t.at(fmt.Sprintf("Peer Polling Interval: %d", p.Poll), 2, 1),
		t.at(fmt.Sprintf("Peer Clock Precision: %d", p.Precision), 3, 1),
		t.at("Root Delay", 4, 4), t.at("Root Dispersion", 8, 4),
		t.at(fmt.Sprintf("Reference ID: %d.%d.%d.%d", p.RefID[0], p.RefID[1], p.RefID[2], p.RefID[3]), 12, 4),
		t.at("Reference Timestamp: "+ts(16), 16, 8), t.at("Origin Timestamp: "+ts(24), 24, 8),
		t.at("Receive Timestamp: "+ts(32), 32, 8), t.at("Transmit Timestamp: "+ts(40), 40, 8))
	return n
}

func ntpTime(v uint64) string {
	var b [48]byte
	b[0] = 0x23
	binary.BigEndian.PutUint64(b[40:], v)
	p, _ := ntp.Parse(b[:])
	return p.Transmit.UTC().Format("2006-01-02 15:04:05.000000 UTC")
}

func (t tree) mqtt() Node {
	n := Node{Title: "MQ Telemetry Transport Protocol", Start: t.base, End: t.base + len(t.b)}
	for off := 0; off < len(t.b) && len(n.Children) < 64; {
		m, err := mqtt.Parse(t.b[off:])
		if m.Type == 0 {
			break
		}
		s := tree{b: t.b[off:], base: t.base + off}
		msg := s.at(m.Type.String(), 0, m.Len())
		msg.Children = append(msg.Children, s.at(fmt.Sprintf("Header Flags: 0x%02x, Message Type: %s", byte(m.Type)<<4|m.Flags, m.Type), 0, 1))
		if m.HeaderLen > 0 {
			msg.Children = append(msg.Children, s.at(fmt.Sprintf("Msg Len: %d", m.Remaining), 1, m.HeaderLen-1))
		}
		span := func(title string, sp mqtt.Span) {
			if sp.Len > 0 {
				msg.Children = append(msg.Children, s.at(title, sp.Off, sp.Len))
			}
		}
		span("Protocol Name: "+Printable(m.ProtocolName), m.At.ProtocolName)
		span(fmt.Sprintf("Version: %d", m.Level), m.At.Level)
		span(fmt.Sprintf("Connect Flags: 0x%02x", m.ConnectFlags), m.At.ConnectFlags)
		span(fmt.Sprintf("Keep Alive: %d", m.KeepAlive), m.At.KeepAlive)
		span("Client ID: "+Printable(m.ClientID), m.At.ClientID)
		span("Will Topic: "+Printable(m.WillTopic), m.At.WillTopic)
		span("User Name: "+Printable(m.Username), m.At.Username)
		span("Password: (sent in clear text)", m.At.Password)
		span(fmt.Sprintf("Return Code: %d", m.ReturnCode), m.At.ReturnCode)
		span("Topic: "+Printable(m.Topic), m.At.Topic)
		span(fmt.Sprintf("Message Identifier: %d", m.PacketID), m.At.PacketID)
		for i, sp := range m.At.Topics {
			span("Topic: "+Printable(m.Topics[i]), sp)
		}
		if m.Type == mqtt.Publish {
			span("Message", m.At.Payload)
		}
		n.Children = append(n.Children, msg)
		if err != nil {
			break
		}
		off += m.Len()
	}
	return n
}

func (t tree) quic() Node {
	n := Node{Title: "QUIC IETF", Start: t.base, End: t.base + len(t.b)}
	h, err := quic.ParseHeader(t.b)
	if len(t.b) == 0 {
		return n
	}
	n.Children = append(n.Children, t.at(fmt.Sprintf("Header Form: %s, Packet Type: %s", map[bool]string{true: "Long Header", false: "Short Header"}[h.Long], h.Type), 0, 1))
	if !h.Long || err != nil {
		return n
	}
	n.Children = append(n.Children, t.at("Version: "+h.Version.String(), 1, 4),
		t.at(fmt.Sprintf("Destination Connection ID Length: %d", len(h.DCID)), 5, 1),
		t.at("Destination Connection ID: "+hex.EncodeToString(h.DCID), 6, len(h.DCID)),
		t.at(fmt.Sprintf("Source Connection ID Length: %d", len(h.SCID)), 6+len(h.DCID), 1),
		t.at("Source Connection ID: "+hex.EncodeToString(h.SCID), 7+len(h.DCID), len(h.SCID)))
	if h.Type == quic.Initial || h.Type == quic.Handshake || h.Type == quic.ZeroRTT {
		n.Children = append(n.Children, t.at(fmt.Sprintf("Length: %d", h.Length), 7+len(h.DCID)+len(h.SCID), h.PNOffset-(7+len(h.DCID)+len(h.SCID))),
			t.at("Packet Number and Payload (protected)", h.PNOffset, h.Length))
	}
	if h.Type == quic.Initial {
		p, ch, err := quic.ClientHelloOf(t.b)
		switch {
		case p.Crypto == nil && err != nil:
			n.Children = append(n.Children, Node{Title: "[Not opened: " + err.Error() + "]"})
		case err != nil:
			n.Children = append(n.Children, Node{Title: fmt.Sprintf("[Opened: packet number %d, %d CRYPTO frames; %v]", p.PacketNumber, len(p.Crypto), err)})
		default:
			n.Children = append(n.Children, Node{Title: fmt.Sprintf("[Opened: packet number %d; ClientHello: server name %s, ALPN %s]",
				p.PacketNumber, Printable(ch.SNI), Printable(strings.Join(ch.ALPN, ", ")))})
		}
	}
	return n
}
