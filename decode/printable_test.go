package decode

import "testing"

func TestPrintable(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"update.example.com", "update.example.com"},
		{"GET /a?b=c HTTP/1.1", "GET /a?b=c HTTP/1.1"},
		{"héllo wörld", "héllo wörld"},
		{"evil\x1b]0;pwned\x07name", `evil\x1b]0;pwned\x07name`},
		{"line\nbreak\ttab\r", `line\x0abreak\x09tab\x0d`},
		{"del\x7f c1\u0085 csi\u009b", `del\x7f c1\x85 csi\x9b`},
		{"invoice\u202egnp.exe", `invoice\u202egnp.exe`},
		{"a\u2066b\u2069c\u200fd", `a\u2066b\u2069c\u200fd`},
		{"bad\xffutf8\xc3", `bad\xffutf8\xc3`},
	} {
		if got := Printable(tc.in); got != tc.want {
			t.Errorf("Printable(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestPrintableTextKeepsLines(t *testing.T) {
	in := "line one\r\n\tline two\x1b[2J\n"
	if got, want := PrintableText(in), "line one\r\n\tline two\\x1b[2J\n"; got != want {
		t.Errorf("PrintableText(%q) = %q, want %q", in, got, want)
	}
}

// FuzzPrintable: whatever the input, the output is valid UTF-8 and holds
// nothing Printable would escape.
func FuzzPrintable(f *testing.F) {
	f.Add("x\x1by\u202ez\xff")
	f.Fuzz(func(t *testing.T, s string) {
		out := Printable(s)
		if Printable(out) != out {
			t.Fatalf("Printable(%q) = %q still has characters to escape", s, out)
		}
	})
}

func TestThousands(t *testing.T) {
	for n, want := range map[int]string{0: "0", 999: "999", 1000: "1,000", 1234567: "1,234,567", -1234: "-1,234", -123: "-123"} {
		if got := Thousands(n); got != want {
			t.Errorf("Thousands(%d) = %q, want %q", n, got, want)
		}
	}
}
