package dfilter

import (
	"encoding/binary"
	"net/netip"

	"thingsniff/decode"
	"thingsniff/decode/tls"
)

// A packet is TLS, as Wireshark tells it, when a TLS record ends in it:
// the segments before, which carry the start of a long record, are TCP.
// Likewise a handshake message is told in the packet where it ends, once
// the segments and records it was split over are joined: a ClientHello
// with post-quantum key shares or a certificate chain spans several.
//
// records follows the record boundaries of each TCP direction of TLS
// flows in the packets a Matcher sees, in order, and joins the handshake
// messages sent in clear text: at most maxTLSDirs directions, a few bytes
// each, and at most maxHandshakeHeld bytes of unfinished messages in all.
type records struct {
	dirs map[dirKey]*recordState
	held int // bytes of unfinished handshake messages, all directions
}

const (
	maxTLSDirs = 1 << 16
	// maxHandshakeHeld bounds what all directions hold of messages not yet
	// whole; a direction that would pass it stops joining messages.
	maxHandshakeHeld = 16 << 20
)

// SSLv2 message types read in clear text: the client's first two records
// and the server's first; what follows is encrypted.
const (
	sslv2ClientHello     = 1
	sslv2ClientMasterKey = 2
	sslv2ServerHello     = 4
)

type recordState struct {
	need  int     // bytes of the current record still to come
	head  [5]byte // a record header cut by the segment's end
	got   int     // bytes of head held
	typ   uint8   // the current record's content type
	sslv2 uint8   // the type of the SSLv2-framed record that began the direction

	// The handshake in clear text: hs holds the bytes of messages not yet
	// whole, rec those of a record after ChangeCipherSpec, which counts
	// only if whole messages fill it exactly (else it is encrypted).
	hs, rec   []byte
	afterCCS  bool
	encrypted bool // no more clear handshake in this direction
}

// tlsSeen is what records.see finds in one segment.
type tlsSeen struct {
	ended bool    // a record ends in it
	types []uint8 // the handshake messages that end in it, by type
	// Of a ClientHello or ServerHello among them:
	sni  string   // the server name the client asked for
	alpn []string // the protocols the client offered, or the one the server chose
	ja4  string   // the client's JA4 fingerprint
}

// see takes the next segment of a direction and tells what ends in it
// into out (whose types slice is reused).
func (t *records) see(p *decode.Packet, flow uint32, out *tlsSeen) {
	out.ended, out.types, out.sni, out.alpn, out.ja4 = false, out.types[:0], "", nil, ""
	b := p.Payload
	if len(b) == 0 {
		return
	}
	if t.dirs == nil {
		t.dirs = map[dirKey]*recordState{}
	}
	k := dirKey{flow, netip.AddrPortFrom(p.Src, p.SrcPort)}
	st := t.dirs[k]
	if st == nil {
		v2 := sslv2Start(b)
		if !v2 && !recordHeader(b) {
			return
		}
		if len(t.dirs) >= maxTLSDirs {
			t.forgetAll()
		}
		st = &recordState{}
		t.dirs[k] = st
		if v2 {
			st.sslv2 = b[2]
			b = sslv2Record(b, out)
		}
	}
	for len(b) > 0 {
		if st.need > 0 {
			n := min(st.need, len(b))
			t.recordBytes(st, b[:n], out)
			st.need -= n
			b = b[n:]
			if st.need == 0 {
				out.ended = true
				t.recordEnd(st, out)
			}
			continue
		}
		if st.sslv2 == sslv2ClientHello && len(b) >= 3 && b[0]&0x80 != 0 && b[2] == sslv2ClientMasterKey {
			st.sslv2 = sslv2ClientMasterKey
			b = sslv2Record(b, out)
			continue
		}
		n := copy(st.head[st.got:], b)
		st.got += n
		b = b[n:]
		if st.got < len(st.head) {
			break
		}
		if !recordHeader(st.head[:]) {
			t.forget(k, st) // lost the boundaries: start again at a header
			return
		}
		st.typ, st.need, st.got = st.head[0], int(binary.BigEndian.Uint16(st.head[3:])), 0
		if st.typ == tls.ContentChangeCipherSpec {
			st.afterCCS = true
		}
		if st.need == 0 {
			out.ended = true
		}
	}
}

// sslv2Record reads an SSLv2-framed record (a 2-byte length with the top
// bit set, then the message) at the start of b, tells its message type,
// and returns what follows it.
func sslv2Record(b []byte, out *tlsSeen) []byte {
	n := int(b[0]&0x7f)<<8 | int(b[1])
	if n == 0 || len(b) < 2+n {
		return nil // empty or cut: what follows cannot be placed
	}
	out.ended = true
	out.types = append(out.types, b[2])
	return b[2+n:]
}

