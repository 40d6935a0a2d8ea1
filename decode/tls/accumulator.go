package tls

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// Record content types.
const (
	ContentChangeCipherSpec = 20
	ContentAlert            = 21
	ContentHandshake        = 22
	ContentApplicationData  = 23
	ContentHeartbeat        = 24
)

// DefaultMax is the most an Accumulator buffers unless told otherwise.
const DefaultMax = 64 << 10

// maxRecord is the largest record TLS allows (2^14 plus expansion).
const maxRecord = 1<<14 + 2048

// Status says what an Accumulator has seen so far.
type Status uint8

// Accumulator states.
const (
	// NeedMore: the bytes so far are TLS-like but the first handshake
	// message is not complete.
	NeedMore Status = iota
	// Done: the first handshake message is complete (Message returns it),
	// or the direction started with another TLS record type (mid-stream
	// capture, alert).
	Done
	// NotTLS: the bytes are not TLS, or the message passed the cap.
	NotTLS
)

// ErrNotTLS is wrapped by the reason an Accumulator gives up.
var ErrNotTLS = errors.New("not TLS")

// Accumulator collects the first bytes of one TCP direction until the
// first handshake message is whole. The zero value is ready, with the
// DefaultMax cap. Write copies what it needs, so the caller may reuse its
// buffers.
type Accumulator struct {
	// Max caps the bytes buffered; 0 means DefaultMax.
	Max int

	status  Status
	err     error  // why the state is NotTLS, for the tests
	raw     []byte // bytes not yet split into records
	hs      []byte // handshake payload of the records so far
	content uint8
	version Version
	sslv2   bool
	records int
	whole   bool // hs starts with a complete handshake message
}

// Reset empties a for another direction, keeping its buffers.
func (a *Accumulator) Reset() {
	*a = Accumulator{Max: a.Max, raw: a.raw[:0], hs: a.hs[:0]}
}

func (a *Accumulator) max() int {
	if a.Max > 0 {
		return a.Max
	}
	return DefaultMax
}

func (a *Accumulator) notTLS(format string, args ...any) Status {
	a.status = NotTLS
	a.err = fmt.Errorf("tls: "+format+": %w", append(args, ErrNotTLS)...)
	a.raw = a.raw[:0]
	return a.status
}

// Write adds the next bytes of the direction and returns the new state.
// Once the state is Done or NotTLS, further bytes are ignored.
func (a *Accumulator) Write(p []byte) Status {
	if a.status != NeedMore || len(p) == 0 {
		return a.status
	}
	if len(a.raw)+len(p) > a.max()+5 {
		p = p[:max(0, a.max()+5-len(a.raw))]
	}
	a.raw = append(a.raw, p...)
	return a.process()
}

// process splits the buffered bytes into records until the first
// handshake message in hs is whole.
func (a *Accumulator) process() Status {
	if a.complete() {
		return a.status
	}
	if a.content == 0 && len(a.raw) > 0 && a.raw[0]&0x80 != 0 {
		return a.sslv2Hello()
	}
	for {
		if len(a.raw) < 5 {
			if len(a.raw) > 0 && !LooksLikeTLS(a.raw) {
				return a.notTLS("first bytes % x are not a TLS record", a.raw)
			}
			return a.status
		}
		typ, ver := a.raw[0], Version(binary.BigEndian.Uint16(a.raw[1:]))
		n := int(binary.BigEndian.Uint16(a.raw[3:]))
		if typ < ContentChangeCipherSpec || typ > ContentHeartbeat || ver>>8 != 3 || ver&0xff > 4 {
			return a.notTLS("record %d: type %d version %#04x", a.records+1, typ, uint16(ver))
		}
		if n == 0 && typ != ContentApplicationData || n > maxRecord {
			return a.notTLS("record %d: length %d", a.records+1, n)
		}
		if a.content == 0 {
			a.content, a.version = typ, ver
			if typ != ContentHandshake {
				a.status = Done // TLS, but not a handshake start
				return a.status
			}
		}
		switch {
		case typ == ContentChangeCipherSpec && a.records > 0:
			// TLS 1.3 middlebox compatibility sends one between hellos.
			if len(a.raw) < 5+n {
				return a.status
			}
			a.raw = a.raw[:copy(a.raw, a.raw[5+n:])]
			continue
		case typ != ContentHandshake && a.records > 0:
			// Encryption or an alert began: no further clear handshake.
			a.status = Done
			return a.status
		case typ != ContentHandshake:
			return a.notTLS("record %d: type %d inside the first handshake message", a.records+1, typ)
		}
		if len(a.raw) < 5+n {
			if 5+n > a.max()+5 {
				return a.notTLS("record %d of %d bytes passes the %d-byte cap", a.records+1, n, a.max())
			}
			return a.status
		}
		a.hs = append(a.hs, a.raw[5:5+n]...)
		a.records++
		a.raw = a.raw[:copy(a.raw, a.raw[5+n:])]
		if a.complete() {
			return a.status
		}
	}
}

