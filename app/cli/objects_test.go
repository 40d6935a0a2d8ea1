package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// savedNames returns the last column of an objects listing: the names
// the objects are (or would be) saved under.
func savedNames(t *testing.T, out string) []string {
	t.Helper()
	lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
	head := lines[0]
	col := strings.Index(head, "saved as")
	if col < 0 {
		t.Fatalf("no saved-as column in %q", head)
	}
	var names []string
	for _, l := range lines[1:] {
		names = append(names, strings.TrimSpace(l[col:]))
	}
	return names
}

// TestObjectsListNamesAsSaved checks that `objects --list` shows each
// object under the name `objects --out` then saves it under: captures
// whose objects share names (the IoT-Sentinel HueBridge asks for the same
// paths again and again) list "name (2).ext", not the same name twice.
func TestObjectsListNamesAsSaved(t *testing.T) {
	dir := corpusDir(t)
	for _, name := range []string{
		"iot-sentinel/captures_IoT_Sentinel/captures_IoT-Sentinel/HueBridge/Setup-A-1-STA.pcap",
		"zeek/testing/btest/Traces/http/methods.pcap",
	} {
		t.Run(filepath.Base(filepath.Dir(name))+"/"+filepath.Base(name), func(t *testing.T) {
			path := filepath.Join(dir, name)
			if _, err := os.Stat(path); err != nil {
				t.Skipf("%s: %v", name, err)
			}
			var listed, saved, errOut bytes.Buffer
			if code := Run("objects", Env{Args: []string{path, "--list"}, Stdout: &listed, Stderr: &errOut}); code != 0 {
				t.Fatalf("objects --list: exit %d: %s", code, errOut.String())
			}
			out := t.TempDir()
			if code := Run("objects", Env{Args: []string{path, "--out", out}, Stdout: &saved, Stderr: &errOut}); code != 0 {
				t.Fatalf("objects --out: exit %d: %s", code, errOut.String())
			}
			l, s := savedNames(t, listed.String()), savedNames(t, saved.String())
			if !slices.Equal(l, s) {
				t.Errorf("--list names:\n%q\n--out saved as:\n%q", l, s)
			}
			seen := map[string]bool{}
			for _, n := range l {
				if n != "-" && seen[strings.ToLower(n)] {
					t.Errorf("--list shows %q twice", n)
				}
				seen[strings.ToLower(n)] = true
			}
			files, _ := os.ReadDir(out)
			if len(files) == 0 || !strings.Contains(listed.String(), " (2)") {
				t.Errorf("expected saved files and a repeated name among %d objects", len(l))
			}
		})
	}
}
