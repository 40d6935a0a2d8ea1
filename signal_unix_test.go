//go:build unix

package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"thingsniff/app"
	"thingsniff/capture/synth"
)

// fakeHelper puts beside program a capture helper that plays one: it
// reports its counters, writes a small capture and waits to be stopped.
func fakeHelper(t *testing.T, program string) {
	t.Helper()
	capPath := filepath.Join(t.TempDir(), "cap.pcapng")
	f, err := os.Create(capPath)
	if err != nil {
		t.Fatal(err)
	}
	if err := synth.Mix(f, synth.Options{Packets: 200, Seed: 1, Start: time.Unix(1_700_000_000, 0), Format: "pcapng"}); err != nil {
		t.Fatal(err)
	}
	f.Close()
	script := "#!/bin/sh\necho $$ >> '" + filepath.Join(filepath.Dir(program), "helper.pids") + "'\n" +
		"trap 'echo \"stats received=200 dropped=0 ifdropped=0 written=200 final=1\" >&2; exit 0' INT TERM\n" +
		"echo \"stats received=200 dropped=0 ifdropped=0 written=200\" >&2\n" +
		"cat '" + capPath + "'\n" +
		"while :; do sleep 0.05; done\n"
	if err := os.WriteFile(filepath.Join(filepath.Dir(program), "thingsniff-capture"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
}

// startCapturingWindow starts the real window under Xvfb capturing live
// (`thingsniff -i`, through the fake helper) with spools in spoolDir, and
// returns its process ID once its spool holds the capture.
func startCapturingWindow(t *testing.T, program, spoolDir string) (pid int, done <-chan error) {
	t.Helper()
	pidFile := filepath.Join(t.TempDir(), "pid")
	cmd := exec.Command("xvfb-run", "-a", "-s", "-screen 0 1280x800x24", "sh", "-c",
		"echo $$ > '"+pidFile+"'; exec '"+program+"' -i veth0")
	cmd.Env = append(os.Environ(), "TMPDIR="+spoolDir, "HOME="+t.TempDir())
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	ch := make(chan error, 1)
	go func() { ch <- cmd.Wait() }()
	t.Cleanup(func() {
		cmd.Process.Kill()
		if pid > 0 {
			syscall.Kill(pid, syscall.SIGKILL)
		}
	})
	deadline := time.Now().Add(time.Minute)
	for time.Now().Before(deadline) {
		if pid == 0 {
			if b, err := os.ReadFile(pidFile); err == nil {
				pid, _ = strconv.Atoi(strings.TrimSpace(string(b)))
			}
		}
		spools, _ := filepath.Glob(filepath.Join(spoolDir, "thingsniff-spool-*"))
		if pid > 0 && len(spools) == 1 {
			if st, err := os.Stat(spools[0]); err == nil && st.Size() > 10_000 {
				return pid, ch
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("the window (pid %d) did not start capturing within a minute", pid)
	return 0, nil
}

// TestSignalEndsTheWindowWithoutLeavingItsSpool sends SIGTERM and SIGINT
// to a real window that captures live: it ends, and leaves no spool to be
// offered as a capture cut short. A window killed outright (SIGKILL) did
// die mid-capture: its spool stays and is offered.
func TestSignalEndsTheWindowWithoutLeavingItsSpool(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the program and runs its window under Xvfb")
	}
	if _, err := exec.LookPath("xvfb-run"); err != nil {
		t.Skip("needs xvfb-run")
	}
	program, _ := buildBoth(t)
	fakeHelper(t, program)
	t.Cleanup(func() {
		// A helper the window failed to stop must not outlive the test.
		b, _ := os.ReadFile(filepath.Join(filepath.Dir(program), "helper.pids"))
		for _, f := range strings.Fields(string(b)) {
			if pid, err := strconv.Atoi(f); err == nil {
				syscall.Kill(pid, syscall.SIGKILL)
			}
		}
	})
	for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGINT, syscall.SIGKILL} {
		t.Run(sig.String(), func(t *testing.T) {
			spoolDir := t.TempDir()
			pid, done := startCapturingWindow(t, program, spoolDir)
			if err := syscall.Kill(pid, sig); err != nil {
				t.Fatal(err)
			}
			select {
			case <-done:
			case <-time.After(30 * time.Second):
				t.Fatalf("the window did not end within 30 s of %v", sig)
			}
			offered := app.FindSpools(spoolDir)
			left, _ := filepath.Glob(filepath.Join(spoolDir, "thingsniff-spool-*"))
			if sig == syscall.SIGKILL {
				if len(offered) != 1 {
					t.Errorf("a window killed mid-capture: %d spools offered for recovery, want its one (left: %v)", len(offered), left)
				}
				return
			}
			if len(left) != 0 || len(offered) != 0 {
				t.Errorf("after %v the window left %v, offered %v", sig, left, offered)
			}
			if all, _ := os.ReadDir(spoolDir); len(all) != 0 {
				t.Errorf("after %v the temporary folder holds %d files (%s…)", sig, len(all), all[0].Name())
			}
			b, _ := os.ReadFile(filepath.Join(filepath.Dir(program), "helper.pids"))
			pids := strings.Fields(string(b))
			if len(pids) == 0 {
				t.Fatal("the helper never ran")
			}
			helper, _ := strconv.Atoi(pids[len(pids)-1])
			if syscall.Kill(helper, 0) == nil {
				t.Errorf("after %v the window left its capture helper (pid %d) running", sig, helper)
			}
		})
	}
}
