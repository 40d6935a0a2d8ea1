package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"thingsniff/app"
	"thingsniff/capture"
)

// The users and groups the tests below run as: numbers, not names, so
// that no account is added to the machine.
const (
	testUID      = "54321"
	helperGroup  = "54322" // the group the helper belongs to (thingsniff's)
	anotherGroup = "54323"
)

// needRoot skips a test that must grant file capabilities and switch
// users.
func needRoot(t *testing.T) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("granting capabilities and switching users needs root")
	}
	for _, tool := range []string{"setcap", "setpriv"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s is not installed", tool)
		}
	}
}

// grant gives path the two capabilities live capture needs.
func grant(t *testing.T, path string) {
	t.Helper()
	if out, err := exec.Command("setcap", "cap_net_raw,cap_net_admin=eip", path).CombinedOutput(); err != nil {
		t.Skipf("setcap: %v %s (a file system without capabilities?)", err, out)
	}
}

// asUser runs argv as testUID with the given supplementary groups and no
// inherited capability, through a shell, as a user's own shell would.
func asUser(groups string, argv ...string) *exec.Cmd {
	script := `exec "$@"`
	args := append([]string{"--reuid=" + testUID, "--regid=" + testUID, "--groups=" + groups, "--inh-caps=-all",
		"sh", "-c", script, "sh"}, argv...)
	return exec.Command("setpriv", args...)
}

// taskRights reads, for every thread of process pid, its effective and
// permitted capabilities, and the process's no_new_privs.
func taskRights(t *testing.T, pid int) (caps []string, noNewPrivs string) {
	t.Helper()
	tasks, err := filepath.Glob(fmt.Sprintf("/proc/%d/task/*/status", pid))
	if err != nil || len(tasks) == 0 {
		t.Fatalf("no threads of process %d: %v", pid, err)
	}
	for _, status := range tasks {
		b, err := os.ReadFile(status)
		if err != nil {
			t.Fatal(err)
		}
		for _, line := range strings.Split(string(b), "\n") {
			switch {
			case strings.HasPrefix(line, "CapEff:"), strings.HasPrefix(line, "CapPrm:"), strings.HasPrefix(line, "CapAmb:"):
				caps = append(caps, strings.Join(strings.Fields(line), " "))
			case strings.HasPrefix(line, "NoNewPrivs:"):
				noNewPrivs = strings.TrimSpace(strings.TrimPrefix(line, "NoNewPrivs:"))
			}
		}
	}
	return caps, noNewPrivs
}

// holdsNoRight fails the test when any thread of pid holds a capability.
func holdsNoRight(t *testing.T, what string, pid int) {
	t.Helper()
	caps, _ := taskRights(t, pid)
	for _, c := range caps {
		if !strings.HasSuffix(c, " 0000000000000000") {
			t.Errorf("%s (process %d) holds a capability: %s", what, pid, c)
			return
		}
	}
}

