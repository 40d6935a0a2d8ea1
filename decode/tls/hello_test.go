package tls

import (
	"encoding/binary"
	"errors"
	"strings"
	"testing"
)

func u16(v int) []byte { return binary.BigEndian.AppendUint16(nil, uint16(v)) }

func cat(parts ...[]byte) []byte {
	var b []byte
	for _, p := range parts {
		b = append(b, p...)
	}
	return b
}

// vec16 prefixes b with its 2-byte length; vec8 with 1 byte.
func vec16(b ...[]byte) []byte { c := cat(b...); return cat(u16(len(c)), c) }
func vec8(b ...[]byte) []byte  { c := cat(b...); return cat([]byte{byte(len(c))}, c) }

func ext(typ int, data []byte) []byte { return cat(u16(typ), vec16(data)) }

// clientHello builds a ClientHello body: version 0303, zero random, an
// empty session id, suites 1301 1302 c02f, null compression and the given
// extensions (none at all when exts is nil).
func clientHello(exts ...[]byte) []byte {
	b := cat(u16(0x0303), make([]byte, 32), vec8(), vec16(u16(0x1301), u16(0x1302), u16(0xc02f)), vec8([]byte{0}))
	if exts != nil {
		b = cat(b, vec16(exts...))
	}
	return b
}

// handshake wraps a body in a handshake header of type typ.
func handshake(typ byte, body []byte) []byte {
	n := len(body)
	return cat([]byte{typ, byte(n >> 16), byte(n >> 8), byte(n)}, body)
}

// records splits a handshake message into records of at most size bytes.
func records(msg []byte, size int) []byte {
	var b []byte
	for len(msg) > 0 {
		n := min(size, len(msg))
		b = cat(b, []byte{ContentHandshake, 3, 1}, u16(n), msg[:n])
		msg = msg[n:]
	}
	return b
}

// modern is a TLS 1.3 ClientHello: SNI thing.example, ALPN h2 and
// http/1.1, supported_versions GREASE 0a0a, 0304, 0303, and ECH.
var modern = handshake(TypeClientHello, clientHello(
	ext(0, vec16([]byte{0}, vec16([]byte("thing.example")))),
	ext(16, vec16(vec8([]byte("h2")), vec8([]byte("http/1.1")))),
	ext(43, vec8(u16(0x0a0a), u16(0x0304), u16(0x0303))),
	ext(0xfe0d, []byte{1, 2, 3}),
))

func TestClientHelloOneRecord(t *testing.T) {
	var a Accumulator
	if st := a.Write(records(modern, 1<<14)); st != Done {
		t.Fatalf("status %v %v", st, a.Err())
	}
	c, err := a.ClientHello()
	if err != nil {
		t.Fatal(err)
	}
	if c.SNI != "thing.example" || strings.Join(c.ALPN, ",") != "h2,http/1.1" || c.CipherSuites != 3 ||
		!c.ECH || c.MaxVersion() != VersionTLS13 || c.LegacyVersion != VersionTLS12 ||
		len(c.SupportedVersions) != 3 || !c.SupportedVersions[0].IsGREASE() || len(c.Extensions) != 4 {
		t.Errorf("got %+v", c)
	}
	if a.RecordVersion() != VersionTLS10 || a.Records() != 1 {
		t.Errorf("record version %v records %d", a.RecordVersion(), a.Records())
	}
}

// TestClientHelloSplit feeds the hello cut into 7-byte records, then the
// records one byte at a time: NeedMore until the last byte.
func TestClientHelloSplit(t *testing.T) {
	b := records(modern, 7)
	var a Accumulator
	for i := range b {
		st := a.Write(b[i : i+1])
		if i < len(b)-1 && st != NeedMore {
			t.Fatalf("status %v after %d of %d bytes: %v", st, i+1, len(b), a.Err())
		}
		if i == len(b)-1 && st != Done {
			t.Fatalf("status %v at the end: %v", st, a.Err())
		}
	}
	c, err := a.ClientHello()
	if err != nil || c.SNI != "thing.example" {
		t.Fatalf("got %+v %v", c, err)
	}
}

func TestNoExtensionsHello(t *testing.T) {
	// A TLS 1.0 hello with no extensions block at all.
	var a Accumulator
	a.Write(records(handshake(TypeClientHello, clientHello()), 100))
	c, err := a.ClientHello()
	if err != nil || c.SNI != "" || c.CipherSuites != 3 || c.Extensions != nil {
		t.Fatalf("got %+v %v", c, err)
	}
}

