//go:build unix

package capture

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// TestOpenFIFO: a named pipe given as a path is read as a stream, through
// a spool that leaves nothing in the temporary folder.
func TestOpenFIFO(t *testing.T) {
	tmp := emptyTempDir(t)
	p := filepath.Join(t.TempDir(), "fifo")
	if err := syscall.Mkfifo(p, 0o600); err != nil {
		t.Skipf("no named pipes here: %v", err)
	}
	data, pkts := writtenPcapng(t, 20)
	go func() {
		f, err := os.OpenFile(p, os.O_WRONLY, 0)
		if err != nil {
			return
		}
		f.Write(data)
		f.Close()
	}()
	c, err := Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	frames, err := drain(t, c)
	if err != nil || len(frames) != len(pkts) || c.SpoolPath() != "" || c.Size() != -1 {
		t.Fatalf("%d frames, spool %q, size %d, err %v", len(frames), c.SpoolPath(), c.Size(), err)
	}
	samePackets(t, frames, pkts)
	leftIn(t, tmp)
}
