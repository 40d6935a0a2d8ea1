package stream_test

import (
	"os/exec"
	"strings"
	"testing"
)

// TestDependencies keeps the decode rule: no capture, app, ui or Fyne.
func TestDependencies(t *testing.T) {
	checkDeps(t, "thingsniff/decode/stream", "thingsniff/decode/httpmsg")
}

func checkDeps(t *testing.T, pkgs ...string) {
	t.Helper()
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("go command not found")
	}
	for _, pkg := range pkgs {
		out, err := exec.Command("go", "list", "-deps", pkg).Output()
		if err != nil {
			t.Fatalf("go list -deps %s: %v", pkg, err)
		}
		for dep := range strings.FieldsSeq(string(out)) {
			for _, banned := range []string{"thingsniff/capture", "thingsniff/app", "thingsniff/ui", "fyne.io/"} {
				if strings.HasPrefix(dep, banned) {
					t.Errorf("%s depends on %s", pkg, dep)
				}
			}
		}
	}
}
