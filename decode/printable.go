package decode

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// Printable returns s with every character that a terminal would act on,
// or that would reorder the text around it, written as an escape: control
// characters (\x1b, \x85), bidirectional marks and overrides (\u202e),
// and bytes that are not UTF-8 (\xff). Text from a capture (a host name,
// a request line) goes through it before it is printed.
func Printable(s string) string { return printable(s, false) }

// PrintableText is Printable for text of several lines: line ends and
// tabs stay as they are.
func PrintableText(s string) string { return printable(s, true) }

func printable(s string, lines bool) string {
	escape := func(r rune) bool { return Unprintable(r) && !(lines && (r == '\n' || r == '\r' || r == '\t')) }
	i := 0
	for i < len(s) {
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 || escape(r) {
			break
		}
		i += n
	}
	if i == len(s) {
		return s // most text has nothing to escape
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	b.WriteString(s[:i])
	for i < len(s) {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n == 1:
			b.WriteString(`\x`)
			b.WriteString(hex2(s[i]))
		case escape(r) && r < 0x100:
			b.WriteString(`\x`)
			b.WriteString(hex2(byte(r)))
		case escape(r):
			b.WriteString(`\u`)
			b.WriteString(strconv.FormatInt(int64(r)|0x10000, 16)[1:])
		default:
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	return b.String()
}

// Unprintable reports whether a terminal would act on r, or r would
// reorder the text around it: a control character, or a bidirectional
// mark, embedding, override or isolate.
func Unprintable(r rune) bool {
	switch {
	case r < 0x20, r >= 0x7f && r < 0xa0:
		return true
	case r == 0x061c, r == 0x200e, r == 0x200f, r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069:
		return true // bidirectional marks, embeddings, overrides and isolates
	}
	return false
}

func hex2(c byte) string {
	const digits = "0123456789abcdef"
	return string([]byte{digits[c>>4], digits[c&0xf]})
}
