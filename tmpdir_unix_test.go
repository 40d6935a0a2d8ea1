//go:build unix

package main

import (
	"os"
	"os/exec"
	"testing"
	"time"

	"thingsniff/assets"
)

// TestKilledCommandLeavesNoSpool kills, with SIGKILL, a command that is
// reading a capture from standard input (spooled as it arrives): its
// temporary folder must be as it was, since a spool without a name goes
// with the process however it ends.
func TestKilledCommandLeavesNoSpool(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the program")
	}
	program, _ := buildBoth(t)
	tmp := t.TempDir()
	cmd := exec.Command(program, "packets", "-")
	cmd.Env = append(os.Environ(), "TMPDIR="+tmp)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	demo := assets.Demo()
	stdin.Write(demo[:len(demo)/2]) // half a capture, and the pipe stays open
	time.Sleep(500 * time.Millisecond)
	cmd.Process.Kill()
	cmd.Wait()
	stdin.Close()
	if left, _ := os.ReadDir(tmp); len(left) > 0 {
		t.Errorf("a killed command left %d files in its temporary folder, the first %q", len(left), left[0].Name())
	}
}
