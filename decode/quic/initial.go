package quic

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
)

// Salts of the initial secrets (RFC 9001 5.2, RFC 9369 3.3.1, draft-29).
var (
	salt1       = []byte{0x38, 0x76, 0x2c, 0xf7, 0xf5, 0x59, 0x34, 0xb3, 0x4d, 0x17, 0x9a, 0xe6, 0xa4, 0xc8, 0x0c, 0xad, 0xcc, 0xbb, 0x7f, 0x0a}
	salt2       = []byte{0x0d, 0xed, 0xe3, 0xde, 0xf7, 0x00, 0xa6, 0xdb, 0x81, 0x93, 0x81, 0xbe, 0x6e, 0x26, 0x9d, 0xcb, 0xf9, 0xbd, 0x2e, 0xd9}
	saltDraft29 = []byte{0xaf, 0xbf, 0xec, 0x28, 0x99, 0x93, 0xd2, 0x4c, 0x9e, 0x97, 0x86, 0xf1, 0x9c, 0x61, 0x11, 0xe0, 0x43, 0x90, 0xa8, 0x99}
)

// Keys protect one direction's Initial packets.
type Keys struct {
	Key, IV, HP []byte
}

// ClientInitialKeys derives the keys of a client's Initial packets from
// the destination connection id it chose (RFC 9001 5.2).
func ClientInitialKeys(v Version, dcid []byte) (Keys, error) {
	salt, prefix := salt1, "quic "
	switch {
	case v == Version2:
		salt, prefix = salt2, "quicv2 "
	case v == VersionDraft29:
		salt = saltDraft29
	case v != Version1:
		return Keys{}, fmt.Errorf("QUIC version %s: its Initial keys are not known", v)
	}
	initial, err := hkdf.Extract(sha256.New, dcid, salt)
	if err != nil {
		return Keys{}, err
	}
	client, err := expandLabel(initial, "client in", 32)
	if err != nil {
		return Keys{}, err
	}
	var k Keys
	if k.Key, err = expandLabel(client, prefix+"key", 16); err != nil {
		return k, err
	}
	if k.IV, err = expandLabel(client, prefix+"iv", 12); err != nil {
		return k, err
	}
	k.HP, err = expandLabel(client, prefix+"hp", 16)
	return k, err
}

// expandLabel is TLS 1.3's HKDF-Expand-Label with an empty context.
func expandLabel(secret []byte, label string, n int) ([]byte, error) {
	full := "tls13 " + label
	info := make([]byte, 0, 4+len(full))
	info = binary.BigEndian.AppendUint16(info, uint16(n))
	info = append(info, byte(len(full)))
	info = append(info, full...)
	info = append(info, 0)
	return hkdf.Expand(sha256.New, secret, string(info), n)
}

// Packet is an opened Initial packet.
type Packet struct {
	Header
	PacketNumber uint64
	// Len is the packet's whole length: a datagram may hold more
	// packets after it (coalesced, RFC 9000 12.2).
	Len int
	// Crypto is its CRYPTO frames, in the order sent; their Data are
	// slices of a buffer the packet owns.
	Crypto []Frame
	// Ping, Padding and Ack count those frames.
	Ping, Padding, Ack int
}

// Frame is one CRYPTO frame: Data belongs at Offset of the handshake
// stream of its packet number space.
type Frame struct {
	Offset uint64
	Data   []byte
}

// OpenClientInitial removes the protection of a client's Initial packet at
// the start of b and reads its frames. b is not changed.
func OpenClientInitial(b []byte) (Packet, error) {
	h, err := ParseHeader(b)
	if err != nil {
		return Packet{Header: h}, err
	}
	if !h.Long || h.Type != Initial {
		return Packet{Header: h}, fmt.Errorf("QUIC %s packet is not an Initial", h.Type)
	}
	p := Packet{Header: h, Len: h.PNOffset + h.Length}
	if p.Len > len(b) {
		return p, ErrShort
	}
	if h.Length < 20 || h.PNOffset+4+16 > len(b) {
		return p, errors.New("QUIC Initial too short to hold a header protection sample")
	}
	keys, err := ClientInitialKeys(h.Version, h.DCID)
	if err != nil {
		return p, err
	}
	hp, err := aes.NewCipher(keys.HP)
	if err != nil {
		return p, err
	}
	var mask [16]byte
	hp.Encrypt(mask[:], b[h.PNOffset+4:h.PNOffset+20])
	pkt := append([]byte(nil), b[:p.Len]...)
	pkt[0] ^= mask[0] & 0x0f
	pnLen := int(pkt[0]&3) + 1
	for i := 0; i < pnLen; i++ {
		pkt[h.PNOffset+i] ^= mask[1+i]
		p.PacketNumber = p.PacketNumber<<8 | uint64(pkt[h.PNOffset+i])
	}
	block, err := aes.NewCipher(keys.Key)
	if err != nil {
		return p, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return p, err
	}
	nonce := append([]byte(nil), keys.IV...)
	for i := 0; i < 8; i++ {
		nonce[len(nonce)-1-i] ^= byte(p.PacketNumber >> (8 * i))
	}
	hdrEnd := h.PNOffset + pnLen
	plain, err := aead.Open(pkt[hdrEnd:hdrEnd], nonce, pkt[hdrEnd:], pkt[:hdrEnd])
	if err != nil {
		// Not a client's Initial (a server's uses the client's first
		// DCID, which its header does not carry), or not QUIC at all.
		return p, fmt.Errorf("open QUIC Initial: %w", err)
	}
	return p, p.frames(plain)
}

// frames reads an Initial's frames: only PADDING, PING, ACK, CRYPTO and
// CONNECTION_CLOSE may appear in one (RFC 9000 12.4).
func (p *Packet) frames(b []byte) error {
	for off := 0; off < len(b); {
		typ, l := varint(b[off:])
		if l == 0 {
			return errors.New("QUIC frame type cut short")
		}
		off += l
		switch typ {
		case 0x00:
			p.Padding++
		case 0x01:
			p.Ping++
		case 0x02, 0x03:
			p.Ack++
			n, ok := skipAck(b[off:], typ == 0x03)
			if !ok {
				return errors.New("QUIC ACK frame cut short")
			}
			off += n
		case 0x06:
			o, l1 := varint(b[off:])
			n, l2 := varint(b[off+l1:])
			if l1 == 0 || l2 == 0 || uint64(len(b)-off-l1-l2) < n {
				return errors.New("QUIC CRYPTO frame cut short")
			}
			off += l1 + l2
			p.Crypto = append(p.Crypto, Frame{Offset: o, Data: b[off : off+int(n)]})
			off += int(n)
		case 0x1c, 0x1d:
			return nil // a CONNECTION_CLOSE ends what there is to read
		default:
			return fmt.Errorf("QUIC frame type 0x%x may not appear in an Initial", typ)
		}
	}
	return nil
}

// skipAck returns the length of an ACK frame's body.
func skipAck(b []byte, ecn bool) (int, bool) {
	off := 0
	next := func() (uint64, bool) {
		v, l := varint(b[off:])
		off += l
		return v, l > 0
	}
	_, ok1 := next() // largest acknowledged
	_, ok2 := next() // delay
	ranges, ok3 := next()
	_, ok4 := next() // first range
	if !(ok1 && ok2 && ok3 && ok4) || ranges > uint64(len(b)) {
		return 0, false
	}
	n := 2 * ranges
	if ecn {
		n += 3
	}
	for i := uint64(0); i < n; i++ {
		if _, ok := next(); !ok {
			return 0, false
		}
	}
	return off, true
}
