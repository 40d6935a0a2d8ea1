//go:build unix

package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"thingsniff/capture/synth"
)

// hang is how long one command may run on a hostile capture before the
// suite calls it hung: far beyond what any takes, only so that a hang
// fails the test rather than the whole run.
const hang = 5 * time.Minute

// writeHostile writes a hostile capture of the project's own making,
// gzipped when gz is set.
func writeHostile(t *testing.T, dir, kind string, n int, gz bool) string {
	t.Helper()
	path := filepath.Join(dir, fmt.Sprintf("%s-%d.pcap", kind, n))
	if gz {
		path += ".gz"
	}
	if err := synth.WriteHostileFile(path, kind, n); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestHostileCaptures runs every command that reads a capture on every
// hostile capture (many MACs, many tiny flows, many bodies left open in
// a gzip file, and that file on standard input), each in a folder of its
// own with a temporary folder of its own: it must succeed, stay within 10
// times the file's size plus 200 MB of memory, write nothing but the
// objects it was asked to save into the folder it was given, and leave the
// temporary folder as it was. (That no parsing process holds a capability
// is TestProgramHoldsNoCapability's.)
func TestHostileCaptures(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the program and writes 60 MB of captures")
	}
	program, _ := buildBoth(t)
	dir := t.TempDir()
	files := []string{
		writeHostile(t, dir, synth.HostileMACs, 300_000, false),
		writeHostile(t, dir, synth.HostileFlows, 60_000, false),
		writeHostile(t, dir, synth.HostileBodies, 3_000, true),
	}
	commands := [][]string{
		{"packets"}, {"packets", "--json"}, {"flows"}, {"flows", "--json"},
		{"report"}, {"report", "--json"}, {"objects", "--list"}, {"objects", "--out", "saved"},
		{"follow", "--flow", "1"}, {"follow", "--flow", "1", "--format", "http"},
	}
	for _, file := range files {
		st, err := os.Stat(file)
		if err != nil {
			t.Fatal(err)
		}
		bound := 10*st.Size() + 200<<20
		for _, input := range []string{file, "-"} {
			if input == "-" && !strings.HasSuffix(file, ".gz") {
				continue // standard input: the gzip file is enough
			}
			for _, args := range commands {
				name := filepath.Base(file) + " " + strings.Join(args, " ")
				if input == "-" {
					name = "stdin " + name
				}
				t.Run(name, func(t *testing.T) {
					if args[0] == "follow" && strings.Contains(file, synth.HostileMACs) {
						t.Skip("ARP only: no flow to follow")
					}
					runHostile(t, program, file, input, args, bound)
				})
			}
		}
	}
}

// runHostile runs one command and checks what TestHostileCaptures asks.
func runHostile(t *testing.T, program, file, input string, args []string, bound int64) {
	work, tmp := t.TempDir(), t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), hang)
	defer cancel()
	argv := append([]string{args[0], input}, args[1:]...)
	cmd := exec.CommandContext(ctx, program, argv...)
	cmd.Dir = work
	cmd.Env = append(os.Environ(), "TMPDIR="+tmp)
	cmd.Stdout = io.Discard
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if input == "-" {
		f, err := os.Open(file)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		cmd.Stdin = f
	}
	err := cmd.Run()
	if ctx.Err() != nil {
		t.Fatalf("still running after %v: hung", hang)
	}
	if err != nil {
		t.Fatalf("%v: %s", err, stderr.String())
	}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		peak := ru.Maxrss * 1024
		t.Logf("peak memory %d MB of %d allowed", peak>>20, bound>>20)
		if peak > bound {
			t.Errorf("peak memory %d MB, over 10 times the file and 200 MB (%d MB)", peak>>20, bound>>20)
		}
	}
	if left, _ := os.ReadDir(tmp); len(left) > 0 {
		t.Errorf("left %d files in its temporary folder, the first %q", len(left), left[0].Name())
	}
	written, _ := os.ReadDir(work)
	for _, e := range written {
		if !(args[0] == "objects" && e.Name() == "saved" && e.IsDir()) {
			t.Errorf("wrote %q into the folder it ran in", e.Name())
		}
	}
	if args[0] == "objects" && len(args) > 1 && args[1] == "--out" && strings.Contains(file, synth.HostileBodies) {
		saved, _ := os.ReadDir(filepath.Join(work, "saved"))
		if len(saved) != 3_001 {
			t.Errorf("saved %d objects, want all 3,001 (3,000 unfinished and the complete one)", len(saved))
		}
	}
}
