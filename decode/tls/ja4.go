package tls

import (
	"crypto/sha256"
	"encoding/hex"
	"slices"
)

// Transports a JA4 fingerprint starts with.
const (
	OverTCP  = 't'
	OverQUIC = 'q'
	OverDTLS = 'd'
)

// JA4 returns the JA4 fingerprint of the hello (FoxIO's JA4 TLS client
// fingerprint, as its specification describes it), sent over transport
// (OverTCP, OverQUIC or OverDTLS). It reads "t13d1516h2_8daaf6152771_e5627efa2ab1":
//
//   - part a: transport; highest version offered ("13", "12", "11",
//     "10", "s3", "s2"; supported_versions first, GREASE ignored); "d"
//     when a server name is sent, else "i"; the counts of cipher suites
//     and of extensions (GREASE left out, at most 99); the first and last
//     characters of the first ALPN value ("00" without one; their hex
//     digits when either is not a letter or digit);
//   - part b: the first 12 hex digits of the SHA-256 of the cipher suites
//     as 4-digit hex, sorted, joined by commas;
//   - part c: the same of the extensions, sorted, less server_name and
//     ALPN, then "_" and the signature algorithms in their order (no "_"
//     when there are none).
//
// A list that is empty hashes to "000000000000".
func (c *ClientHello) JA4(transport byte) string {
	// Built in one buffer: a busy capture has a hello a connection.
	var scratch [512]byte
	suites := withoutGREASE(c.Suites)
	exts := withoutGREASE(c.Extensions)
	out := make([]byte, 0, 36)
	out = append(out, transport)
	out = append(out, ja4Version(c)...)
	if c.SNI != "" {
		out = append(out, 'd')
	} else {
		out = append(out, 'i')
	}
	out = append(out, twoDigits(len(suites))...)
	out = append(out, twoDigits(len(exts))...)
	out = append(out, ja4ALPN(c.ALPN)...)
	out = append(out, '_')
	slices.Sort(suites)
	out = appendHash(out, appendHexList(scratch[:0], suites))
	out = append(out, '_')
	sorted := exts[:0]
	for _, e := range exts {
		if e != extServerName && e != extALPN {
			sorted = append(sorted, e)
		}
	}
	slices.Sort(sorted)
	text := appendHexList(scratch[:0], sorted)
	if len(sorted) > 0 && len(c.SignatureAlgorithms) > 0 {
		text = appendHexList(append(text, '_'), withoutGREASE(c.SignatureAlgorithms))
	}
	out = appendHash(out, text)
	return string(out)
}

func withoutGREASE(vs []uint16) []uint16 {
	out := make([]uint16, 0, len(vs))
	for _, v := range vs {
		if !Version(v).IsGREASE() {
			out = append(out, v)
		}
	}
	return out
}

func ja4Version(c *ClientHello) string {
	v := c.LegacyVersion
	if len(c.SupportedVersions) > 0 {
		v = 0
		for _, s := range c.SupportedVersions {
			if !s.IsGREASE() && s > v {
				v = s
			}
		}
	}
	switch v {
	case VersionTLS13:
		return "13"
	case VersionTLS12:
		return "12"
	case VersionTLS11:
		return "11"
	case VersionTLS10:
		return "10"
	case VersionSSL3:
		return "s3"
	case VersionSSL2:
		return "s2"
	}
	return "00"
}

func twoDigits(n int) string {
	n = min(n, 99)
	return string([]byte{byte('0' + n/10), byte('0' + n%10)})
}

func ja4ALPN(alpn []string) string {
	if len(alpn) == 0 || alpn[0] == "" {
		return "00"
	}
	a := alpn[0]
	first, last := a[0], a[len(a)-1]
	if alnum(first) && alnum(last) {
		return string([]byte{first, last})
	}
	h := hex.EncodeToString([]byte(a))
	return string([]byte{h[0], h[len(h)-1]})
}

func alnum(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
}

// appendHexList appends vs as 4-digit lower-case hex joined by commas.
func appendHexList(b []byte, vs []uint16) []byte {
	const digits = "0123456789abcdef"
	for i, v := range vs {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, digits[v>>12], digits[v>>8&0xf], digits[v>>4&0xf], digits[v&0xf])
	}
	return b
}

// appendHash appends the first 12 hex digits of text's SHA-256, or
// twelve zeros for an empty list.
func appendHash(b, text []byte) []byte {
	if len(text) == 0 {
		return append(b, "000000000000"...)
	}
	sum := sha256.Sum256(text)
	return hex.AppendEncode(b, sum[:6])
}

// ja4Hash is appendHash of a string.
func ja4Hash(s string) string { return string(appendHash(nil, []byte(s))) }
