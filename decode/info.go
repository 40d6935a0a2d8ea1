package decode

import (
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/gopacket/gopacket/layers"

	"thingsniff/decode/dhcp"
	"thingsniff/decode/dns"
	"thingsniff/decode/mqtt"
	"thingsniff/decode/ntp"
	"thingsniff/decode/quic"
	"thingsniff/decode/tls"
)

// appInfo writes the Info text of an application protocol the way
// Wireshark's packet list words it, and reports whether it wrote any:
// a payload it cannot read (cut by the snap length, mid-stream) falls
// back to the transport's line.
func appInfo(b *strings.Builder, p *Packet) bool {
	switch p.Proto {
	case ProtoDNS, ProtoMDNS, ProtoLLMNR:
		msg := p.Payload
		if p.IPProto == 6 { // DNS over TCP: a length prefix
			m, _, ok := dns.SplitTCP(msg)
			if !ok {
				return false
			}
			msg = m
		}
		return dnsInfo(b, msg, p.Proto == ProtoMDNS)
	case ProtoDHCP:
		return dhcpInfo(b, p.Payload)
	case ProtoTLS:
		return tlsInfo(b, p.Payload)
	case ProtoNTP:
		n, err := ntp.Parse(p.Payload)
		if err != nil {
			return false
		}
		fmt.Fprintf(b, "NTP Version %d, %s", n.Version, n.Mode)
		return true
	case ProtoMQTT:
		return mqttInfo(b, p.Payload)
	case ProtoQUIC:
		return quicInfo(b, p.Payload)
	case ProtoEAPOL:
		return eapolInfo(b, p.Payload)
	case ProtoPPPoED:
		name, ok := pppoeCodes[p.PPPoECode]
		if !ok {
			name = fmt.Sprintf("PPPoE discovery code 0x%02x", p.PPPoECode)
		}
		b.WriteString(name)
		return true
	}
	return false
}

// rcodeText is how Wireshark's Info names a response code.
var rcodeText = map[dns.RCode]string{1: "Format error", 2: "Server failure", 3: "No such name", 4: "Not implemented", 5: "Refused"}

var opcodeText = map[dns.Opcode]string{0: "Standard query", 1: "Inverse query", 2: "Server status request", 4: "Zone change notification", 5: "Dynamic update"}

// dnsInfo: "Standard query 0x7843 A update.example.com" and, for a
// response, every record after it ("A 1.2.3.4", "CNAME x", "SOA ns").
func dnsInfo(b *strings.Builder, msg []byte, mdns bool) bool {
	m, err := dns.Parse(msg)
	if err != nil && len(m.Questions) == 0 && len(m.Answers) == 0 {
		return false
	}
	op, ok := opcodeText[m.Opcode]
	if !ok {
		op = "Unknown operation (" + fmt.Sprint(int(m.Opcode)) + ")"
	}
	b.WriteString(op)
	if m.Response {
		b.WriteString(" response")
	}
	fmt.Fprintf(b, " 0x%04x", m.ID)
	if r, ok := rcodeText[m.RCode]; ok && m.Response {
		b.WriteString(" " + r)
	}
	for _, q := range m.Questions {
		fmt.Fprintf(b, " %s %s", q.Type, q.Name)
		if mdns {
			if q.UnicastResponse {
				b.WriteString(`, "QU" question`)
			} else {
				b.WriteString(`, "QM" question`)
			}
		}
	}
	m.Records(func(_ int, rr *dns.RR) bool {
		b.WriteString(" " + rr.Type.String())
		if rr.CacheFlush && mdns {
			b.WriteString(", cache flush")
		}
		if s := rdataText(rr); s != "" {
			b.WriteString(" " + s)
		}
		return b.Len() < 1024
	})
	return true
}

// rdataText is a record's data as the Info column shows it.
func rdataText(rr *dns.RR) string {
	switch rr.Type {
	case dns.TypeA, dns.TypeAAAA:
		if rr.Addr.IsValid() {
			return rr.Addr.String()
		}
	case dns.TypeCNAME, dns.TypePTR, dns.TypeNS, dns.TypeSOA, dns.TypeNSEC:
		return rr.Target
	case dns.TypeMX:
		return fmt.Sprintf("%d %s", rr.Preference, rr.Target)
	case dns.TypeSRV:
		return fmt.Sprintf("%d %d %d %s", rr.Priority, rr.Weight, rr.Port, rr.Target)
	}
	return ""
}