// TestProgramHoldsNoCapability gives a copy of thingsniff the capabilities
// that `make install` gives the helper, as a mistaken setcap would, and
// runs every command that reads a capture on a named pipe that stays open
// (so that each waits, reading), and the window on standard input: no
// thread of any of them may hold a capability, run by root or by another
// user.
func TestProgramHoldsNoCapability(t *testing.T) {
	needRoot(t)
	program, _ := buildBoth(t)
	grant(t, program)
	fifo := filepath.Join(filepath.Dir(program), "pipe")
	if err := exec.Command("mkfifo", "-m", "0666", fifo).Run(); err != nil {
		t.Fatal(err)
	}
	// A writer that holds the pipe open and writes nothing: readers wait.
	writer, err := os.OpenFile(fifo, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer writer.Close()
	commands := [][]string{
		{"packets", fifo}, {"flows", fifo}, {"report", fifo}, {"objects", fifo, "--list"}, {"follow", fifo, "--flow", "1"},
	}
	for _, who := range []string{"root", "user " + testUID} {
		for _, args := range commands {
			argv := append([]string{program}, args...)
			cmd := exec.Command(argv[0], argv[1:]...)
			if who != "root" {
				cmd = asUser(anotherGroup, argv...)
			}
			checkWhileRunning(t, who+": thingsniff "+strings.Join(args, " "), cmd, program)
		}
	}
	if _, err := exec.LookPath("xvfb-run"); err != nil {
		t.Log("xvfb-run is not installed: the window is left out")
		return
	}
	window := exec.Command("xvfb-run", "-a", program, "-")
	stdin, err := window.StdinPipe() // stays open: the window waits for a capture
	if err != nil {
		t.Fatal(err)
	}
	defer stdin.Close()
	checkWhileRunning(t, "the window", window, program)
}

// checkWhileRunning starts cmd, finds the process running program among
// it and its children once it has started, and checks that it holds no
// capability; then it stops it.
func checkWhileRunning(t *testing.T, what string, cmd *exec.Cmd, program string) {
	t.Helper()
	if err := cmd.Start(); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	defer func() {
		cmd.Process.Kill()
		cmd.Wait()
	}()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		if pid := findProgram(program); pid > 0 {
			time.Sleep(300 * time.Millisecond) // past the drop at its start
			holdsNoRight(t, what, pid)
			exec.Command("kill", fmt.Sprint(pid)).Run()
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Errorf("%s: never seen running", what)
}

// findProgram returns the pid of a running process of the executable at
// path, 0 when there is none.
func findProgram(path string) int {
	exes, _ := filepath.Glob("/proc/[0-9]*/exe")
	for _, exe := range exes {
		if target, err := os.Readlink(exe); err == nil && target == path {
			var pid int
			fmt.Sscanf(filepath.Base(filepath.Dir(exe)), "%d", &pid)
			return pid
		}
	}
	return 0
}

// TestHelperCapturesForItsGroupOnly installs the helper as `make install`
// does (root, a group of its own, mode 0750, the two capabilities), then
// captures on the loopback interface as a user in that group: it works,
// through the window's own StartCapture, and once the interface is open no
// thread of the helper holds a capability, and it cannot regain one. A
// user outside the group may not run it at all.
func TestHelperCapturesForItsGroupOnly(t *testing.T) {
	needRoot(t)
	_, helper := buildBoth(t)
	if err := os.Chown(helper, 0, atoi(t, helperGroup)); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(helper, 0o750); err != nil {
		t.Fatal(err)
	}
	grant(t, helper)

	const port = 39999
	lc, err := app.StartCapture(context.Background(), app.LiveOptions{Interface: "lo", Filter: fmt.Sprintf("udp port %d", port),
		Helper: helper, Wrap: asUser(helperGroup).Args, Count: 5})
	if err != nil {
		t.Fatalf("a user in the helper's group cannot capture: %v", err)
	}
	pid := findProgram(helper)
	if pid == 0 {
		t.Fatal("the helper is not running")
	}
	if caps, nnp := taskRights(t, pid); nnp != "1" {
		t.Errorf("the helper may gain rights again (NoNewPrivs %s): %v", nnp, caps)
	}
	holdsNoRight(t, "the helper, once its interface is open,", pid)
	conn, err := net.Dial("udp", fmt.Sprintf("127.0.0.1:%d", port))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	c, err := capture.OpenStream(lc.Stream(), "live", "")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	got := make(chan int, 1)
	go func() {
		n := 0
		for cur := c.Cursor(); ; n++ {
			if _, err := cur.NextWait(context.Background()); err != nil {
				got <- n
				return
			}
		}
	}()
	for i := 0; ; i++ {
		select {
		case n := <-got:
			if n != 5 {
				t.Errorf("the capture holds %d packets, want the 5 asked for", n)
			}
			if err := lc.Err(); err != nil {
				t.Errorf("the helper ended with %v", err)
			}
			outside(t, helper)
			return
		case <-time.After(20 * time.Millisecond):
			if i > 1000 {
				t.Fatal("the helper never captured 5 datagrams")
			}
			conn.Write([]byte("hello"))
		}
	}
}

// outside checks that a user outside the helper's group may not run it,
// and that the window would say so with the command that grants it.
func outside(t *testing.T, helper string) {
	t.Helper()
	out, err := asUser(anotherGroup, helper, "-i", "lo", "-w", "-").CombinedOutput()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 126 {
		t.Errorf("a user outside the group ran the helper: %v\n%s", err, out)
	}
	_, err = app.StartCapture(context.Background(), app.LiveOptions{Interface: "lo", Helper: helper, Wrap: asUser(anotherGroup).Args})
	if err == nil || !strings.Contains(err.Error(), "setcap") {
		t.Errorf("starting a capture outside the group: %v, want the command that grants it", err)
	}
}

func atoi(t *testing.T, s string) int {
	var n int
	if _, err := fmt.Sscanf(s, "%d", &n); err != nil {
		t.Fatal(err)
	}
	return n
}