// complete checks whether hs starts with a whole handshake message and
// sets the state when it does or when the message passes the cap.
func (a *Accumulator) complete() bool {
	if len(a.hs) < 4 {
		return false
	}
	m := int(a.hs[1])<<16 | int(a.hs[2])<<8 | int(a.hs[3])
	if 4+m > a.max() {
		a.notTLS("handshake message of %d bytes passes the %d-byte cap", m, a.max())
		return true
	}
	if len(a.hs) >= 4+m {
		a.status, a.whole = Done, true
		return true
	}
	return false
}

// sslv2Hello handles an SSLv2-framed first record: a 2-byte header with
// the top bit set, then a CLIENT-HELLO.
func (a *Accumulator) sslv2Hello() Status {
	if len(a.raw) < 3 {
		return a.status
	}
	n := int(a.raw[0]&0x7f)<<8 | int(a.raw[1])
	if a.raw[2] != 1 || n < 9 {
		return a.notTLS("SSLv2 record of %d bytes with message type %d", n, a.raw[2])
	}
	if len(a.raw) < 2+n {
		return a.status
	}
	a.content, a.version, a.sslv2, a.records = ContentHandshake, VersionSSL2, true, 1
	a.hs = append(a.hs[:0], a.raw[2:2+n]...)
	a.status, a.whole = Done, true
	return a.status
}

// Message returns the first handshake message's type and body once the
// state is Done with a handshake; ok is false otherwise. The body aliases
// the Accumulator until the next Reset.
func (a *Accumulator) Message() (typ uint8, body []byte, ok bool) {
	if a.status != Done || !a.whole {
		return 0, nil, false
	}
	if a.sslv2 {
		return TypeClientHello, a.hs[1:], true
	}
	m := int(a.hs[1])<<16 | int(a.hs[2])<<8 | int(a.hs[3])
	return a.hs[0], a.hs[4 : 4+m], true
}

// ErrNoHello is returned, wrapped, when the first handshake message is not
// the hello asked for.
var ErrNoHello = errors.New("no hello")

// ClientHello parses the first handshake message as a ClientHello
// (SSLv2-compatible ones included).
func (a *Accumulator) ClientHello() (ClientHello, error) {
	typ, body, ok := a.Message()
	if !ok || typ != TypeClientHello {
		return ClientHello{}, fmt.Errorf("tls: first message is not a client hello (state %v, type %d): %w", a.status, typ, ErrNoHello)
	}
	if a.sslv2 {
		return parseSSLv2Hello(body)
	}
	return ParseClientHello(body)
}

// ServerHello parses the first handshake message as a ServerHello.
func (a *Accumulator) ServerHello() (ServerHello, error) {
	typ, body, ok := a.Message()
	if !ok || typ != TypeServerHello || a.sslv2 {
		return ServerHello{}, fmt.Errorf("tls: first message is not a server hello (state %v, type %d): %w", a.status, typ, ErrNoHello)
	}
	return ParseServerHello(body)
}

// LooksLikeTLS reports whether the first bytes of a TCP direction could
// start TLS: a record header with a known content type and version 3.x
// and a plausible length, or an SSLv2-framed CLIENT-HELLO. It needs at
// least one byte and decides on what it is given (5 bytes suffice).
func LooksLikeTLS(b []byte) bool {
	if len(b) == 0 {
		return false
	}
	if b[0]&0x80 != 0 { // SSLv2 framing: length, then CLIENT-HELLO and version
		if len(b) >= 3 && b[2] != 1 {
			return false
		}
		if len(b) >= 5 {
			v := Version(binary.BigEndian.Uint16(b[3:]))
			return v == VersionSSL2 || v>>8 == 3 && v&0xff <= 4
		}
		return true
	}
	if b[0] < ContentChangeCipherSpec || b[0] > ContentHeartbeat {
		return false
	}
	if len(b) >= 2 && b[1] != 3 {
		return false
	}
	if len(b) >= 3 && b[2] > 4 {
		return false
	}
	if len(b) >= 5 {
		n := int(binary.BigEndian.Uint16(b[3:]))
		return n <= maxRecord && (n > 0 || b[0] == ContentApplicationData)
	}
	return true
}
