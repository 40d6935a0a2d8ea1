package quic_test

import (
	"bytes"
	"encoding/hex"
	"errors"
	"testing"

	"thingsniff/decode/quic"
	"thingsniff/decode/quic/quictest"
)

var (
	protect       = quictest.Protect
	crypto        = quictest.Crypto
	goClientHello = quictest.ClientHello
)

// The keys RFC 9001 appendix A.1 derives for the client's Initial
// packets with destination connection id 8394c8f03e515708.
func TestClientInitialKeysRFC9001(t *testing.T) {
	dcid, _ := hex.DecodeString("8394c8f03e515708")
	k, err := quic.ClientInitialKeys(quic.Version1, dcid)
	if err != nil {
		t.Fatal(err)
	}
	for name, c := range map[string]struct {
		got  []byte
		want string
	}{"key": {k.Key, "1f369613dd76d5467730efcbe3b1a22d"}, "iv": {k.IV, "fa044b2f42a3fd3b46fb255c"}, "hp": {k.HP, "9f50449e04a0e810283a1e9933adedd2"}} {
		if hex.EncodeToString(c.got) != c.want {
			t.Errorf("%s %x, RFC 9001 says %s", name, c.got, c.want)
		}
	}
}

func TestClientHelloInOneInitial(t *testing.T) {
	hello := goClientHello(t, "update.example.com")
	dcid := []byte{1, 2, 3, 4, 5, 6, 7, 8}
	for _, v := range []quic.Version{quic.Version1, quic.Version2, quic.VersionDraft29} {
		frames := append(crypto(0, hello), make([]byte, 100)...) // padding
		pkt := protect(t, v, dcid, 0, frames)
		if !quic.Looks(pkt) {
			t.Errorf("version %s: quic.Looks is false", v)
		}
		p, ch, err := quic.ClientHelloOf(append(pkt, 0x40, 1, 2)) // a coalesced packet after it
		if err != nil {
			t.Fatalf("version %s: %v", v, err)
		}
		if p.Version != v || !bytes.Equal(p.DCID, dcid) || p.Len != len(pkt) || p.Padding == 0 {
			t.Errorf("version %s: header %+v", v, p.Header)
		}
		if ch.SNI != "update.example.com" || len(ch.ALPN) != 1 || ch.ALPN[0] != "h3" {
			t.Errorf("version %s: SNI %q ALPN %q", v, ch.SNI, ch.ALPN)
		}
	}
}

// A ClientHello split across two Initials, its frames out of order as
// browsers send them, is read once both are in.
func TestClientHelloAcrossInitials(t *testing.T) {
	hello := goClientHello(t, "camera.cloud.example")
	dcid := []byte{9, 9, 9, 9, 9, 9, 9, 9}
	half := len(hello) / 2
	first := protect(t, quic.Version1, dcid, 0, append(crypto(half, hello[half:]), make([]byte, 900)...))
	second := protect(t, quic.Version1, dcid, 1, append(crypto(0, hello[:half]), make([]byte, 900)...))
	var h quic.Hello
	p1, _, err := quic.ClientHelloOf(first)
	if !errors.Is(err, quic.ErrIncomplete) {
		t.Fatalf("first alone: %v", err)
	}
	if h.Add(p1.Crypto) {
		t.Fatal("whole after the first half")
	}
	p2, err := quic.OpenClientInitial(second)
	if err != nil {
		t.Fatal(err)
	}
	if !h.Add(p2.Crypto) {
		t.Fatal("not whole after both halves")
	}
	ch, err := h.ClientHello()
	if err != nil || ch.SNI != "camera.cloud.example" {
		t.Fatalf("SNI %q, %v", ch.SNI, err)
	}
}

func TestNotQUIC(t *testing.T) {
	for _, b := range [][]byte{[]byte("GET / HTTP/1.1\r\n"), {0x16, 3, 1, 0, 5, 1, 0}, {0xc0, 0, 0, 0, 9, 0, 0}} {
		if quic.Looks(b) {
			t.Errorf("%x looks like QUIC", b)
		}
	}
	// A short header, or a corrupted Initial, is not opened.
	pkt := protect(t, quic.Version1, []byte{1, 2, 3, 4}, 0, append(crypto(0, []byte{1, 0, 0, 0}), make([]byte, 50)...))
	pkt[len(pkt)-1] ^= 1
	if _, err := quic.OpenClientInitial(pkt); err == nil {
		t.Error("a corrupted Initial opened")
	}
}

func FuzzQUIC(f *testing.F) {
	f.Add(protect(f, quic.Version1, []byte{1, 2, 3, 4, 5, 6, 7, 8}, 0, append(crypto(0, goClientHello(f, "a.example")), make([]byte, 400)...)))
	f.Add([]byte{0xc3, 0, 0, 0, 1, 8, 1, 2, 3, 4, 5, 6, 7, 8, 0, 0, 0x41, 0})
	f.Fuzz(func(t *testing.T, b []byte) {
		_ = quic.Looks(b)
		p, _, _ := quic.ClientHelloOf(b)
		if p.Len > len(b) && len(p.Crypto) > 0 {
			t.Fatalf("frames read from a packet of %d bytes in %d", p.Len, len(b))
		}
		var h quic.Hello
		h.Add(p.Crypto)
		if _, err := h.ClientHello(); err == nil && len(p.Crypto) == 0 {
			t.Fatal("a ClientHello from no frames")
		}
	})
}
