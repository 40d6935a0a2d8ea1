package tls

import "strconv"

// Version is a protocol version as it appears on the wire.
type Version uint16

// Versions.
const (
	VersionSSL2  Version = 0x0002
	VersionSSL3  Version = 0x0300
	VersionTLS10 Version = 0x0301
	VersionTLS11 Version = 0x0302
	VersionTLS12 Version = 0x0303
	VersionTLS13 Version = 0x0304
)

// IsGREASE reports whether v is one of the reserved GREASE values
// (RFC 8701: 0x0a0a, 0x1a1a, ... 0xfafa) clients send to keep servers
// tolerant; they are not real versions.
func (v Version) IsGREASE() bool {
	return v&0x0f0f == 0x0a0a && v>>8 == v&0xff
}

// String returns "SSL 3.0", "TLS 1.2", "GREASE" or the number in hex.
func (v Version) String() string {
	switch v {
	case VersionSSL2:
		return "SSL 2.0"
	case VersionSSL3:
		return "SSL 3.0"
	case VersionTLS10:
		return "TLS 1.0"
	case VersionTLS11:
		return "TLS 1.1"
	case VersionTLS12:
		return "TLS 1.2"
	case VersionTLS13:
		return "TLS 1.3"
	}
	if v.IsGREASE() {
		return "GREASE"
	}
	return "0x" + strconv.FormatUint(uint64(v), 16)
}
