package decode

import (
	"fmt"
	"strings"

	"thingsniff/decode/tls"
)

var tlsContentTypes = map[byte]string{20: "Change Cipher Spec", 21: "Alert", 22: "Handshake", 23: "Application Data", 24: "Heartbeat"}

// tls is the tree of the TLS records that start in a segment; name is
// what the ports say it carries ("MQTT over TLS").
func (t tree) tls(name string) Node {
	title := "Transport Layer Security"
	if name != "TLS" {
		title += " (" + name + ")"
	}
	n := Node{Title: title, Start: t.base, End: t.base + len(t.b)}
	if tls.SSLv2Hello(t.b) {
		n.Children = []Node{t.sslv2Hello()}
		return n
	}
	for off := 0; off+5 <= len(t.b) && len(n.Children) < 64; {
		typ, l := t.b[off], t.u16(off+3)
		ct, ok := tlsContentTypes[typ]
		if !ok {
			break
		}
		version := tls.Version(t.u16(off + 1))
		rec := t.at(fmt.Sprintf("%s Record Layer: %s Protocol", version, ct), off, 5+l)
		rec.Children = []Node{t.at(fmt.Sprintf("Content Type: %s (%d)", ct, typ), off, 1),
			t.at("Version: "+version.String(), off+1, 2), t.at(fmt.Sprintf("Length: %d", l), off+3, 2)}
		if typ == 22 {
			msgs := t.handshake(off+5, l)
			if len(msgs) > 0 {
				rec.Title += ": " + strings.TrimPrefix(msgs[0].Title, "Handshake Protocol: ")
			}
			rec.Children = append(rec.Children, msgs...)
		}
		if off+5+l > len(t.b) {
			rec.Children = append(rec.Children, Node{Title: fmt.Sprintf("[Record continues past this segment: %d of %d bytes here]", len(t.b)-off-5, l)})
		}
		n.Children = append(n.Children, rec)
		off += 5 + l
	}
	return n
}

// sslv2Hello is the tree of an SSLv2-framed CLIENT-HELLO, which
// tls.SSLv2Hello has checked fills the segment.
func (t tree) sslv2Hello() Node {
	specs, sid, chal := t.u16(5), t.u16(7), t.u16(9)
	rec := t.at("SSLv2 Record Layer: Client Hello", 0, len(t.b))
	rec.Children = []Node{
		t.at(fmt.Sprintf("Length: %d", len(t.b)-2), 0, 2),
		t.at("Handshake Message Type: Client Hello (1)", 2, 1),
		t.at("Version: "+tls.Version(t.u16(3)).String(), 3, 2),
		t.at(fmt.Sprintf("Cipher Spec Length: %d", specs), 5, 2),
		t.at(fmt.Sprintf("Session ID Length: %d", sid), 7, 2),
		t.at(fmt.Sprintf("Challenge Length: %d", chal), 9, 2),
		t.at(fmt.Sprintf("Cipher Specs (%d specs)", specs/3), 11, specs),
	}
	if sid > 0 {
		rec.Children = append(rec.Children, t.at(fmt.Sprintf("Session ID (%d bytes)", sid), 11+specs, sid))
	}
	rec.Children = append(rec.Children, t.at(fmt.Sprintf("Challenge (%d bytes)", chal), 11+specs+sid, chal))
	return rec
}

// handshake is the tree of the handshake messages of a record at off.
func (t tree) handshake(off, recLen int) []Node {
	var out []Node
	end := off + recLen
	for off+4 <= min(end, len(t.b)) {
		name, ok := handshakeTypes[t.b[off]]
		l := int(t.b[off+1])<<16 | t.u16(off+2)
		if !ok || off+4+l > end {
			return append(out, t.at("Encrypted Handshake Message", off, end-off))
		}
		msg := t.at(fmt.Sprintf("Handshake Protocol: %s", name), off, 4+l)
		msg.Children = []Node{t.at(fmt.Sprintf("Handshake Type: %s (%d)", name, t.b[off]), off, 1), t.at(fmt.Sprintf("Length: %d", l), off+1, 3)}
		if t.b[off] == tls.TypeClientHello || t.b[off] == tls.TypeServerHello {
			msg.Children = append(msg.Children, t.hello(off+4, l, t.b[off] == tls.TypeClientHello)...)
		}
		out = append(out, msg)
		off += 4 + l
	}
	return out
}

