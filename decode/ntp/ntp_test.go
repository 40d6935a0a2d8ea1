package ntp

import (
	"encoding/hex"
	"strings"
	"testing"
	"time"
)

// A server's answer written by hand: version 4, mode 4, stratum 2,
// reference id 192.0.2.1, transmit time 2021-03-08 15:22:15.5 UTC
// (NTP seconds 0xe3f0bfa7 with half a second).
const server = `24 02 03 e9 00000000 00000000 c0000201
	0000000000000000 0000000000000000 0000000000000000 e3f0bfa7 80000000`

func TestServer(t *testing.T) {
	b, _ := hex.DecodeString(strings.Join(strings.Fields(server), ""))
	p, err := Parse(b)
	if err != nil {
		t.Fatal(err)
	}
	if p.Version != 4 || p.Mode != ModeServer || p.Stratum != 2 || p.RefID != [4]byte{192, 0, 2, 1} {
		t.Errorf("got %+v", p)
	}
	want := time.Date(2021, 3, 8, 15, 22, 15, 500_000_000, time.UTC)
	if !p.Transmit.Equal(want) {
		t.Errorf("transmit %v, want %v", p.Transmit, want)
	}
	if p.Mode.String() != "server" || !Looks(b) {
		t.Errorf("mode %q, looks %v", p.Mode, Looks(b))
	}
	if _, err := Parse(b[:47]); err != ErrShort {
		t.Errorf("47 bytes: %v", err)
	}
	if Looks([]byte("GET / HTTP/1.1\r\n\r\n0123456789012345678901234567890")) {
		t.Error("HTTP looks like NTP")
	}
}

func FuzzNTP(f *testing.F) {
	b, _ := hex.DecodeString(strings.Join(strings.Fields(server), ""))
	f.Add(b)
	f.Add([]byte{0x1b})
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := Parse(b)
		if err == nil && p.Mode < ModeControl && len(b) < HeaderLen {
			t.Fatalf("a header from %d bytes", len(b))
		}
		_ = p.Mode.String()
	})
}
