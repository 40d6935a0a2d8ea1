package httpmsg

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strconv"
	"strings"
	"thingsniff/decode"
	"unicode/utf8"
)

// maxName caps a saved file name in bytes (most file systems allow 255).
const maxName = 200

// SanitizeName turns a name taken from a capture into a safe file name:
// only its last path element, no control characters or characters that
// Windows forbids, no leading dots (hidden files) or trailing dots and
// spaces, no Windows device names, valid UTF-8, at most 200 bytes with the
// extension kept. It never returns "" or a name with a path separator.
func SanitizeName(name string) string {
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	name = strings.ToValidUTF8(name, "_")
	var b strings.Builder
	for _, r := range name {
		switch {
		case decode.Unprintable(r):
			// control characters and direction overrides are dropped:
			// "invoice\u202Egnp.exe" must not read as invoice.exe
		case strings.ContainsRune(`<>:"|?*`, r):
			b.WriteByte('_')
		default:
			b.WriteRune(r)
		}
	}
	name = strings.TrimLeft(b.String(), ". ")
	name = strings.TrimRight(name, ". ")
	if name == "" {
		name = "object"
	}
	if isDeviceName(name) {
		name = "_" + name
	}
	return capName(name, maxName)
}

// isDeviceName reports whether Windows treats name as a device, with or
// without an extension: CON, PRN, AUX, NUL, COM1-9, LPT1-9 (and the
// superscript digits ¹²³), any case.
func isDeviceName(name string) bool {
	base, _, _ := strings.Cut(name, ".")
	base = strings.ToUpper(strings.TrimRight(base, " "))
	switch base {
	case "CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$":
		return true
	}
	if len(base) >= 4 && (strings.HasPrefix(base, "COM") || strings.HasPrefix(base, "LPT")) {
		switch base[3:] {
		case "1", "2", "3", "4", "5", "6", "7", "8", "9", "¹", "²", "³":
			return true
		}
	}
	return false
}

// capName shortens name to at most n bytes on a rune boundary, keeping a
// short extension.
func capName(name string, n int) string {
	if len(name) <= n {
		return name
	}
	ext := ""
	if i := strings.LastIndexByte(name, '.'); i > 0 && len(name)-i <= 16 {
		name, ext = name[:i], name[i:]
	}
	cut := n - len(ext)
	for cut > 0 && !utf8.RuneStart(name[cut]) {
		cut--
	}
	return name[:cut] + ext
}

// Saver writes objects into one folder under unique, sanitised names. It
// goes through os.Root, so nothing (not even a symlink planted in the
// folder) can make it write outside the folder, and it never overwrites a
// file. It remembers the names it has used, so thousands of objects with
// one name cost one map lookup each, not a walk over " (2)", " (3)"…
type Saver struct {
	root *os.Root
	dir  string
	used map[string]int // lower-case name -> next number to try
}

// NewSaver opens dir (which must exist) for saving.
func NewSaver(dir string) (*Saver, error) {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, fmt.Errorf("open export folder: %w", err)
	}
	return &Saver{root: root, dir: dir, used: map[string]int{}}, nil
}

// Close releases the folder.
func (s *Saver) Close() error { return s.root.Close() }

// Create makes a new, empty file under a unique name derived from name,
// for an object written piece by piece (see Config.OnBody), and returns it
// with the name used. The caller closes it.
func (s *Saver) Create(name string) (*os.File, string, error) {
	name = SanitizeName(name)
	stem, ext := name, ""
	if i := strings.LastIndexByte(name, '.'); i > 0 {
		stem, ext = name[:i], name[i:]
	}
	key := strings.ToLower(name)
	n := s.used[key]
	for tries := 0; ; tries++ {
		cand := name
		if n > 0 {
			suffix := " (" + strconv.Itoa(n+1) + ")"
			cand = capName(stem, maxName-len(ext)-len(suffix)) + suffix + ext
		}
		n++
		lc := strings.ToLower(cand)
		if _, taken := s.used[lc]; taken && lc != key {
			continue
		}
		f, err := s.root.OpenFile(cand, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
		if errors.Is(err, fs.ErrExist) && tries < 1<<20 {
			s.used[lc] = 1 // a file of the folder, or one of ours
			continue
		}
		if err != nil {
			return nil, "", fmt.Errorf("save object %q into %s: %w", cand, s.dir, err)
		}
		s.used[key] = n
		if lc != key {
			s.used[lc] = 1
		}
		return f, cand, nil
	}
}

// Open opens a file this saver created, for writing more of it.
func (s *Saver) Open(name string) (*os.File, error) {
	f, err := s.root.OpenFile(name, os.O_WRONLY, 0)
	if err != nil {
		return nil, fmt.Errorf("open object %q in %s again: %w", name, s.dir, err)
	}
	return f, nil
}

// Remove deletes a file this saver created (an object that could not be
// saved whole).
func (s *Saver) Remove(name string) error {
	if err := s.root.Remove(name); err != nil {
		return fmt.Errorf("remove object %q from %s: %w", name, s.dir, err)
	}
	return nil
}
