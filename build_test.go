package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// buildBoth builds the program and the capture helper into a folder of
// the test's that every user may enter, and returns their paths.
func buildBoth(t *testing.T) (program, helper string) {
	t.Helper()
	dir, err := os.MkdirTemp("", "thingsniff-build-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	program, helper = filepath.Join(dir, "thingsniff"), filepath.Join(dir, "thingsniff-capture")
	for _, b := range [][2]string{{program, "."}, {helper, "./cmd/thingsniff-capture"}} {
		if out, err := exec.Command("go", "build", "-o", b[0], b[1]).CombinedOutput(); err != nil {
			t.Fatalf("go build %s: %v\n%s", b[1], err, out)
		}
	}
	return program, helper
}
