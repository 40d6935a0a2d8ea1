package app

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"thingsniff/capture"
	"thingsniff/capture/synth"
)

// An object that cannot be saved (it does not fit on a 256 KiB tmpfs) is
// skipped with why, its partial file removed, and the objects after it
// are saved all the same.
func TestExportSkipsAnObjectThatCannotBeSaved(t *testing.T) {
	dir := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=256k", "tsn-objects", dir).CombinedOutput(); err != nil {
		t.Skipf("cannot mount a small tmpfs here: %v %s", err, out)
	}
	defer exec.Command("umount", dir).Run()
	big := strings.Repeat("0123456789abcdef", 1<<16) // 1 MiB
	path := writeTCPCapture(t, t.TempDir(), httpConversation([]exchange{
		{get("/first.txt"), response("", "text/plain", "first")},
		{get("/big.bin"), response("", "application/octet-stream", big)},
		{get("/last.txt"), response("", "text/plain", "last")},
	}))
	c, err := capture.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	objs, err := ScanObjects(c, dir, nil)
	if err != nil {
		t.Fatalf("export stopped: %v", err)
	}
	if len(objs) != 3 {
		t.Fatalf("%d objects, want 3", len(objs))
	}
	for _, i := range []int{0, 2} {
		if objs[i].SavedAs == "" || objs[i].Failed != "" {
			t.Errorf("object %d (%s): saved as %q, failed %q", i, objs[i].Name, objs[i].SavedAs, objs[i].Failed)
		}
	}
	if b := objs[1]; b.SavedAs != "" || !strings.Contains(b.Failed, "no space") {
		t.Errorf("the big object: saved as %q, failed %q; want it skipped for want of space", b.SavedAs, b.Failed)
	}
	names, _ := os.ReadDir(dir)
	if len(names) != 2 {
		t.Errorf("the folder holds %d files, want the 2 saved (the cut one removed)", len(names))
	}
	if got, _ := os.ReadFile(filepath.Join(dir, objs[2].SavedAs)); string(got) != "last" {
		t.Errorf("the object after the failure holds %q", got)
	}
}

// Three hundred bodies in progress at once, and a file descriptor limit
// of 128: each gets its file, written in turns through at most
// maxOpenObjects open at once, and the complete object after them all is
// saved whole.
func TestExportManyOpenBodiesUnderAFileLimit(t *testing.T) {
	const bodies = 300
	path := filepath.Join(t.TempDir(), "bodies.pcap")
	if err := synth.WriteHostileFile(path, synth.HostileBodies, bodies); err != nil {
		t.Fatal(err)
	}

	var old syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &old); err != nil {
		t.Fatal(err)
	}
	low := old
	low.Cur = 128
	if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &low); err != nil {
		t.Skipf("cannot lower the file limit: %v", err)
	}
	c, err := capture.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	objs, err := ScanObjects(c, dir, nil)
	c.Close()
	syscall.Setrlimit(syscall.RLIMIT_NOFILE, &old)
	if err != nil {
		t.Fatalf("export under a limit of 128 files: %v", err)
	}
	if len(objs) != bodies+1 {
		t.Fatalf("%d objects, want %d", len(objs), bodies+1)
	}
	for _, o := range objs {
		if o.SavedAs == "" || o.Failed != "" {
			t.Fatalf("object of flow %d: saved as %q, failed %q", o.Flow, o.SavedAs, o.Failed)
		}
		st, err := os.Stat(filepath.Join(dir, o.SavedAs))
		if err != nil || st.Size() != o.Size {
			t.Fatalf("object %s: %v, %d bytes on disk, listed %d", o.SavedAs, err, st.Size(), o.Size)
		}
	}
	complete := 0
	for _, o := range objs {
		switch {
		case !o.Message.Incomplete && o.Size == 1400:
			complete++
		case o.Message.Incomplete && o.Size == 3*1400:
		default:
			t.Fatalf("object %s: %d bytes, incomplete %v; want 4200 bytes of an unfinished body or the 1400 of the complete one", o.SavedAs, o.Size, o.Message.Incomplete)
		}
	}
	if complete != 1 {
		t.Errorf("%d complete objects, want the 1 after the unfinished bodies", complete)
	}
}
