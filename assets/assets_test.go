package assets

import (
	"bytes"
	"image/png"
	"os/exec"
	"strings"
	"testing"
)

func TestDemoIsPcapng(t *testing.T) {
	if d := Demo(); len(d) < 1000 || !bytes.HasPrefix(d, []byte{0x0a, 0x0d, 0x0d, 0x0a}) {
		t.Fatalf("Demo() is %d bytes, not a pcapng section", len(d))
	}
}

func TestIcon(t *testing.T) {
	img, err := png.Decode(bytes.NewReader(Icon()))
	if err != nil {
		t.Fatalf("decode icon: %v", err)
	}
	if b := img.Bounds(); b.Dx() != 256 || b.Dy() != 256 {
		t.Fatalf("icon is %v, want 256x256", b)
	}
	// Opaque in the middle, transparent in the corner (rounded square).
	if _, _, _, a := img.At(128, 128).RGBA(); a != 0xffff {
		t.Errorf("centre alpha %#x", a)
	}
	if _, _, _, a := img.At(1, 1).RGBA(); a != 0 {
		t.Errorf("corner alpha %#x", a)
	}
}

// TestLeaf keeps assets free of project imports.
func TestLeaf(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", ".").Output()
	if err != nil {
		t.Skipf("go list unavailable: %v", err)
	}
	for _, dep := range strings.Fields(string(out)) {
		if strings.HasPrefix(dep, "thingsniff/") && dep != "thingsniff/assets" {
			t.Errorf("assets imports %s", dep)
		}
	}
}
