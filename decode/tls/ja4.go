package tls

import (
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"strconv"
	"strings"
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
	suites := withoutGREASE(c.Suites)
	exts := withoutGREASE(c.Extensions)
	var b strings.Builder
	b.WriteByte(transport)
	b.WriteString(ja4Version(c))
	if c.SNI != "" {
		b.WriteByte('d')
	} else {
		b.WriteByte('i')
	}
	b.WriteString(twoDigits(len(suites)))
	b.WriteString(twoDigits(len(exts)))
	b.WriteString(ja4ALPN(c.ALPN))
	b.WriteByte('_')
	slices.Sort(suites)
	b.WriteString(ja4Hash(hexList(suites)))
	b.WriteByte('_')
	sorted := exts[:0:0]
	for _, e := range exts {
		if e != extServerName && e != extALPN {
			sorted = append(sorted, e)
		}
	}
	slices.Sort(sorted)
	text := hexList(sorted)
	if len(sorted) > 0 && len(c.SignatureAlgorithms) > 0 {
		text += "_" + hexList(withoutGREASE(c.SignatureAlgorithms))
	}
	b.WriteString(ja4Hash(text))
	return b.String()
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

func hexList(vs []uint16) string {
	parts := make([]string, len(vs))
	for i, v := range vs {
		s := strconv.FormatUint(uint64(v), 16)
		parts[i] = strings.Repeat("0", 4-len(s)) + s
	}
	return strings.Join(parts, ",")
}

func ja4Hash(s string) string {
	if s == "" {
		return "000000000000"
	}
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])[:12]
}
