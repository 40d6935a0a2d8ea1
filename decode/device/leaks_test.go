package device

import (
	"encoding/hex"
	"regexp"
	"strings"
	"testing"
)

// The forms identifying and containsMAC replaced, kept to check them
// against: a regular expression, and a cleaned lower-case copy.
var identifyingRegexp = regexp.MustCompile(`(?i)^(model|modelname|model_?no|device|devicename|serial|serialno|serial_?number|sn|mac|macaddr|mac_?address|hwaddr|fw|firmware|fwver|firmware_?version|ver|version|swver|sw_?version|region|country|locale|lang|user|username|userid|login|email|pass|passwd|password|pwd|pin|token|auth|apikey|api_?key|key|secret|uuid|udid|imei|deviceid|device_?id|id)$`)

func containsMACByCopy(s string, mac [6]byte) bool {
	clean := strings.NewReplacer(":", "", "-", "", "%3a", "").Replace(strings.ToLower(s))
	return strings.Contains(clean, hex.EncodeToString(mac[:]))
}

var leakNameCases = []string{"", "model", "MODEL", "Model_No", "modelno", "model__no", "serial_number", "SerialNumber",
	"sn", "snx", "MAC", "mac_address", "Firmware_Version", "id", "ID", "idx", "api_key", "apiKey", "\u212Aey",
	"ſecret", "paſs", "user\u00e9", "firmware_versionX", "x", "password", "PASSWORD", "pin", "ping", "lang", "Lang "}

func TestIdentifyingMatchesTheRegexp(t *testing.T) {
	for _, n := range leakNameCases {
		if got, want := identifying(n), identifyingRegexp.MatchString(n); got != want {
			t.Errorf("identifying(%q) = %v, the regexp says %v", n, got, want)
		}
	}
}

var macCases = []string{"", "/x?mac=0012fb0a0b0c", "/x?mac=00:12:FB:0A:0B:0C", "/x?mac=00-12-fb-0a-0b-0c",
	"/x?mac=00%3A12%3afb%3A0a%3A0b%3A0c", "/x?mac=0012fb0a0b0", "/0012fb0a0b0d", "/00:12:fb::0a0b--0c/", "/%3a0012fb0a0b0c",
	"/0012fb0a0b%3", "/00%3%3a12fb0a0b0c", "/0012fb0a0b0c0c", "/ff0012fb0a0b0c"}

func TestContainsMACMatchesACleanedCopy(t *testing.T) {
	mac := [6]byte{0x00, 0x12, 0xfb, 0x0a, 0x0b, 0x0c}
	for _, s := range macCases {
		if got, want := containsMAC(s, mac), containsMACByCopy(s, mac); got != want {
			t.Errorf("containsMAC(%q) = %v, a cleaned copy says %v", s, got, want)
		}
	}
}

func FuzzLeakMatchers(f *testing.F) {
	for _, n := range leakNameCases {
		f.Add(n)
	}
	for _, s := range macCases {
		f.Add(s)
	}
	mac := [6]byte{0x00, 0x12, 0xfb, 0x0a, 0x0b, 0x0c}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := identifying(s), identifyingRegexp.MatchString(s); got != want {
			t.Errorf("identifying(%q) = %v, the regexp says %v", s, got, want)
		}
		if got, want := containsMAC(s, mac), containsMACByCopy(s, mac); got != want {
			t.Errorf("containsMAC(%q) = %v, a cleaned copy says %v", s, got, want)
		}
	})
}
