package app

import (
	"os/exec"
	"strings"
	"testing"
)

// TestDependencyDirection keeps ARCHITECTURE.md's one-way rule true:
// capture and decode import neither each other nor app, ui or Fyne; app
// does not import ui or Fyne.
func TestDependencyDirection(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go list")
	}
	rules := map[string][]string{
		"thingsniff/capture/...": {"thingsniff/decode", "thingsniff/app", "thingsniff/ui", "fyne.io/"},
		"thingsniff/decode/...":  {"thingsniff/capture", "thingsniff/app", "thingsniff/ui", "fyne.io/"},
		"thingsniff/app/...":     {"thingsniff/ui", "fyne.io/"},
		"thingsniff/assets":      {"thingsniff/"},
	}
	for pkg, banned := range rules {
		out, err := exec.Command("go", "list", "-deps", "-f", "{{.ImportPath}}", pkg).CombinedOutput()
		if err != nil {
			t.Fatalf("go list %s: %v\n%s", pkg, err, out)
		}
		for _, dep := range strings.Fields(string(out)) {
			for _, b := range banned {
				if strings.HasPrefix(dep, b) && !strings.HasPrefix(pkg, strings.TrimSuffix(dep, "/...")) && !selfOrChild(pkg, dep) {
					t.Errorf("%s depends on %s", pkg, dep)
				}
			}
		}
	}
}

// selfOrChild reports whether dep is inside the package tree pattern pkg.
func selfOrChild(pattern, dep string) bool {
	root := strings.TrimSuffix(pattern, "/...")
	return dep == root || strings.HasPrefix(dep, root+"/")
}
