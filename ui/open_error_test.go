package ui

import (
	"os"
	"path/filepath"
	"testing"

	"fyne.io/fyne/v2"
)

// TestOpenErrorSaysWhatTheFileIs opens files that are not captures: the
// dialog and the status bar say in one sentence what each looks like.
func TestOpenErrorSaysWhatTheFileIs(t *testing.T) {
	h := newHarness(t, fyne.NewSize(1280, 800))
	for _, c := range []struct {
		name, data, want string
	}{
		{"notes.pcap", "arkiv of the router's logs\n", "The file notes.pcap is not a packet capture: it looks like a text file."},
		{"fw.bin", "PK\x03\x04\x14\x00\x00\x00\x08\x00", "The file fw.bin is not a packet capture: it looks like a Zip archive (or a document packed as one)."},
		{"empty.pcap", "", "Could not open empty.pcap: the file is empty."},
	} {
		path := filepath.Join(t.TempDir(), c.name)
		if err := os.WriteFile(path, []byte(c.data), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := h.u.Open(path); err == nil {
			t.Fatalf("%s opened", c.name)
		}
		if got := h.u.status.message.Text; got != c.want {
			t.Errorf("%s: status says %q, want %q", c.name, got, c.want)
		}
		if text := overlayText(h.w); !containsLine(text, c.want) {
			t.Errorf("%s: dialog says %q", c.name, text)
		}
		h.w.Canvas().Overlays().Top().Hide()
	}
}

func containsLine(text, line string) bool {
	for len(text) > 0 {
		i := 0
		for i < len(text) && text[i] != '\n' {
			i++
		}
		if text[:i] == line {
			return true
		}
		if i == len(text) {
			break
		}
		text = text[i+1:]
	}
	return false
}
