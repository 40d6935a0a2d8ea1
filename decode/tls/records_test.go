package tls

import (
	"slices"
	"testing"
)

func TestHandshakeTypes(t *testing.T) {
	hs := func(typ byte, body int) []byte { return append([]byte{typ, 0, 0, byte(body)}, make([]byte, body)...) }
	record := func(typ byte, payload ...[]byte) []byte {
		b := slices.Concat(payload...)
		return append([]byte{typ, 3, 3, byte(len(b) >> 8), byte(len(b))}, b...)
	}
	for _, c := range []struct {
		name string
		b    []byte
		want []uint8
	}{
		{"client hello", record(ContentHandshake, hs(1, 40)), []uint8{1}},
		{"server hello, certificate, done in one record", record(ContentHandshake, hs(2, 30), hs(11, 50), hs(14, 0)), []uint8{2, 11, 14}},
		{"two records", slices.Concat(record(ContentHandshake, hs(2, 30)), record(ContentHandshake, hs(14, 0))), []uint8{2, 14}},
		{"a record the packet cuts", record(ContentHandshake, hs(11, 200))[:60], []uint8{11}},
		{"encrypted finished after change cipher spec", slices.Concat(record(ContentChangeCipherSpec, []byte{1}), record(ContentHandshake, hs(20, 12))), nil},
		{"random bytes in a handshake record", record(ContentHandshake, []byte{0x8a, 0xff, 0x10, 0x22, 1, 2, 3, 4}), nil},
		{"application data", record(ContentApplicationData, make([]byte, 30)), nil},
		{"not TLS", []byte("GET / HTTP/1.1\r\n\r\n"), nil},
	} {
		if got := HandshakeTypes(c.b, nil); !slices.Equal(got, c.want) {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
	}
}

// FuzzHandshakeTypes: any payload yields types without panicking, no
// more of them than its bytes could hold.
func FuzzHandshakeTypes(f *testing.F) {
	f.Add([]byte{22, 3, 3, 0, 8, 1, 0, 0, 4, 0, 0, 0, 0})
	f.Add([]byte{22, 3, 1, 0, 4, 11, 0, 255, 255})
	f.Fuzz(func(t *testing.T, b []byte) {
		if got := HandshakeTypes(b, nil); len(got) > len(b)/4 {
			t.Fatalf("%d types from %d bytes", len(got), len(b))
		}
	})
}
