package app

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"

	"thingsniff/capture"
	"thingsniff/capture/live"
)

// fakeHelper writes a shell script that plays the capture helper: it
// runs body with the test capture in $CAP.
func fakeHelper(t *testing.T, body string) string {
	t.Helper()
	if runtime.GOOS == "windows" {
		t.Skip("the fake capture helper is a shell script")
	}
	dir := t.TempDir()
	capPath := writeTCPCapture(t, dir, serverHangsUp)
	path := filepath.Join(dir, "helper.sh")
	script := "#!/bin/sh\nCAP='" + capPath + "'\n" + body + "\n"
	if err := os.WriteFile(path, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return path
}

// A helper that streams a capture, reports counters and, interrupted,
// reports its final counters and exits cleanly: the stream ends with
// every packet and Stop returns nil.
func TestStartCaptureStreamsUntilStopped(t *testing.T) {
	helper := fakeHelper(t, `
trap 'echo "stats received=9 dropped=1 ifdropped=2 written=9 final=1" >&2; exit 0' INT
echo "stats received=9 dropped=0 ifdropped=0 written=9" >&2
cat "$CAP"
while :; do sleep 0.02; done`)
	var mu sync.Mutex
	var seen []live.Stats
	lc, err := StartCapture(context.Background(), LiveOptions{Interface: "veth0", Helper: helper,
		OnStats: func(s live.Stats) { mu.Lock(); seen = append(seen, s); mu.Unlock() }})
	if err != nil {
		t.Fatal(err)
	}
	cur := liveCursor(t, lc)
	for i := range serverHangsUp {
		if _, err := cur.NextWait(context.Background()); err != nil {
			t.Fatalf("packet %d: %v", i+1, err)
		}
	}
	if err := lc.Stop(); err != nil {
		t.Fatalf("Stop: %v", err)
	}
	if _, err := cur.NextWait(context.Background()); !errors.Is(err, io.EOF) {
		t.Fatalf("after Stop: %v, want EOF", err)
	}
	want := live.Stats{Received: 9, Dropped: 1, IfDropped: 2, Written: 9, Final: true}
	if got := lc.Stats(); got != want {
		t.Errorf("Stats() = %+v, want %+v", got, want)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(seen) != 2 || seen[1] != want {
		t.Errorf("OnStats saw %+v", seen)
	}
}

// A helper without privileges says which command fixes it; StartCapture
// returns that as a *live.PermissionError before any stream exists.
func TestStartCaptureReportsMissingPrivileges(t *testing.T) {
	helper := fakeHelper(t, `
echo "fix sudo setcap cap_net_raw,cap_net_admin=eip /opt/thingsniff" >&2
echo "fix-reason socket: Operation not permitted" >&2
echo "thingsniff capture: no permission to capture on \"veth0\" (socket: Operation not permitted)" >&2
exit 1`)
	_, err := StartCapture(context.Background(), LiveOptions{Interface: "veth0", Helper: helper})
	var perm *live.PermissionError
	if !errors.As(err, &perm) {
		t.Fatalf("err = %v, want a *live.PermissionError", err)
	}
	if perm.Command != "sudo setcap cap_net_raw,cap_net_admin=eip /opt/thingsniff" || perm.Interface != "veth0" {
		t.Errorf("PermissionError %+v", perm)
	}
	if !strings.Contains(err.Error(), "Operation not permitted") {
		t.Errorf("message lost libpcap's reason: %v", err)
	}
}

// A helper that fails before writing (a bad filter) gives its own last
// message, not just an exit status.
func TestStartCaptureReportsHelperMessage(t *testing.T) {
	helper := fakeHelper(t, `
echo "some warning from a library" >&2
echo "thingsniff-capture: bad capture filter \"tcp port\": can't parse filter expression: syntax error" >&2
exit 1`)
	_, err := StartCapture(context.Background(), LiveOptions{Interface: "veth0", Helper: helper, Filter: "tcp port"})
	if err == nil || !strings.HasPrefix(err.Error(), `bad capture filter "tcp port": can't parse filter expression: syntax error`) {
		t.Fatalf("err = %v", err)
	}
}

// A helper that dies mid-capture: the stream still ends, with every
// packet it wrote, and Err says how the helper ended.
func TestStartCaptureHelperDies(t *testing.T) {
	helper := fakeHelper(t, `cat "$CAP"; kill -9 $$`)
	lc, err := StartCapture(context.Background(), LiveOptions{Interface: "veth0", Helper: helper})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for cur := liveCursor(t, lc); ; {
		if _, err := cur.NextWait(context.Background()); err != nil {
			if !errors.Is(err, io.EOF) {
				t.Fatal(err)
			}
			break
		}
		n++
	}
	<-lc.Done()
	if n != len(serverHangsUp) {
		t.Errorf("%d packets, want %d", n, len(serverHangsUp))
	}
	if err := lc.Err(); err == nil || !strings.Contains(err.Error(), "killed") {
		t.Errorf("Err() = %v, want the helper's death", err)
	}
}

// Cancelling the context stops the helper as Stop does.
func TestStartCaptureStopsOnCancel(t *testing.T) {
	helper := fakeHelper(t, `trap 'exit 0' INT
cat "$CAP"; while :; do sleep 0.02; done`)
	ctx, cancel := context.WithCancel(context.Background())
	lc, err := StartCapture(ctx, LiveOptions{Interface: "veth0", Helper: helper})
	if err != nil {
		t.Fatal(err)
	}
	cancel()
	<-lc.Done()
	if err := lc.Err(); err != nil {
		t.Errorf("Err() = %v after a cancel", err)
	}
}

// FindSpools lists leftover spools, newest first, but not empty ones,
// other files, or spools still open (here, by this process).
func TestFindSpools(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("open spools are recognised through /proc")
	}
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	old := write("thingsniff-spool-1.pcap", "old")
	write("thingsniff-spool-2.pcap", "")
	write("other.pcap", "x")
	// A stream opened now has a live spool in dir: it must not be offered.
	c, err := capture.OpenStream(strings.NewReader(mustRead(t, writeTCPCapture(t, t.TempDir(), serverHangsUp))), "live", dir)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	newer := write("thingsniff-spool-3.pcap", "newer")
	past := mustStat(t, old).ModTime().Add(-3600e9)
	if err := os.Chtimes(old, past, past); err != nil {
		t.Fatal(err)
	}
	got := FindSpools(dir)
	if len(got) != 2 || got[0] != newer || got[1] != old {
		t.Errorf("FindSpools = %q, want [%q %q]", got, newer, old)
	}
}

func mustRead(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func mustStat(t *testing.T, path string) os.FileInfo {
	t.Helper()
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// liveCursor opens a cursor on the capture lc streams, as the window's
// live load does.
func liveCursor(t *testing.T, lc *LiveCapture) *capture.Cursor {
	t.Helper()
	c, err := capture.OpenStream(lc.Stream(), "live", t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c.Cursor()
}
