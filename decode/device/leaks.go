package device

import (
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"

	"thingsniff/decode/httpmsg"
)

// identifying matches names of fields that tell who or what a device is,
// or let someone in: model, serial, MAC, firmware or version, region,
// user and password fields.
var identifying = regexp.MustCompile(`(?i)^(model|modelname|model_?no|device|devicename|serial|serialno|serial_?number|sn|mac|macaddr|mac_?address|hwaddr|fw|firmware|fwver|firmware_?version|ver|version|swver|sw_?version|region|country|locale|lang|user|username|userid|login|email|pass|passwd|password|pwd|pin|token|auth|apikey|api_?key|key|secret|uuid|udid|imei|deviceid|device_?id|id)$`)

// leakFindings flags identifying values a device sent in clear text: in
// the query, in cookies, in an Authorization header, in a form body, or
// its own MAC anywhere in the request line.
func (b *Builder) leakFindings(d *Device, e *Event, m *httpmsg.Message) {
	var found []string
	seen := map[string]bool{}
	note := func(s string) {
		if !seen[s] {
			seen[s] = true
			found = append(found, s)
		}
	}
	for _, q := range m.Query {
		if identifying.MatchString(q.Name) && q.Value != "" {
			note(q.Name + "=" + q.Value)
		}
	}
	for _, c := range m.Cookies {
		if identifying.MatchString(c.Name) && c.Value != "" {
			note("cookie " + c.Name + "=" + c.Value)
		}
	}
	if a := m.Header("Authorization"); a != "" {
		note("Authorization: " + a + decodeBasic(a))
	}
	if strings.Contains(strings.ToLower(m.ContentType), "form-urlencoded") && len(m.Body) > 0 {
		for _, q := range httpmsg.ParseQuery(string(m.Body)) {
			if identifying.MatchString(q.Name) && q.Value != "" {
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
	sev := Warning
	for _, f := range found {
		l := strings.ToLower(f)
		if strings.Contains(l, "pass") || strings.Contains(l, "pwd") || strings.Contains(l, "authorization") || strings.Contains(l, "token") || strings.Contains(l, "secret") {
			sev = Alert
		}
	}
	d.find(Finding{Kind: "clear-text", Severity: sev, Time: e.Time, Packets: e.Packets, Flow: e.Flow,
		Text: fmt.Sprintf("sent %s in clear text to %s (HTTP %s %s)", strings.Join(found, ", "), hostOr(m.Host, e.Peer), m.Method, m.Path),
		key:  hostOr(m.Host, e.Peer) + " " + m.Method + " " + m.Path + " " + strings.Join(fieldNames(found), ",")})
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

// macSeparators drops what may stand between a MAC's bytes.
var macSeparators = strings.NewReplacer(":", "", "-", "", "%3a", "")

// containsMAC finds mac in s written with or without separators, in any case.
func containsMAC(s string, mac [6]byte) bool {
	plain := hex.EncodeToString(mac[:])
	return strings.Contains(macSeparators.Replace(strings.ToLower(s)), plain)
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
