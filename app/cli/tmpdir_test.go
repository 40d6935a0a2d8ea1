package cli

import (
	"bytes"
	"compress/gzip"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"thingsniff/assets"
)

// TestCommandsLeaveTheTemporaryFolderAsItWas runs every command that reads
// a capture on a gzip file, on standard input and on a named pipe, whose
// bytes are spooled while they are read: the temporary folder must hold
// nothing afterwards.
func TestCommandsLeaveTheTemporaryFolderAsItWas(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	demo := assets.Demo()
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(demo)
	zw.Close()
	files := t.TempDir()
	gzPath := filepath.Join(files, "demo.pcapng.gz")
	if err := os.WriteFile(gzPath, gz.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	fifo := filepath.Join(files, "pipe")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("no named pipes here: %v", err)
	}
	commands := [][]string{{"packets"}, {"flows"}, {"report"}, {"objects", "--list"}, {"follow", "--flow", "3"}}
	for _, cmd := range commands {
		for _, input := range []string{"gzip", "stdin", "fifo"} {
			var stdin = strings.NewReader("")
			file := gzPath
			switch input {
			case "stdin":
				stdin, file = strings.NewReader(string(demo)), "-"
			case "fifo":
				file = fifo
				go func() {
					if w, err := os.OpenFile(fifo, os.O_WRONLY, 0); err == nil {
						w.Write(demo)
						w.Close()
					}
				}()
			}
			args := append([]string{file}, cmd[1:]...)
			var out, errOut bytes.Buffer
			if code := Run(cmd[0], Env{Args: args, Stdin: stdin, Stdout: &out, Stderr: &errOut}); code != 0 || out.Len() == 0 {
				t.Errorf("%s on %s: exit %d, %d bytes out: %s", cmd[0], input, code, out.Len(), errOut.String())
			}
			if left, _ := os.ReadDir(tmp); len(left) > 0 {
				t.Fatalf("%s on %s left %d files in the temporary folder, the first %q", cmd[0], input, len(left), left[0].Name())
			}
		}
	}
}
