package quic

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	gotls "crypto/tls"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"io"
	"net"
	"testing"
)

// The keys RFC 9001 appendix A.1 derives for the client's Initial
// packets with destination connection id 8394c8f03e515708.
func TestClientInitialKeysRFC9001(t *testing.T) {
	dcid, _ := hex.DecodeString("8394c8f03e515708")
	k, err := ClientInitialKeys(Version1, dcid)
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

// goClientHello is the ClientHello message Go's own TLS stack sends for
// the name and ALPN given (the handshake message, without the record).
func goClientHello(t testing.TB, sni string) []byte {
	t.Helper()
	c, s := net.Pipe()
	go func() {
		cl := gotls.Client(c, &gotls.Config{ServerName: sni, NextProtos: []string{"h3"}, MinVersion: gotls.VersionTLS13})
		_ = cl.Handshake()
	}()
	defer c.Close()
	defer s.Close()
	hdr := make([]byte, 5)
	if _, err := io.ReadFull(s, hdr); err != nil {
		t.Fatal(err)
	}
	msg := make([]byte, binary.BigEndian.Uint16(hdr[3:]))
	if _, err := io.ReadFull(s, msg); err != nil {
		t.Fatal(err)
	}
	return msg
}

// protect builds a client Initial packet holding frames, protected as RFC
// 9001 section 5 says: the test's own writer, so that the reader is held
// against the specification and not against itself.
func protect(t testing.TB, v Version, dcid []byte, pn uint32, frames []byte) []byte {
	t.Helper()
	k, err := ClientInitialKeys(v, dcid)
	if err != nil {
		t.Fatal(err)
	}
	typeBits := byte(0) // Initial: 0 in version 1, 1 in version 2
	if v == Version2 {
		typeBits = 1
	}
	hdr := []byte{0xc0 | typeBits<<4 | 3} // packet number of 4 bytes
	hdr = binary.BigEndian.AppendUint32(hdr, uint32(v))
	hdr = append(hdr, byte(len(dcid)))
	hdr = append(hdr, dcid...)
	hdr = append(hdr, 3, 0xaa, 0xbb, 0xcc) // SCID
	hdr = append(hdr, 0)                   // no token
	length := 4 + len(frames) + 16
	hdr = append(hdr, 0x40|byte(length>>8), byte(length))
	pnOff := len(hdr)
	hdr = binary.BigEndian.AppendUint32(hdr, pn)
	block, _ := aes.NewCipher(k.Key)
	aead, _ := cipher.NewGCM(block)
	nonce := append([]byte(nil), k.IV...)
	for i := 0; i < 4; i++ {
		nonce[11-i] ^= byte(pn >> (8 * i))
	}
	pkt := aead.Seal(append([]byte(nil), hdr...), nonce, frames, hdr)
	hp, _ := aes.NewCipher(k.HP)
	var mask [16]byte
	hp.Encrypt(mask[:], pkt[pnOff+4:pnOff+20])
	pkt[0] ^= mask[0] & 0x0f
	for i := 0; i < 4; i++ {
		pkt[pnOff+i] ^= mask[1+i]
	}
	return pkt
}

// crypto writes a CRYPTO frame.
func crypto(off int, data []byte) []byte {
	b := []byte{0x06, 0x80 | byte(off>>24), byte(off >> 16), byte(off >> 8), byte(off), 0x40 | byte(len(data)>>8), byte(len(data))}
	return append(b, data...)
}

func TestClientHelloInOneInitial(t *testing.T) {
	hello := goClientHello(t, "update.example.com")
	dcid := []byte{1, 2, 3, 4, 5, 6, 7, 8}
	for _, v := range []Version{Version1, Version2, VersionDraft29} {
		frames := append(crypto(0, hello), make([]byte, 100)...) // padding
		pkt := protect(t, v, dcid, 0, frames)
		if !Looks(pkt) {
			t.Errorf("version %s: Looks is false", v)
		}
		p, ch, err := ClientHelloOf(append(pkt, 0x40, 1, 2)) // a coalesced packet after it
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
	first := protect(t, Version1, dcid, 0, append(crypto(half, hello[half:]), make([]byte, 900)...))
	second := protect(t, Version1, dcid, 1, append(crypto(0, hello[:half]), make([]byte, 900)...))
	var h Hello
	p1, _, err := ClientHelloOf(first)
	if !errors.Is(err, ErrIncomplete) {
		t.Fatalf("first alone: %v", err)
	}
	if h.Add(p1.Crypto) {
		t.Fatal("whole after the first half")
	}
	p2, err := OpenClientInitial(second)
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
		if Looks(b) {
			t.Errorf("%x looks like QUIC", b)
		}
	}
	// A short header, or a corrupted Initial, is not opened.
	pkt := protect(t, Version1, []byte{1, 2, 3, 4}, 0, append(crypto(0, []byte{1, 0, 0, 0}), make([]byte, 50)...))
	pkt[len(pkt)-1] ^= 1
	if _, err := OpenClientInitial(pkt); err == nil {
		t.Error("a corrupted Initial opened")
	}
}

func FuzzQUIC(f *testing.F) {
	f.Add(protect(f, Version1, []byte{1, 2, 3, 4, 5, 6, 7, 8}, 0, append(crypto(0, goClientHello(f, "a.example")), make([]byte, 400)...)))
	f.Add([]byte{0xc3, 0, 0, 0, 1, 8, 1, 2, 3, 4, 5, 6, 7, 8, 0, 0, 0x41, 0})
	f.Fuzz(func(t *testing.T, b []byte) {
		_ = Looks(b)
		p, _, _ := ClientHelloOf(b)
		if p.Len > len(b) && len(p.Crypto) > 0 {
			t.Fatalf("frames read from a packet of %d bytes in %d", p.Len, len(b))
		}
		var h Hello
		h.Add(p.Crypto)
		if len(h.buf) > MaxHello {
			t.Fatalf("kept %d bytes", len(h.buf))
		}
	})
}
