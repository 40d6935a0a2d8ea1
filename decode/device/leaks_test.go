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

func TestCountedWindowAcrossTheSequenceWrap(t *testing.T) {
	if (seqWindow{}).holds(100, 10) {
		t.Fatal("an empty window holds bytes")
	}
	w := seqWindow{from: 0xffffff00, to: 0x100} // straddles 2^32
	for _, c := range []struct {
		seq  uint32
		n    int
		want bool
	}{{0xffffff00, 0x100, true}, {0xfffffff0, 0x20, true}, {0xf0, 0x10, true}, {0xf0, 0x11, false},
		{0xfffffeff, 1, false}, {0xfffffeff, 2, false}, {0x100, 1, false}, {0x10, 0, false}} {
		if got := w.holds(c.seq, c.n); got != c.want {
			t.Errorf("holds(seq %#x, %d bytes) = %v, want %v", c.seq, c.n, got, c.want)
		}
	}
}

// FuzzPreview checks the one-pass preview against what strings.Fields
// and Join make of the same bytes.
func FuzzPreview(f *testing.F) {
	for _, s := range []string{"", "  ", "[NO UPDATE]", " a \r\n\tb  c ", "x\xffy \xa0 z", "é è\u00a0ê\u0085x", "\v\f", strings.Repeat("word ", 100)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		want := strings.Join(strings.Fields(in[:min(len(in), 40)]), " ")
		if len(want) > 20 {
			want = want[:20] + "…"
		}
		// After something already in the buffer, as the builder appends.
		if got := string(appendPreview([]byte(">"), []byte(in), 20)[1:]); got != want {
			t.Errorf("appendPreview(%q) = %q, want %q", in, got, want)
		}
	})
}
