package tls

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
)

// Handshake message types this package reads.
const (
	TypeClientHello = 1
	TypeServerHello = 2
)

// Extension numbers this package reads.
const (
	extServerName        = 0
	extALPN              = 16
	extSignatureAlgs     = 13
	extSupportedVersions = 43
	extECH               = 0xfe0d
)

// ClientHello is what a client offers in clear text.
type ClientHello struct {
	// LegacyVersion is the version field of the hello (TLS 1.2 for TLS 1.3
	// clients, which list their versions in SupportedVersions).
	LegacyVersion Version
	// SupportedVersions is the supported_versions extension in the
	// client's order, GREASE values included; nil when absent.
	SupportedVersions []Version
	// SNI is the host name of the server_name extension.
	SNI string
	// ALPN lists the application protocols offered ("h2", "http/1.1").
	ALPN []string
	// CipherSuites is the number of cipher suites offered.
	CipherSuites int
	// Suites lists the cipher suites offered, in order (TLS hellos only).
	Suites []uint16
	// SignatureAlgorithms lists the signature_algorithms extension's
	// values in the client's order; nil when absent.
	SignatureAlgorithms []uint16
	// Extensions lists the extension numbers in order.
	Extensions []uint16
	// ECH is true when an encrypted_client_hello extension is present
	// (then SNI is the public, outer name).
	ECH bool
	// SSLv2 is true for an SSLv2-compatible hello (no extensions).
	SSLv2 bool
}

// MaxVersion returns the highest version offered, ignoring GREASE.
func (c *ClientHello) MaxVersion() Version {
	v := c.LegacyVersion
	for _, s := range c.SupportedVersions {
		if !s.IsGREASE() && s > v {
			v = s
		}
	}
	return v
}

// ServerHello is what the server chose.
type ServerHello struct {
	// LegacyVersion is the version field of the hello.
	LegacyVersion Version
	// Version is the negotiated version: the supported_versions
	// extension when present (TLS 1.3), else LegacyVersion.
	Version Version
	// CipherSuite is the chosen cipher suite.
	CipherSuite uint16
	// ALPN is the chosen application protocol, "" when none.
	ALPN string
	// HelloRetry is true for a HelloRetryRequest (a ServerHello with the
	// special random value), which asks the client to try again.
	HelloRetry bool
	// Extensions lists the extension numbers in order.
	Extensions []uint16
}

// helloRetryRandom is SHA-256("HelloRetryRequest"), RFC 8446 4.1.3.
var helloRetryRandom = [32]byte{
	0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91,
	0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c,
}

// ErrTruncated is returned, wrapped, when a field runs past its message.
var ErrTruncated = errors.New("runs past the end")

// reader walks a byte slice and remembers the first overrun.
type reader struct {
	b   []byte
	off int
	err error
}

func (r *reader) fail(what string) {
	if r.err == nil {
		r.err = fmt.Errorf("%s at byte %d: %w", what, r.off, ErrTruncated)
	}
}

func (r *reader) bytes(n int, what string) []byte {
	if r.err != nil || n < 0 || r.off+n > len(r.b) {
		r.fail(what)
		return nil
	}
	p := r.b[r.off : r.off+n]
	r.off += n
	return p
}

func (r *reader) u8(what string) int {
	p := r.bytes(1, what)
	if p == nil {
		return 0
	}
	return int(p[0])
}

func (r *reader) u16(what string) int {
	p := r.bytes(2, what)
	if p == nil {
		return 0
	}
	return int(binary.BigEndian.Uint16(p))
}

// vec8 and vec16 read a vector with a 1- or 2-byte length.
func (r *reader) vec8(what string) []byte  { return r.bytes(r.u8(what), what) }
func (r *reader) vec16(what string) []byte { return r.bytes(r.u16(what), what) }

func (r *reader) done() bool { return r.err != nil || r.off >= len(r.b) }

// ParseClientHello decodes the body of a ClientHello handshake message
// (after its 4-byte header).
func ParseClientHello(body []byte) (ClientHello, error) {
	var c ClientHello
	r := reader{b: body}
	c.LegacyVersion = Version(r.u16("version"))
	r.bytes(32, "random")
	r.vec8("session id")
	suites := r.vec16("cipher suites")
	c.CipherSuites = len(suites) / 2
	c.Suites = uint16s(suites)
	r.vec8("compression methods")
	if r.err != nil {
		return c, fmt.Errorf("tls: client hello: %w", r.err)
	}
	if r.done() { // no extensions: allowed before TLS 1.3
		return c, nil
	}
	exts := reader{b: r.vec16("extensions")}
	if r.err != nil {
		return c, fmt.Errorf("tls: client hello: %w", r.err)
	}
	c.Extensions = make([]uint16, 0, countVec16(exts.b, 2))
	for !exts.done() {
		typ := exts.u16("extension type")
		data := exts.vec16("extension")
		if exts.err != nil {
			break
		}
		c.Extensions = append(c.Extensions, uint16(typ))
		e := reader{b: data}
		switch typ {
		case extServerName:
			list := reader{b: e.vec16("server name list")}
			for !list.done() {
				kind := list.u8("name type")
				name := list.vec16("server name")
				if kind == 0 && list.err == nil && c.SNI == "" {
					c.SNI = string(name)
				}
			}
			e.err = errors.Join(e.err, list.err)
		case extALPN:
			list := reader{b: e.vec16("protocol list")}
			c.ALPN = make([]string, 0, countVec8(list.b))
			for !list.done() {
				p := list.vec8("protocol")
				if list.err == nil {
					c.ALPN = append(c.ALPN, string(p))
				}
			}
			e.err = errors.Join(e.err, list.err)
		case extSupportedVersions:
			v := e.vec8("supported versions")
			c.SupportedVersions = make([]Version, 0, len(v)/2)
			for i := 0; i+1 < len(v); i += 2 {
				c.SupportedVersions = append(c.SupportedVersions, Version(binary.BigEndian.Uint16(v[i:])))
			}
		case extSignatureAlgs:
			c.SignatureAlgorithms = uint16s(e.vec16("signature algorithms"))
		case extECH:
			c.ECH = true
		}
		if e.err != nil {
			return c, fmt.Errorf("tls: client hello: extension %d: %w", typ, e.err)
		}
	}
	if exts.err != nil {
		return c, fmt.Errorf("tls: client hello: %w", exts.err)
	}
	return c, nil
}

