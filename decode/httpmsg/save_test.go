package httpmsg

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestSanitizeName(t *testing.T) {
	tests := map[string]string{
		"../../etc/x":           "x",
		"/tmp/x":                "x",
		`..\..\windows\win.ini`: "win.ini",
		"..":                    "object",
		".":                     "object",
		"":                      "object",
		".hidden":               "hidden",
		"...bashrc":             "bashrc",
		"CON":                   "_CON",
		"con.txt":               "_con.txt",
		"Lpt9.tar.gz":           "_Lpt9.tar.gz",
		"COM1 .log":             "_COM1 .log",
		"aux":                   "_aux",
		"console.log":           "console.log",
		"COM10":                 "COM10",
		"a\x00b\x1fc\x7fd.txt":  "abcd.txt",
		"what?<is>:this*.txt":   "what__is__this_.txt",
		"trailing. . ":          "trailing",
		"bad\xffutf8":           "bad_utf8",
		"invoice\u202egnp.exe":  "invoicegnp.exe",
		"a\u2066b\u2069c.txt":   "abc.txt",
	}
	for in, want := range tests {
		if got := SanitizeName(in); got != want {
			t.Errorf("SanitizeName(%q) = %q, want %q", in, got, want)
		}
	}
	long := strings.Repeat("é", 300) + ".html"
	got := SanitizeName(long)
	if len(got) > maxName || !strings.HasSuffix(got, ".html") || !utf8.ValidString(got) {
		t.Errorf("long name: %d bytes, %q...", len(got), got[:10])
	}
}

func TestSaverHostileNames(t *testing.T) {
	parent := t.TempDir()
	dir := filepath.Join(parent, "out")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	// A file already there must not be overwritten, and a symlink planted
	// in the folder must not lead outside it.
	os.WriteFile(filepath.Join(dir, "x"), []byte("keep"), 0o644)
	os.Symlink(filepath.Join(parent, "escaped"), filepath.Join(dir, "link"))

	s, err := NewSaver(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for _, name := range []string{"../../etc/x", "/tmp/x", "CON", "con.txt", ".hidden", "link"} {
		got, err := save(s, name, []byte(name))
		if err != nil {
			t.Errorf("Save(%q): %v", name, err)
			continue
		}
		if strings.ContainsAny(got, `/\`) || strings.HasPrefix(got, ".") {
			t.Errorf("Save(%q) used %q", name, got)
		}
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "x")); string(b) != "keep" {
		t.Errorf("existing file overwritten: %q", b)
	}
	entries, _ := os.ReadDir(parent)
	if len(entries) != 1 {
		t.Errorf("something was written beside the folder: %v", entries)
	}
	want := []string{"_CON", "_con.txt", "hidden", "link", "link (2)", "x", "x (2)", "x (3)"}
	names := dirNames(t, dir)
	if strings.Join(names, "|") != strings.Join(want, "|") {
		t.Errorf("files = %q, want %q", names, want)
	}
}

func dirNames(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

func TestSaverThousandsOfOneName(t *testing.T) {
	dir := t.TempDir()
	s, err := NewSaver(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	const n = 3000
	seen := map[string]bool{}
	for i := range n {
		got, err := save(s, "/a/index.html", []byte("x"))
		if err != nil {
			t.Fatal(err)
		}
		if seen[got] {
			t.Fatalf("name %q used twice", got)
		}
		seen[got] = true
		if i == 1 && got != "index (2).html" {
			t.Errorf("second name = %q", got)
		}
	}
	if got := len(dirNames(t, dir)); got != n {
		t.Errorf("%d files, want %d", got, n)
	}
	// The counter, not a walk from 1, picks the next name: with a literal
	// "index (3001).html" saved first... it must still be unique.
	got, err := save(s, "index (3001).html", nil)
	if err != nil || seen[got] {
		t.Errorf("Save literal = %q, %v", got, err)
	}
	next, _ := save(s, "index.html", nil)
	if next == got || seen[next] {
		t.Errorf("collision: %q", next)
	}
}

// TestObjectOf describes the messages that carry a body as the export
// lists them.
func TestObjectOf(t *testing.T) {
	msgs, _ := parse(t, Config{}, false,
		req("GET /img/logo.png?v=2 HTTP/1.1\r\nHost: a.example\r\n\r\nGET / HTTP/1.1\r\nHost: a.example\r\n\r\nGET /dl?id=1 HTTP/1.1\r\nHost: a.example\r\n\r\nGET /empty HTTP/1.1\r\n\r\n"),
		resp("HTTP/1.1 200 OK\r\nContent-Type: image/png\r\nContent-Length: 3\r\n\r\nPNG"+
			"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: 2\r\n\r\nhi"+
			"HTTP/1.1 200 OK\r\nContent-Disposition: attachment; filename=\"../../evil.sh\"\r\nContent-Length: 1\r\n\r\n#"+
			"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"))
	var objs []Object
	for _, m := range msgs {
		if o, ok := ObjectOf(m); ok {
			objs = append(objs, o)
		}
	}
	var got []string
	for _, o := range objs {
		got = append(got, o.Host+o.Path+" "+o.ContentType+" "+o.Name+" "+strings.Repeat("#", int(o.Size)))
	}
	want := []string{
		"a.example/img/logo.png image/png logo.png ###",
		"a.example/ text/html index.html ##",
		"a.example/dl  evil.sh #",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("objects:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if objs[0].Packet != 2 {
		t.Errorf("packet = %d", objs[0].Packet)
	}
}

func TestStreamedBodyToSaver(t *testing.T) {
	dir := t.TempDir()
	s, err := NewSaver(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	files := map[*Message]*os.File{}
	cfg := Config{MaxBody: 4, OnBody: func(m *Message, p []byte) {
		f := files[m]
		if f == nil {
			f, _, err = s.Create("big.bin")
			if err != nil {
				t.Fatal(err)
			}
			files[m] = f
		}
		f.Write(p)
	}}
	body := strings.Repeat("0123456789", 1000)
	msgs, _ := parse(t, cfg, true, req("GET /big.bin HTTP/1.1\r\n\r\n"),
		resp("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1000\r\n"+body[:4096]+"\r\n"+
			"1710\r\n"+body[4096:]+"\r\n0\r\n\r\n"))
	for _, f := range files {
		f.Close()
	}
	if len(msgs) != 2 || len(msgs[1].Body) != 4 || !msgs[1].BodyTruncated {
		t.Fatalf("messages: %s", summary(msgs))
	}
	got, err := os.ReadFile(filepath.Join(dir, "big.bin"))
	if err != nil || string(got) != body {
		t.Errorf("streamed file: %d bytes, %v", len(got), err)
	}
}

// save writes data into s under a unique name derived from name, as the
// export writes a whole object, and returns the name used.
func save(s *Saver, name string, data []byte) (string, error) {
	f, used, err := s.Create(name)
	if err != nil {
		return "", err
	}
	_, werr := f.Write(data)
	if cerr := f.Close(); werr == nil {
		werr = cerr
	}
	return used, werr
}
