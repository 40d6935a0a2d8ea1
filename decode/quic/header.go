package quic

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// Version is a QUIC version number.
type Version uint32

// Versions whose Initial packets can be opened.
const (
	Version1       Version = 0x00000001
	Version2       Version = 0x6b3343cf
	VersionDraft29 Version = 0xff00001d
)

// String names the version as Wireshark does ("1", "2", "draft-29").
func (v Version) String() string {
	switch {
	case v == Version1:
		return "1"
	case v == Version2:
		return "2"
	case v == 0:
		return "Negotiation"
	case v>>8 == 0xff0000:
		return fmt.Sprintf("draft-%d", uint8(v))
	case v&0x0f0f0f0f == 0x0a0a0a0a:
		return fmt.Sprintf("0x%08x (GREASE)", uint32(v))
	}
	return fmt.Sprintf("0x%08x", uint32(v))
}

// PacketType is a long header packet's type.
type PacketType uint8

// Long header packet types (as numbered by version 1).
const (
	Initial PacketType = iota
	ZeroRTT
	Handshake
	Retry
	// VersionNegotiation has version 0 and no type of its own.
	VersionNegotiation
	// Short is a short header (1-RTT) packet.
	Short
)

var typeNames = [...]string{"Initial", "0-RTT", "Handshake", "Retry", "Version Negotiation", "Protected Payload"}

func (t PacketType) String() string {
	if int(t) < len(typeNames) {
		return typeNames[t]
	}
	return "Unknown"
}

// Header is a QUIC packet's header as far as it is readable without keys.
type Header struct {
	Long    bool
	Type    PacketType
	Version Version
	// DCID and SCID are slices of the bytes parsed (a short header's
	// DCID length is not on the wire: it is left empty).
	DCID, SCID []byte
	// TokenLen is an Initial's token length.
	TokenLen int
	// Length is the long header's Length field: packet number and payload.
	Length int
	// PNOffset is where the (protected) packet number starts.
	PNOffset int
}

// ErrShort means the bytes end before the header does.
var ErrShort = errors.New("QUIC header cut short")

// ParseHeader reads the header at the start of b. Short header packets
// give only their form: the rest needs state from the handshake.
func ParseHeader(b []byte) (Header, error) {
	var h Header
	if len(b) < 1 {
		return h, ErrShort
	}
	if b[0]&0x80 == 0 {
		h.Type = Short
		return h, nil
	}
	h.Long = true
	if len(b) < 7 {
		return h, ErrShort
	}
	h.Version = Version(binary.BigEndian.Uint32(b[1:5]))
	off := 5
	var ok bool
	if h.DCID, off, ok = connID(b, off); !ok {
		return h, ErrShort
	}
	if h.SCID, off, ok = connID(b, off); !ok {
		return h, ErrShort
	}
	if h.Version == 0 {
		h.Type = VersionNegotiation
		return h, nil
	}
	h.Type = PacketType(b[0] >> 4 & 3)
	if h.Version == Version2 { // RFC 9369 renumbers the types
		h.Type = [...]PacketType{Retry, Initial, ZeroRTT, Handshake}[h.Type]
	}
	if h.Type == Retry {
		return h, nil
	}
	if h.Type == Initial {
		n, l := varint(b[off:])
		if l == 0 || uint64(len(b)-off-l) < n {
			return h, ErrShort
		}
		h.TokenLen = int(n)
		off += l + int(n)
	}
	n, l := varint(b[off:])
	if l == 0 {
		return h, ErrShort
	}
	if n > 1<<16 {
		return h, fmt.Errorf("QUIC packet length %d is more than a datagram holds", n)
	}
	h.Length, h.PNOffset = int(n), off+l
	return h, nil
}

func connID(b []byte, off int) ([]byte, int, bool) {
	if off >= len(b) {
		return nil, off, false
	}
	n := int(b[off])
	off++
	if off+n > len(b) {
		return nil, off, false
	}
	return b[off : off+n], off + n, true
}

// varint reads a QUIC variable-length integer; l is 0 when b is too short.
func varint(b []byte) (v uint64, l int) {
	if len(b) == 0 {
		return 0, 0
	}
	l = 1 << (b[0] >> 6)
	if len(b) < l {
		return 0, 0
	}
	v = uint64(b[0] & 0x3f)
	for _, c := range b[1:l] {
		v = v<<8 | uint64(c)
	}
	return v, l
}

// Looks reports whether a UDP payload plausibly starts a QUIC long
// header packet of a known version (or a version negotiation): what a
// port like 443 needs checked before a datagram is called QUIC.
func Looks(b []byte) bool {
	if len(b) < 7 || b[0]&0xc0 != 0xc0 && !(b[0]&0x80 != 0 && binary.BigEndian.Uint32(b[1:5]) == 0) {
		return false
	}
	h, err := ParseHeader(b)
	if err != nil && !errors.Is(err, ErrShort) {
		return false
	}
	switch {
	case h.Version == Version1, h.Version == Version2, h.Version == 0, h.Version>>8 == 0xff0000:
		return len(h.DCID) <= 20
	}
	return false
}
