package dfilter

import (
	"errors"
	"strings"
	"testing"
)

// TestMalformedFilters: every mistake is refused with an *Error that
// points at the right byte and says what was expected there.
func TestMalformedFilters(t *testing.T) {
	for _, c := range []struct {
		expr string
		pos  int    // 0-based byte offset the error must name
		want string // a piece of the message
	}{
		{"ip.addr ==", 10, "expected a value"},
		{"ip.addr == 10.0.0.300", 11, "expected an IP address"},
		{"ip.addr == 192.168.137.0/33", 11, "CIDR"},
		{"host foo", 5, "expected an IP address"},
		{"port http", 5, "expected a port number"},
		{"port 70000", 5, "port number"},
		{"tcp.port == eighty", 12, "expected a number"},
		{"tcp.port > 1.2.3.4", 11, "expected a number"},
		{"eth.addr == 00:11:22:33:44", 12, "expected a MAC address"},
		{"(tcp", 0, "expected a ) to close"},
		{"tcp)", 3, "not a ) without its ("},
		{"tcp &&", 6, "expected a field"},
		{"&& tcp", 0, "expected a field"},
		{"tcp & udp", 4, "expected &&"},
		{"tcp | udp", 4, "expected ||"},
		{"!", 1, "expected a field"},
		{`dns.qry.name == "abc`, 16, `closing "`},
		{`dns.qry.name contains "a\q"`, 24, "unknown escape"},
		{"dns.qry.nam == \"x\"", 0, "unknown field"},
		{"htp.host == x", 0, "unknown field"},
		{"tcp.flgs.syn", 0, "unknown field"},
		{"tcp == 1", 4, "is a protocol"},
		{"tcp.port contains 80", 9, "works on text fields"},
		{"ip.addr matches \"10\"", 8, "works on text fields"},
		{"ip.addr < 10.0.0.1", 8, "can be compared with == != or in"},
		{"dns.qry.name matches \"(\"", 21, "regular expression"},
		{"tcp.port in 80", 12, "{ after in"},
		{"tcp.port in {80, 443", 12, "expected a } to close"},
		{"tcp.port in {}", 13, "a value or }"},
		{"tcp.port in {90..80}", 13, "range of numbers"},
		{"frame 0", 6, "packet numbers and ranges"},
		{"frame 5-2", 6, "packet numbers and ranges"},
		{"tcp.port == 80 udp.port ==", 26, "expected a value"},
		{"tcp # udp", 4, "unexpected character"},
		{`""`, 0, "empty string"},
		{"device == nobody", 10, "device's MAC"},
		{"ip.addr == 10.0.0.1 or", 22, "expected a field"},
		{"not", 3, "expected a field"},
		{"tcp.len >= x1", 11, "expected a number"},
		{"frame.time_relative < NaN", 22, "expected a number"},
	} {
		_, err := Compile(c.expr, Options{})
		var fe *Error
		if !errors.As(err, &fe) {
			t.Errorf("%q: got %v, want a positioned error", c.expr, err)
			continue
		}
		if fe.Pos != c.pos || !strings.Contains(fe.Msg, c.want) {
			t.Errorf("%q: error at %d %q, want at %d containing %q", c.expr, fe.Pos, fe.Msg, c.pos, c.want)
		}
		if want := "position " + itoa(c.pos+1); !strings.Contains(err.Error(), want) {
			t.Errorf("%q: message %q does not name %s", c.expr, err.Error(), want)
		}
		if fe.End <= fe.Pos || fe.Pos > len(c.expr) {
			t.Errorf("%q: span %d-%d", c.expr, fe.Pos, fe.End)
		}
	}
}

func itoa(n int) string {
	if n < 10 {
		return string(rune('0' + n))
	}
	return itoa(n/10) + string(rune('0'+n%10))
}