// dhcpInfo: "DHCP Discover - Transaction ID 0x3d1d", the type padded
// as Wireshark pads it.
func dhcpInfo(b *strings.Builder, payload []byte) bool {
	m, err := dhcp.Parse(payload)
	if err != nil && m.XID == 0 {
		return false
	}
	if m.Type == dhcp.NoType {
		if m.Op == dhcp.BootReply {
			b.WriteString("Boot Reply")
		} else {
			b.WriteString("Boot Request")
		}
	} else {
		fmt.Fprintf(b, "DHCP %-8s", m.Type)
	}
	fmt.Fprintf(b, " - Transaction ID 0x%x", m.XID)
	return true
}

// tlsInfo names the records of a segment as Wireshark does: "Client
// Hello (SNI=x)", "Server Hello, Change Cipher Spec, Encrypted
// Handshake Message", "Application Data". Like Wireshark, it names only
// what ends in the segment (a message that runs on is named where it
// ends, which a per-packet view cannot see), except a hello that starts
// here, which is what a person looks for.
func tlsInfo(b *strings.Builder, payload []byte) bool {
	if tls.SSLv2Hello(payload) {
		b.WriteString("Client Hello")
		return true
	}
	var names []string
	off := 0
	for n := 0; off+5 <= len(payload) && len(names) < 64; off += 5 + n {
		typ := payload[off]
		n = int(payload[off+3])<<8 | int(payload[off+4])
		if typ < 20 || typ > 24 {
			names = append(names, "Ignored Unknown Record")
			break
		}
		body := payload[off+5 : min(off+5+n, len(payload))]
		whole := len(body) == n
		switch {
		case typ == 22:
			names = append(names, handshakeNames(body, n, len(names) == 0)...)
		case !whole:
		case typ == 20:
			names = append(names, "Change Cipher Spec")
		case typ == 21 && n == 2:
			names = append(names, fmt.Sprintf("Alert (Level: %s, Description: %s)", alertLevel(body[0]), alertText(body[1])))
		case typ == 21:
			names = append(names, "Encrypted Alert")
		case typ == 23:
			names = append(names, "Application Data")
		case typ == 24:
			names = append(names, "Heartbeat")
		}
	}
	if len(names) == 0 {
		if off == 0 {
			return false
		}
		names = append(names, "[TLS segment of a reassembled PDU]")
	}
	b.WriteString(strings.Join(names, ", "))
	return true
}

var handshakeTypes = map[byte]string{0: "Hello Request", 1: "Client Hello", 2: "Server Hello", 4: "New Session Ticket",
	8: "Encrypted Extensions", 11: "Certificate", 12: "Server Key Exchange", 13: "Certificate Request",
	14: "Server Hello Done", 15: "Certificate Verify", 16: "Client Key Exchange", 20: "Finished"}

// handshakeNames names the handshake messages of one record (body, of
// which recLen bytes were sent). A record whose messages do not fill it
// exactly is encrypted: after Change Cipher Spec a record may be either
// (TLS 1.3 sends one for middleboxes and goes on in clear text).
func handshakeNames(body []byte, recLen int, first bool) []string {
	var names []string
	off := 0
	for off+4 <= len(body) {
		name, ok := handshakeTypes[body[off]]
		n := int(body[off+1])<<16 | int(body[off+2])<<8 | int(body[off+3])
		if !ok || off+4+n > recLen {
			break
		}
		if off+4+n > len(body) { // runs past the segment
			if off == 0 && first && (body[0] == tls.TypeClientHello || body[0] == tls.TypeServerHello) {
				return []string{name}
			}
			return names
		}
		if body[off] == tls.TypeServerHello && n >= 34 && string(body[off+6:off+38]) == helloRetryRandom {
			name = "Hello Retry Request"
		}
		if body[off] == tls.TypeClientHello {
			if ch, err := tls.ParseClientHello(body[off+4 : off+4+n]); err == nil && ch.SNI != "" {
				name += " (SNI=" + Printable(ch.SNI) + ")"
			}
		}
		names = append(names, name)
		off += 4 + n
	}
	if off != recLen {
		if len(body) < recLen {
			return names // the rest is named where it ends
		}
		return []string{"Encrypted Handshake Message"}
	}
	return names
}