var extensionNames = map[int]string{0: "server_name", 5: "status_request", 10: "supported_groups", 11: "ec_point_formats",
	13: "signature_algorithms", 16: "application_layer_protocol_negotiation", 23: "extended_master_secret",
	35: "session_ticket", 41: "pre_shared_key", 43: "supported_versions", 45: "psk_key_exchange_modes",
	51: "key_share", 0xff01: "renegotiation_info", 0xfe0d: "encrypted_client_hello"}

// hello is the tree of a ClientHello or ServerHello body at off.
func (t tree) hello(off, l int, client bool) []Node {
	end := min(off+l, len(t.b))
	out := []Node{t.at("Version: "+tls.Version(t.u16(off)).String(), off, 2), t.at("Random", off+2, 32)}
	p := off + 34
	if p >= end {
		return out
	}
	sid := int(t.b[p])
	out = append(out, t.at(fmt.Sprintf("Session ID Length: %d", sid), p, 1), t.at("Session ID", p+1, sid))
	p += 1 + sid
	if client {
		cs := t.u16(p)
		out = append(out, t.at(fmt.Sprintf("Cipher Suites Length: %d", cs), p, 2), t.at(fmt.Sprintf("Cipher Suites (%d suites)", cs/2), p+2, cs))
		p += 2 + cs
		if p >= end {
			return out
		}
		cm := int(t.b[p])
		out = append(out, t.at(fmt.Sprintf("Compression Methods (%d)", cm), p, 1+cm))
		p += 1 + cm
	} else {
		out = append(out, t.at(fmt.Sprintf("Cipher Suite: 0x%04x", t.u16(p)), p, 2), t.at("Compression Method", p+2, 1))
		p += 3
	}
	if p+2 > end {
		return out
	}
	el := t.u16(p)
	out = append(out, t.at(fmt.Sprintf("Extensions Length: %d", el), p, 2))
	p += 2
	for p+4 <= end && len(out) < 100 {
		typ, n := t.u16(p), t.u16(p+2)
		name, ok := extensionNames[typ]
		if !ok {
			name = "Unknown type " + fmt.Sprint(typ)
		}
		ext := t.at(fmt.Sprintf("Extension: %s (len=%d)", name, n), p, 4+n)
		ext.Children = []Node{t.at(fmt.Sprintf("Type: %s (%d)", name, typ), p, 2), t.at(fmt.Sprintf("Length: %d", n), p+2, 2)}
		d := p + 4
		switch {
		case typ == 0 && client && d+5 <= end: // list length, type, name length, name
			nl := t.u16(d + 3)
			if d+5+nl <= end {
				ext.Children = append(ext.Children, withFilter(t.at("Server Name: "+Printable(string(t.b[d+5:d+5+nl])), d+5, nl),
					"tls.handshake.extensions_server_name == "+FilterString(string(t.b[d+5:d+5+nl]))))
			}
		case typ == 16 && d+2 <= end: // ALPN: list length, then length-prefixed names
			for q := d + 2; q < min(d+n, end); {
				pl := int(t.b[q])
				if q+1+pl > end {
					break
				}
				ext.Children = append(ext.Children, t.at("ALPN Next Protocol: "+Printable(string(t.b[q+1:q+1+pl])), q+1, pl))
				q += 1 + pl
			}
		}
		out = append(out, ext)
		p += 4 + n
	}
	return out
}