func TestServerHello(t *testing.T) {
	// ServerHello 0303, zero random, empty session, suite 1301, null
	// compression, supported_versions 0304, ALPN h2.
	sh := handshake(TypeServerHello, cat(u16(0x0303), make([]byte, 32), vec8(), u16(0x1301), []byte{0},
		vec16(ext(43, u16(0x0304)), ext(16, vec16(vec8([]byte("h2")))))))
	var a Accumulator
	if st := a.Write(records(sh, 1000)); st != Done {
		t.Fatal(st, a.Err())
	}
	s, err := a.ServerHello()
	if err != nil || s.Version != VersionTLS13 || s.LegacyVersion != VersionTLS12 || s.CipherSuite != 0x1301 || s.ALPN != "h2" || s.HelloRetry {
		t.Fatalf("got %+v %v", s, err)
	}
	if _, err := a.ClientHello(); !errors.Is(err, ErrNoHello) {
		t.Errorf("client hello from a server hello: %v", err)
	}
	// The HelloRetryRequest random marks a retry.
	hrr := handshake(TypeServerHello, cat(u16(0x0303), helloRetryRandom[:], vec8(), u16(0x1301), []byte{0}))
	s, err = ParseServerHello(hrr[4:])
	if err != nil || !s.HelloRetry || s.Version != VersionTLS12 {
		t.Fatalf("hrr %+v %v", s, err)
	}
}

func TestSSLv2Hello(t *testing.T) {
	// 80 1c: SSLv2 record of 28 bytes; 01 CLIENT-HELLO; version 0301;
	// 3 cipher specs (9 bytes); no session id; 16-byte challenge.
	body := cat([]byte{1}, u16(0x0301), u16(9), u16(0), u16(16), make([]byte, 9), make([]byte, 16))
	b := cat([]byte{0x80 | byte(len(body)>>8), byte(len(body))}, body)
	if !LooksLikeTLS(b) {
		t.Fatal("SSLv2 hello not recognised")
	}
	var a Accumulator
	if st := a.Write(b); st != Done {
		t.Fatal(st, a.Err())
	}
	c, err := a.ClientHello()
	if err != nil || !c.SSLv2 || c.LegacyVersion != VersionTLS10 || c.CipherSuites != 3 {
		t.Fatalf("got %+v %v", c, err)
	}
}

func TestNotTLS(t *testing.T) {
	for _, tc := range []struct{ name, in string }{
		{"http", "GET / HTTP/1.1\r\n"},
		{"ssh", "SSH-2.0-OpenSSH_9.0\r\n"},
		{"bad version", "\x16\x05\x01\x00\x10"},
		{"huge record", "\x16\x03\x01\xff\xff"},
		{"sslv2 not hello", "\x80\x10\x04\x03\x01"},
	} {
		if LooksLikeTLS([]byte(tc.in)) {
			t.Errorf("%s: looks like TLS", tc.name)
		}
		var a Accumulator
		if st := a.Write([]byte(tc.in)); st != NotTLS || !errors.Is(a.Err(), ErrNotTLS) {
			t.Errorf("%s: status %v err %v", tc.name, st, a.Err())
		}
	}
	// Application data first: TLS, mid-stream, no hello.
	var a Accumulator
	if st := a.Write([]byte{23, 3, 3, 0, 2, 1, 2}); st != Done || a.ContentType() != ContentApplicationData {
		t.Errorf("app data: %v %d", st, a.ContentType())
	}
	if _, err := a.ClientHello(); !errors.Is(err, ErrNoHello) {
		t.Errorf("hello from app data: %v", err)
	}
}

func TestCap(t *testing.T) {
	// A handshake header claiming 70000 bytes passes the 64 KiB cap.
	var a Accumulator
	if st := a.Write([]byte{22, 3, 1, 0, 4, 1, 0x01, 0x11, 0x70}); st != NotTLS {
		t.Fatalf("status %v", st)
	}
	// A small cap refuses a record larger than itself.
	b := Accumulator{Max: 100}
	if st := b.Write(records(modern, 1000)); st != NotTLS {
		t.Fatalf("small cap: %v", st)
	}
}

func TestTruncatedHello(t *testing.T) {
	// The ALPN list claims 200 bytes: an error naming the extension.
	bad := handshake(TypeClientHello, clientHello(ext(16, cat(u16(200), []byte{2, 'h', '2'}))))
	var a Accumulator
	a.Write(records(bad, 1000))
	_, err := a.ClientHello()
	if !errors.Is(err, ErrTruncated) || !strings.Contains(err.Error(), "extension 16") {
		t.Fatalf("error %v", err)
	}
}

func TestVersionNames(t *testing.T) {
	for v, want := range map[Version]string{VersionSSL3: "SSL 3.0", VersionTLS12: "TLS 1.2", VersionTLS13: "TLS 1.3", 0x2a2a: "GREASE", 0x7f17: "0x7f17"} {
		if got := v.String(); got != want {
			t.Errorf("%#x = %q, want %q", uint16(v), got, want)
		}
	}
}
