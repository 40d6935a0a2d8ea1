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

// Namer hands out unique, sanitised file names for objects: the second
// "api.cgi" becomes "api (2).cgi", case-insensitively, as a folder on any
// system tells them apart. It remembers the names it has used, so
// thousands of objects with one name cost one map lookup each, not a walk
// over " (2)", " (3)"…
type Namer struct {
	used map[string]int // lower-case name -> next number to try
}

// NewNamer returns a namer that has handed out no names yet.
func NewNamer() *Namer { return &Namer{used: map[string]int{}} }

// Name returns the name the next object called name is saved under in a
// folder that held nothing but the objects named before: what a listing
// shows before anything is saved.
func (nm *Namer) Name(name string) string {
	cand, _ := nm.claim(name, func(string) (bool, error) { return false, nil })
	return cand
}

// claim finds the first candidate for name that no earlier object took and
// that take accepts (take reports taken when the folder has such a file).
func (nm *Namer) claim(name string, take func(cand string) (taken bool, err error)) (string, error) {
	name = SanitizeName(name)
	stem, ext := name, ""
	if i := strings.LastIndexByte(name, '.'); i > 0 {
		stem, ext = name[:i], name[i:]
	}
	key := strings.ToLower(name)
	n := nm.used[key]
	for tries := 0; ; tries++ {
		cand := name
		if n > 0 {
			suffix := " (" + strconv.Itoa(n+1) + ")"
			cand = capName(stem, maxName-len(ext)-len(suffix)) + suffix + ext
		}
		n++
		lc := strings.ToLower(cand)
		if _, used := nm.used[lc]; used && lc != key {
			continue
		}
		taken, err := take(cand)
		if taken && tries < 1<<20 {
			nm.used[lc] = 1 // a file of the folder, or one of ours
			continue
		}
		if err != nil {
			return cand, err
		}
		nm.used[key] = n
		if lc != key {
			nm.used[lc] = 1
		}
		return cand, nil
	}
}

// Saver writes objects into one folder under unique, sanitised names (see
// Namer). It goes through os.Root, so nothing (not even a symlink planted
// in the folder) can make it write outside the folder, and it never
// overwrites a file.
type Saver struct {
	root  *os.Root
	dir   string
	names *Namer
}

// NewSaver opens dir (which must exist) for saving.
func NewSaver(dir string) (*Saver, error) {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, fmt.Errorf("open export folder: %w", err)
	}
	return &Saver{root: root, dir: dir, names: NewNamer()}, nil
}

// Close releases the folder.
func (s *Saver) Close() error { return s.root.Close() }

// Create makes a new, empty file under a unique name derived from name,
// for an object written piece by piece (see Config.OnBody), and returns it
// with the name used. The caller closes it.
func (s *Saver) Create(name string) (*os.File, string, error) {
	var f *os.File
	cand, err := s.names.claim(name, func(cand string) (bool, error) {
		var err error
		f, err = s.root.OpenFile(cand, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
		return errors.Is(err, fs.ErrExist), err
	})
	if err != nil {
		return nil, "", fmt.Errorf("save object %q into %s: %w", cand, s.dir, err)
	}
	return f, cand, nil
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