// sslv2Start reports whether b starts with a whole SSLv2-framed hello:
// a CLIENT-HELLO, as clients that still offered SSLv2 opened with, or the
// SERVER-HELLO of an SSL 2.0 server.
func sslv2Start(b []byte) bool {
	if len(b) < 11 || b[0]&0x80 == 0 {
		return false
	}
	n := int(b[0]&0x7f)<<8 | int(b[1])
	if len(b) < 2+n || n < 9 {
		return false
	}
	switch b[2] {
	case sslv2ClientHello:
		return tls.SSLv2Hello(b[:2+n])
	case sslv2ServerHello:
		return b[5] == 0 && b[6] == 2 // SSL 2.0
	}
	return false
}

// recordBytes takes the next bytes of the current record.
func (t *records) recordBytes(st *recordState, b []byte, out *tlsSeen) {
	if st.typ != tls.ContentHandshake || st.encrypted {
		return
	}
	if st.afterCCS {
		// Told at the record's end, if whole messages fill it.
		st.rec = t.hold(st, st.rec, b)
		return
	}
	st.hs = t.hold(st, st.hs, b)
	t.messages(st, out)
}

// recordEnd finishes a record after ChangeCipherSpec: TLS 1.2 sends its
// Finished encrypted in a handshake record, TLS 1.3 a second ClientHello
// in clear text after a Hello Retry Request.
func (t *records) recordEnd(st *recordState, out *tlsSeen) {
	if st.typ == tls.ContentApplicationData {
		st.encrypted = true // TLS 1.3 sends the rest of its handshake so
		t.drop(st)
	}
	if !st.afterCCS || st.typ != tls.ContentHandshake || st.encrypted {
		return
	}
	rec := st.rec
	for len(rec) >= 4 {
		m := messageLen(rec)
		if !knownHandshake(rec[0]) || m > len(rec) {
			break
		}
		rec = rec[m:]
	}
	if len(rec) == 0 && len(st.rec) > 0 {
		st.hs = t.hold(st, st.hs, st.rec)
		t.messages(st, out)
	} else {
		st.encrypted = true
	}
	t.held -= len(st.rec)
	st.rec = st.rec[:0]
}

// messages tells the whole messages at the front of st.hs and keeps the
// rest.
func (t *records) messages(st *recordState, out *tlsSeen) {
	hs := st.hs
	for len(hs) >= 4 {
		m := messageLen(hs)
		if m > tls.DefaultMax {
			st.encrypted = true // no message is this long: not clear text
			t.drop(st)
			return
		}
		if m > len(hs) {
			break
		}
		out.types = append(out.types, hs[0])
		out.hello(hs[0], hs[4:m])
		hs = hs[m:]
	}
	t.held -= len(st.hs) - len(hs)
	st.hs = st.hs[:copy(st.hs, hs)]
}

// hello takes what filters ask of a hello message.
func (out *tlsSeen) hello(typ uint8, body []byte) {
	switch typ {
	case tls.TypeClientHello:
		if h, err := tls.ParseClientHello(body); err == nil {
			out.sni, out.alpn, out.ja4 = h.SNI, h.ALPN, h.JA4(tls.OverTCP)
		}
	case tls.TypeServerHello:
		if h, err := tls.ParseServerHello(body); err == nil && h.ALPN != "" {
			out.alpn = []string{h.ALPN}
		}
	}
}

// hold appends b to buf within the bound on all directions; a direction
// that would pass it stops joining messages.
func (t *records) hold(st *recordState, buf, b []byte) []byte {
	if t.held+len(b) > maxHandshakeHeld || len(buf)+len(b) > tls.DefaultMax+4 {
		st.encrypted = true
		t.drop(st)
		return nil
	}
	t.held += len(b)
	return append(buf, b...)
}

// drop lets go of what st holds.
func (t *records) drop(st *recordState) {
	t.held -= len(st.hs) + len(st.rec)
	st.hs, st.rec = nil, nil
}

// forget stops following direction k.
func (t *records) forget(k dirKey, st *recordState) {
	t.drop(st)
	delete(t.dirs, k)
}

// forgetAll stops following every direction.
func (t *records) forgetAll() {
	clear(t.dirs)
	t.held = 0
}

// messageLen is the length, header included, of the handshake message
// whose 4-byte header starts b.
func messageLen(b []byte) int { return 4 + (int(b[1])<<16 | int(b[2])<<8 | int(b[3])) }

// knownHandshake reports whether typ is a TLS handshake message type.
func knownHandshake(typ uint8) bool {
	switch typ {
	case 0, 1, 2, 3, 4, 5, 6, 8, 11, 12, 13, 14, 15, 16, 20, 21, 22, 23, 24, 25, 254:
		return true
	}
	return false
}

// recordHeader reports whether b starts with a plausible TLS record header.
func recordHeader(b []byte) bool {
	return len(b) >= 5 && b[0] >= 20 && b[0] <= 24 && b[1] == 3 && b[2] <= 4 &&
		int(binary.BigEndian.Uint16(b[3:])) <= 1<<14+2048
}
