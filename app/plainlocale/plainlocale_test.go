package plainlocale

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

func TestIsPlain(t *testing.T) {
	for v, want := range map[string]bool{"C": true, "C.UTF-8": true, "POSIX": true, "en_GB.UTF-8": false, "de_DE": false, "Cy": false} {
		if got := isPlain(v); got != want {
			t.Errorf("isPlain(%q) = %v, want %v", v, got, want)
		}
	}
}

// TestHeadlessCommandIsQuietUnderCLocale runs the real binary with
// LANG=C.UTF-8 and checks that Fyne's locale complaint no longer shows.
func TestHeadlessCommandIsQuietUnderCLocale(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := t.TempDir() + "/thingsniff"
	if out, err := exec.Command("go", "build", "-o", bin, "thingsniff").CombinedOutput(); err != nil {
		t.Fatalf("building thingsniff: %v\n%s", err, out)
	}
	cmd := exec.Command(bin, "help")
	cmd.Env = append(os.Environ(), "LC_ALL=", "LC_MESSAGES=", "LANG=C.UTF-8")
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("thingsniff help: %v", err)
	}
	if stderr.Len() > 0 {
		t.Errorf("stderr under LANG=C.UTF-8 = %q, want nothing", stderr.String())
	}
}
