package capture

import (
	"bytes"
	"fmt"
	"path/filepath"
	"unicode/utf8"
)

// NotCaptureError says that a file or stream holds no pcap or pcapng
// capture, and what its first bytes make it look like.
type NotCaptureError struct {
	Name string
	// Looks is what the bytes look like ("a Zip archive"), "" when they
	// do not tell.
	Looks string
	// Start is the first bytes, at most 4.
	Start []byte
	// InGzip is set when the bytes are what a gzip file unpacked to.
	InGzip bool
}

func (e *NotCaptureError) Error() string {
	inside := ""
	if e.InGzip {
		inside = " inside the gzip data"
	}
	if e.Looks != "" {
		return fmt.Sprintf("open capture %q: not a pcap or pcapng file%s: it looks like %s", e.Name, inside, e.Looks)
	}
	return fmt.Sprintf("open capture %q: not a pcap or pcapng file%s (starts with 0x%x)", e.Name, inside, e.Start)
}

// Sentence says the same in one sentence for a person: "The file thing.zip is not
// a packet capture: it looks like a Zip archive."
func (e *NotCaptureError) Sentence() string {
	name := filepath.Base(e.Name)
	what := "is not a packet capture"
	if e.InGzip {
		what = "is gzip-compressed, but what it holds is not a packet capture"
	}
	if e.Looks != "" {
		return fmt.Sprintf("The file %s %s: it looks like %s.", name, what, e.Looks)
	}
	return fmt.Sprintf("The file %s %s (pcap or pcapng): its first bytes are 0x%x.", name, what, e.Start)
}

// sniffLen is how many first bytes looksLike is given when there are that
// many.
const sniffLen = 512

// magics are the first bytes of common files that are not captures.
var magics = []struct {
	prefix string
	looks  string
}{
	{"PK\x03\x04", "a Zip archive (or a document packed as one)"},
	{"PK\x05\x06", "an empty Zip archive"},
	{"\x1f\x8b", "gzip data"},
	{"BZh", "bzip2 data"},
	{"\xfd7zXZ\x00", "xz data"},
	{"(\xb5/\xfd", "zstd data"},
	{"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"},
	{"Rar!\x1a\x07", "a RAR archive"},
	{"\x89PNG\r\n\x1a\n", "a PNG image"},
	{"\xff\xd8\xff", "a JPEG image"},
	{"GIF87a", "a GIF image"},
	{"GIF89a", "a GIF image"},
	{"%PDF-", "a PDF document"},
	{"\x7fELF", "an ELF program (Linux executable)"},
	{"MZ", "a Windows program"},
	{"\xcf\xfa\xed\xfe", "a macOS program"},
	{"SQLite format 3\x00", "an SQLite database"},
	{"snoop\x00\x00\x00", "a Solaris snoop capture, which thingsniff does not read (convert it with editcap)"},
	{"GMBU", "a Microsoft Network Monitor capture, which thingsniff does not read (convert it with editcap)"},
	{"\x00\x00\x01\x00", "an icon image"},
}

// looksLike names what a file that is not a capture seems to be from its
// first bytes, or "" when they do not tell.
func looksLike(b []byte) string {
	for _, m := range magics {
		if bytes.HasPrefix(b, []byte(m.prefix)) {
			return m.looks
		}
	}
	if len(b) == 0 || !isText(b) {
		return ""
	}
	t := bytes.TrimLeft(b, " \t\r\n\ufeff")
	switch {
	case hasPrefixFold(t, "<!doctype html"), hasPrefixFold(t, "<html"):
		return "a text file (an HTML page)"
	case bytes.HasPrefix(t, []byte("<?xml")):
		return "a text file (XML)"
	case len(t) > 0 && (t[0] == '{' || t[0] == '['):
		return "a text file (JSON, perhaps)"
	}
	return "a text file"
}

// isText reports whether b reads as text: UTF-8 with no control bytes but
// tabs and line ends (a rune cut at the end of b is allowed).
func isText(b []byte) bool {
	for len(b) > 0 {
		r, n := utf8.DecodeRune(b)
		if r == utf8.RuneError && n <= 1 {
			if len(b) < utf8.UTFMax && !utf8.FullRune(b) {
				return true
			}
			return false
		}
		if r < 0x20 && r != '\t' && r != '\n' && r != '\r' || r == 0x7f {
			return false
		}
		b = b[n:]
	}
	return true
}

func hasPrefixFold(b []byte, prefix string) bool {
	return len(b) >= len(prefix) && bytes.EqualFold(b[:len(prefix)], []byte(prefix))
}