// uint16s reads b as big-endian 16-bit values (an odd last byte is left).
func uint16s(b []byte) []uint16 {
	out := make([]uint16, 0, len(b)/2)
	for i := 0; i+1 < len(b); i += 2 {
		out = append(out, binary.BigEndian.Uint16(b[i:]))
	}
	return out
}

// countVec16 counts the entries of a list of (skip-byte header, 2-byte
// length, data) items, as extensions are, to size a slice once.
func countVec16(b []byte, skip int) int {
	n := 0
	for i := 0; i+skip+2 <= len(b); n++ {
		i += skip + 2 + int(binary.BigEndian.Uint16(b[i+skip:]))
	}
	return n
}

// countVec8 counts the entries of a list of 1-byte-length items.
func countVec8(b []byte) int {
	n := 0
	for i := 0; i < len(b); n++ {
		i += 1 + int(b[i])
	}
	return n
}

// ParseServerHello decodes the body of a ServerHello handshake message.
func ParseServerHello(body []byte) (ServerHello, error) {
	var s ServerHello
	r := reader{b: body}
	s.LegacyVersion = Version(r.u16("version"))
	s.Version = s.LegacyVersion
	random := r.bytes(32, "random")
	s.HelloRetry = random != nil && bytes.Equal(random, helloRetryRandom[:])
	r.vec8("session id")
	s.CipherSuite = uint16(r.u16("cipher suite"))
	r.u8("compression method")
	if r.err != nil {
		return s, fmt.Errorf("tls: server hello: %w", r.err)
	}
	if r.done() {
		return s, nil
	}
	exts := reader{b: r.vec16("extensions")}
	for !exts.done() {
		typ := exts.u16("extension type")
		data := exts.vec16("extension")
		if exts.err != nil {
			break
		}
		s.Extensions = append(s.Extensions, uint16(typ))
		switch typ {
		case extSupportedVersions:
			if len(data) == 2 {
				s.Version = Version(binary.BigEndian.Uint16(data))
			}
		case extALPN:
			e := reader{b: data}
			list := reader{b: e.vec16("protocol list")}
			if p := list.vec8("protocol"); list.err == nil {
				s.ALPN = string(p)
			}
		}
	}
	if err := errors.Join(r.err, exts.err); err != nil {
		return s, fmt.Errorf("tls: server hello: %w", err)
	}
	return s, nil
}

// parseSSLv2Hello decodes an SSLv2 CLIENT-HELLO body (after the 2-byte
// record header and the message type): version, then the lengths of the
// cipher specs (3 bytes each), session id and challenge.
func parseSSLv2Hello(body []byte) (ClientHello, error) {
	c := ClientHello{SSLv2: true}
	r := reader{b: body}
	c.LegacyVersion = Version(r.u16("version"))
	specs := r.u16("cipher spec length")
	sid := r.u16("session id length")
	chal := r.u16("challenge length")
	r.bytes(specs, "cipher specs")
	r.bytes(sid, "session id")
	r.bytes(chal, "challenge")
	c.CipherSuites = specs / 3
	if r.err != nil {
		return c, fmt.Errorf("tls: sslv2 client hello: %w", r.err)
	}
	return c, nil
}

// SSLv2Hello reports whether b is exactly one SSLv2-framed CLIENT-HELLO
// (a 2-byte length with the top bit set, message type 1, then a body
// whose lengths add up to the record's), as clients that still offered
// SSLv2 opened a connection with. It is strict, because it is asked of
// any TCP segment: random bytes pass it about never.
func SSLv2Hello(b []byte) bool {
	if len(b) < 11 || b[0]&0x80 == 0 || b[2] != TypeClientHello {
		return false
	}
	n := int(b[0]&0x7f)<<8 | int(b[1])
	v := Version(binary.BigEndian.Uint16(b[3:]))
	if len(b) != 2+n || v != VersionSSL2 && (v>>8 != 3 || v&0xff > 3) {
		return false
	}
	specs := int(binary.BigEndian.Uint16(b[5:]))
	sid := int(binary.BigEndian.Uint16(b[7:]))
	chal := int(binary.BigEndian.Uint16(b[9:]))
	return specs > 0 && specs%3 == 0 && (sid == 0 || sid == 16) && chal >= 16 && chal <= 32 &&
		9+specs+sid+chal == n
}