// helloRetryRandom is the random of a ServerHello that is a
// HelloRetryRequest (RFC 8446 4.1.3).
const helloRetryRandom = "\xcf\x21\xad\x74\xe5\x9a\x61\x11\xbe\x1d\x8c\x02\x1e\x65\xb8\x91" +
	"\xc2\xa2\x11\x16\x7a\xbb\x8c\x5e\x07\x9e\x09\xe2\xc8\xa8\x33\x9c"

func alertLevel(l byte) string {
	switch l {
	case 1:
		return "Warning"
	case 2:
		return "Fatal"
	}
	return fmt.Sprintf("Unknown (%d)", l)
}

var alertTexts = map[byte]string{0: "Close Notify", 10: "Unexpected Message", 20: "Bad Record MAC", 21: "Decryption Failed",
	22: "Record Overflow", 30: "Decompression Failure", 40: "Handshake Failure", 42: "Bad Certificate",
	43: "Unsupported Certificate", 44: "Certificate Revoked", 45: "Certificate Expired", 46: "Certificate Unknown",
	47: "Illegal Parameter", 48: "Unknown CA", 49: "Access Denied", 50: "Decode Error", 51: "Decrypt Error",
	70: "Protocol Version", 71: "Insufficient Security", 80: "Internal Error", 86: "Inappropriate Fallback",
	90: "User Canceled", 100: "No Renegotiation", 109: "Missing Extension", 110: "Unsupported Extension",
	112: "Unrecognized Name", 113: "Bad Certificate Status Response", 115: "Unknown PSK Identity",
	116: "Certificate Required", 120: "No Application Protocol"}

func alertText(d byte) string {
	if s, ok := alertTexts[d]; ok {
		return s
	}
	return fmt.Sprintf("Unknown (%d)", d)
}

// mqttInfo names the MQTT packets of a segment: "Connect Command",
// "Publish Message (id=7) [a/b]", "Subscribe Request (id=2) [x/#]".
func mqttInfo(b *strings.Builder, payload []byte) bool {
	var names []string
	for off := 0; off < len(payload) && len(names) < 16; {
		m, err := mqtt.Parse(payload[off:])
		if err != nil && m.Type == 0 || !mqtt.Looks(payload[off:]) {
			break
		}
		s := m.Type.String()
		if m.PacketID != 0 {
			s += fmt.Sprintf(" (id=%d)", m.PacketID)
		}
		switch {
		case m.Type == mqtt.Publish && m.Topic != "":
			s += " [" + Printable(m.Topic) + "]"
		case len(m.Topics) > 0:
			s += " [" + Printable(strings.Join(m.Topics, ", ")) + "]"
		}
		names = append(names, s)
		if err != nil {
			break
		}
		off += m.Len()
	}
	if len(names) == 0 {
		return false
	}
	b.WriteString(strings.Join(names, ", "))
	return true
}

// quicInfo: "Initial, DCID=…, SCID=…, PKN: 0, CRYPTO, PADDING" with the
// server name where the client's Initial holds the whole ClientHello.
func quicInfo(b *strings.Builder, payload []byte) bool {
	h, err := quic.ParseHeader(payload)
	if err != nil {
		return false
	}
	if !h.Long {
		b.WriteString("Protected Payload")
		return true
	}
	b.WriteString(h.Type.String())
	if h.Type == quic.VersionNegotiation {
		return true
	}
	fmt.Fprintf(b, ", DCID=%s", hex.EncodeToString(h.DCID))
	if len(h.SCID) > 0 {
		fmt.Fprintf(b, ", SCID=%s", hex.EncodeToString(h.SCID))
	}
	if h.Type != quic.Initial {
		return true
	}
	pkt, ch, err := quic.ClientHelloOf(payload)
	if pkt.Crypto == nil && err != nil {
		return true // a server's Initial, or one cut short: its keys are not at hand
	}
	fmt.Fprintf(b, ", PKN: %d, CRYPTO", pkt.PacketNumber)
	if pkt.Padding > 0 {
		b.WriteString(", PADDING")
	}
	if ch.SNI != "" {
		b.WriteString(" (SNI=" + ch.SNI + ")")
	}
	return true
}

var pppoeCodes = map[layers.PPPoECode]string{0x09: "Active Discovery Initiation (PADI)", 0x07: "Active Discovery Offer (PADO)",
	0x19: "Active Discovery Request (PADR)", 0x65: "Active Discovery Session-confirmation (PADS)",
	0xa7: "Active Discovery Terminate (PADT)"}