// TestWellFormedFilters: the syntax of Wireshark and the short forms
// compile, with the operators and their word forms.
func TestWellFormedFilters(t *testing.T) {
	for _, e := range []string{
		"", "  ", "tcp", "!arp", "not arp", "tcp and udp", "tcp && udp || arp", "tcp or udp and not ip",
		"(tcp || udp) && !(ip.addr == 10.0.0.1)", "ip.addr eq 10.0.0.1", "tcp.port ne 80", "frame.len ge 100",
		"frame.len lt 100", "frame.len le 100", "frame.len gt 100", "ip.addr == 192.168.137.0/24",
		"ipv6.addr == fe80::1", "ipv6.src == fe80::/10", "eth.addr == 00-11-22-33-44-55", "eth.src == 0011.2233.4455",
		"tcp.port in {80 443 8000..8080}", "tcp.port in {80, 443}", `http.host in {"a", "b"}`, `http.host == example.com`,
		`dns.qry.name contains "goo"`, `dns.qry.name ~ "^www"`, `http.user_agent matches "(?i)curl"`,
		"tcp.flags.syn == 1 && tcp.flags.ack == 0", "tcp.flags.syn == true", "frame.time_relative <= 1.5",
		"frame.len == 0x40", "host 10.0.0.1", "ip 10.0.0.1", "port 80", "tcp port 80", "flow 12", "stream 3",
		"frame 19,21-30", "frame 1", "frame", "flow", "mac 00:11:22:33:44:55", "rst", "syn", "fin", "retrans",
		"malformed", "broadcast", "multicast", "samsung", `"GET /"`, "www.example.com", "!dns host 192.168.137.1",
		"device == 00:11:22:33:44:55", "device == 10.0.0.1", "tcp.analysis.retransmission",
	} {
		if _, err := Compile(e, Options{}); err != nil {
			t.Errorf("%q: %v", e, err)
		}
	}
}

// TestPrecedence: and binds tighter than or, not tighter than and.
func TestPrecedence(t *testing.T) {
	p := &Packet{Num: 5}
	m := func(expr string) bool {
		f, err := Compile(expr, Options{})
		if err != nil {
			t.Fatal(err)
		}
		return f.Matcher().Match(p)
	}
	for expr, want := range map[string]bool{
		"frame.number == 5 || frame.number == 1 && frame.number == 2":   true,
		"(frame.number == 5 || frame.number == 1) && frame.number == 2": false,
		"!frame.number == 5 || frame.number == 5":                       true,
		"not frame.number == 4 and frame.number == 5":                   true,
		"!(frame.number == 4 || frame.number == 5)":                     false,
		"frame.number in {1..4, 6}":                                     false,
		"frame.number in {1..5}":                                        true,
		"frame.number != 5":                                             false,
		"frame 1-4,6":                                                   false,
		"frame 2,5":                                                     true,
	} {
		if got := m(expr); got != want {
			t.Errorf("%q on packet 5: %v, want %v", expr, got, want)
		}
	}
}

// TestDeviceNames: a name is resolved to the devices learnt under it.
func TestDeviceNames(t *testing.T) {
	opts := Options{Device: func(name string) []string {
		if name == "camera" {
			return []string{"00:11:22:33:44:55", "10.0.0.9"}
		}
		return nil
	}}
	if _, err := Compile("device == camera", opts); err != nil {
		t.Fatal(err)
	}
	_, err := Compile("device == kettle", opts)
	var fe *Error
	if !errors.As(err, &fe) || fe.Pos != 10 {
		t.Fatalf("unknown name: %v", err)
	}
}

// FuzzCompile feeds any text to the parser: it compiles or returns an
// *Error inside the text, and never panics.
func FuzzCompile(f *testing.F) {
	for _, s := range []string{"ip.addr == 10.0.0.0/8 && tcp.port in {80, 443}", `dns.qry.name matches "^a"`, "(", "!!", "frame 1-", `"\x4`, "tcp.port in {1..", "host"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, expr string) {
		flt, err := Compile(expr, Options{})
		if err != nil {
			var fe *Error
			if !errors.As(err, &fe) || fe.Pos < 0 || fe.Pos > len(expr) || fe.End < fe.Pos {
				t.Fatalf("%q: %v", expr, err)
			}
			return
		}
		flt.Matcher().Match(&Packet{Num: 1})
	})
}
