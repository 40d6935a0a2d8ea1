//go:build (linux || freebsd || openbsd || netbsd) && !wayland

package main

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// Without a display the window says so in one sentence and exits 1: no
// stack trace from the graphics library.
func TestNoDisplayIsOneSentence(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the program")
	}
	program, _ := buildBoth(t)
	for _, display := range []string{"", ":77", "localhost:77", "nonsense"} {
		cmd := exec.Command(program, "assets/demo.pcapng")
		cmd.Env = append(os.Environ(), "DISPLAY="+display, "WAYLAND_DISPLAY=")
		out, err := cmd.CombinedOutput()
		lines := strings.Split(strings.TrimSpace(string(out)), "\n")
		if cmd.ProcessState == nil || cmd.ProcessState.ExitCode() != 1 || len(lines) != 1 || !strings.Contains(lines[0], "display") {
			t.Errorf("DISPLAY=%q: %v, output:\n%s", display, err, out)
		}
	}
}
