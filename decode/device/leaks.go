package device

import (
	"encoding/base64"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"thingsniff/decode/httpmsg"
)

// identifyingNames are names of fields that tell who or what a device
// is, or let someone in: model, serial, MAC, firmware or version, region,
// user and password fields. They are matched whatever their case.
var identifyingNames = setOf("model", "modelname", "modelno", "model_no", "device", "devicename",
	"serial", "serialno", "serialnumber", "serial_number", "sn", "mac", "macaddr", "macaddress", "mac_address",
	"hwaddr", "fw", "firmware", "fwver", "firmwareversion", "firmware_version", "ver", "version",
	"swver", "swversion", "sw_version", "region", "country", "locale", "lang", "user", "username", "userid",
	"login", "email", "pass", "passwd", "password", "pwd", "pin", "token", "auth", "apikey", "api_key",
	"key", "secret", "uuid", "udid", "imei", "deviceid", "device_id", "id")

func setOf(names ...string) map[string]bool {
	m := make(map[string]bool, len(names))
	for _, n := range names {
		m[n] = true
	}
	return m
}

// identifying reports whether a field name is one of identifyingNames.
// It runs for every query and cookie field, so ASCII names are lowered
// into a buffer on the stack; others take Unicode's case folding (the
// Kelvin sign folds to k).
func identifying(name string) bool {
	var buf [16]byte // as long as the longest name
	ascii := true
	for i := 0; i < len(name); i++ {
		c := name[i]
		if c >= utf8.RuneSelf {
			ascii = false
			break
		}
		if i < len(buf) {
			buf[i] = lowerASCII(c)
		}
	}
	switch {
	case !ascii:
		return foldsToIdentifying(name)
	case len(name) > len(buf):
		return false
	}
	return identifyingNames[string(buf[:len(name)])]
}

// foldsToIdentifying compares a name with each identifying name under
// Unicode case folding.
func foldsToIdentifying(name string) bool {
	for n := range identifyingNames {
		if strings.EqualFold(name, n) {
			return true
		}
	}
	return false
}

// leakFindings flags identifying values a device sent in clear text: in
// the query, in cookies, in an Authorization header, in a form body, or
// its own MAC anywhere in the request line.
func (b *Builder) leakFindings(d *Device, e *Event, m *httpmsg.Message) {
	var found []string
	note := func(s string) {
		if !slices.Contains(found, s) {
			found = append(found, s)
		}
	}
	for _, q := range m.Query {
		if identifying(q.Name) && q.Value != "" {
			note(q.Name + "=" + q.Value)
		}
	}
	for _, c := range m.Cookies {
		if identifying(c.Name) && c.Value != "" {
			note("cookie " + c.Name + "=" + c.Value)
		}
	}
	if a := m.Header("Authorization"); a != "" {
		note("Authorization: " + a + decodeBasic(a))
	}
	if strings.Contains(strings.ToLower(m.ContentType), "form-urlencoded") && len(m.Body) > 0 {
		for _, q := range httpmsg.ParseQuery(string(m.Body)) {
			if identifying(q.Name) && q.Value != "" {
				note("form " + q.Name + "=" + q.Value)
			}
		}
	}
	if d.hasMAC && containsMAC(m.URI, d.mac) && !seenMAC(found) {
		note("its MAC address in the URL")
	}
	if len(found) == 0 {
		return
	}
	key := hostOr(m.Host, e.Peer) + " " + m.Method + " " + m.Path + " " + strings.Join(fieldNames(found), ",")
	if d.repeat("clear-text", key, e.Packets) {
		return
	}
	sev := Warning
	for _, f := range found {
		l := strings.ToLower(f)
		if strings.Contains(l, "pass") || strings.Contains(l, "pwd") || strings.Contains(l, "authorization") || strings.Contains(l, "token") || strings.Contains(l, "secret") {
			sev = Alert
		}
	}
	d.find(Finding{Kind: "clear-text", Severity: sev, Time: e.Time, Packets: e.Packets, Flow: e.Flow,
		Text: fmt.Sprintf("sent %s in clear text to %s (HTTP %s %s)", strings.Join(found, ", "), hostOr(m.Host, e.Peer), m.Method, m.Path),
		key:  key})
}

// fieldNames keeps the names of "name=value" and "Header: value" items,
// so that repeats with other values group together.
func fieldNames(found []string) []string {
	names := make([]string, len(found))
	for i, f := range found {
		n, _, _ := strings.Cut(f, "=")
		n, _, _ = strings.Cut(n, ":")
		names[i] = n
	}
	return names
}

func seenMAC(found []string) bool {
	for _, f := range found {
		if strings.HasPrefix(strings.ToLower(f), "mac") {
			return true
		}
	}
	return false
}

// containsMAC finds mac in s written with or without separators (":",
// "-", "%3a") between its digits, in any case. It runs for every
// request, so it walks s instead of building a cleaned copy.
func containsMAC(s string, mac [6]byte) bool {
	const hexdigits = "0123456789abcdef"
	var want [12]byte
	for i, c := range mac {
		want[2*i], want[2*i+1] = hexdigits[c>>4], hexdigits[c&0xf]
	}
	for start := range len(s) {
		if macAt(s[start:], &want) {
			return true
		}
	}
	return false
}

// macAt reports whether s starts with the digits of want, separators
// allowed between them.
func macAt(s string, want *[12]byte) bool {
	i := 0
	for k := range want {
		if k > 0 {
			for {
				if i < len(s) && (s[i] == ':' || s[i] == '-') {
					i++
				} else if i+3 <= len(s) && s[i] == '%' && s[i+1] == '3' && (s[i+2] == 'a' || s[i+2] == 'A') {
					i += 3
				} else {
					break
				}
			}
		}
		if i >= len(s) || lowerASCII(s[i]) != want[k] {
			return false
		}
		i++
	}
	return true
}

func lowerASCII(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// decodeBasic shows what a Basic Authorization header says, since that is
// the point: it is a user name and password, merely base64-encoded.
func decodeBasic(h string) string {
	const prefix = "basic "
	if len(h) <= len(prefix) || !strings.EqualFold(h[:len(prefix)], prefix) {
		return ""
	}
	b, err := base64.StdEncoding.DecodeString(strings.TrimSpace(h[len(prefix):]))
	if err != nil || !utf8.Valid(b) {
		return ""
	}
	return fmt.Sprintf(" (user:password %q)", string(b))
}
