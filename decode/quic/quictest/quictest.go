// Package quictest writes QUIC client Initial packets for tests: a real
// ClientHello from Go's own TLS stack, in CRYPTO frames, protected as RFC
// 9001 section 5 says by code of its own, so that the quic package's
// reader is held against the specification and not against itself.
package quictest

import (
	"crypto/aes"
	"crypto/cipher"
	gotls "crypto/tls"
	"encoding/binary"
	"io"
	"net"
	"testing"

	"thingsniff/decode/quic"
)

// ClientHello is the ClientHello message Go's TLS stack sends for the
// name given, offering ALPN h3 (the handshake message, without its record).
func ClientHello(tb testing.TB, sni string) []byte {
	tb.Helper()
	c, s := net.Pipe()
	go func() {
		cl := gotls.Client(c, &gotls.Config{ServerName: sni, NextProtos: []string{"h3"}, MinVersion: gotls.VersionTLS13})
		_ = cl.Handshake()
	}()
	defer c.Close()
	defer s.Close()
	hdr := make([]byte, 5)
	if _, err := io.ReadFull(s, hdr); err != nil {
		tb.Fatal(err)
	}
	msg := make([]byte, binary.BigEndian.Uint16(hdr[3:]))
	if _, err := io.ReadFull(s, msg); err != nil {
		tb.Fatal(err)
	}
	return msg
}

// Crypto writes a CRYPTO frame holding data at offset off.
func Crypto(off int, data []byte) []byte {
	b := []byte{0x06, 0x80 | byte(off>>24), byte(off >> 16), byte(off >> 8), byte(off), 0x40 | byte(len(data)>>8), byte(len(data))}
	return append(b, data...)
}

// SCID is the source connection id of the Initials Protect writes.
var SCID = []byte{0xaa, 0xbb, 0xcc}

// Protect writes a client Initial packet of version v to dcid, with
// packet number pn, holding frames.
func Protect(tb testing.TB, v quic.Version, dcid []byte, pn uint32, frames []byte) []byte {
	tb.Helper()
	k, err := quic.ClientInitialKeys(v, dcid)
	if err != nil {
		tb.Fatal(err)
	}
	typeBits := byte(0) // Initial: 0 in version 1, 1 in version 2
	if v == quic.Version2 {
		typeBits = 1
	}
	hdr := []byte{0xc0 | typeBits<<4 | 3} // packet number of 4 bytes
	hdr = binary.BigEndian.AppendUint32(hdr, uint32(v))
	hdr = append(hdr, byte(len(dcid)))
	hdr = append(hdr, dcid...)
	hdr = append(hdr, byte(len(SCID)))
	hdr = append(hdr, SCID...)
	hdr = append(hdr, 0) // no token
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

// Initial is a version 1 client Initial to DCID 0102030405060708 holding
// a whole ClientHello for sni, padded.
func Initial(tb testing.TB, sni string) []byte {
	tb.Helper()
	frames := append(Crypto(0, ClientHello(tb, sni)), make([]byte, 100)...)
	return Protect(tb, quic.Version1, []byte{1, 2, 3, 4, 5, 6, 7, 8}, 0, frames)
}
