package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// module is this module's path, the prefix of every package of the project.
const module = "thingsniff"

// fynePrefix is the prefix of Fyne's packages: only the window may depend on them.
const fynePrefix = "fyne.io/"

// Every package of the module lives in one room: the program at the root,
// the five top-level rooms of ARCHITECTURE.md, or cmd/ for the project's
// own tools (each its own program, like main).
const (
	roomMain    = "main"
	roomCmd     = "cmd"
	roomUI      = "ui"
	roomApp     = "app"
	roomCapture = "capture"
	roomDecode  = "decode"
	roomAssets  = "assets"
)

// roomOf names the room of a package of the module, "" for a package
// outside every room.
func roomOf(path string) string {
	if path == module {
		return roomMain
	}
	rest, ok := strings.CutPrefix(path, module+"/")
	if !ok {
		return ""
	}
	top, _, _ := strings.Cut(rest, "/")
	switch top {
	case roomCmd, roomUI, roomApp, roomCapture, roomDecode, roomAssets:
		return top
	}
	return ""
}

// A roomRule is what ARCHITECTURE.md forbids the packages of one room.
// The names in its lists are rooms, fynePrefix for Fyne, or project for
// every package of the module other than the package itself.
type roomRule struct {
	// noImport: the package's own imports may not name these, though
	// something it imports may (ui reaches capture only through app).
	noImport []string
	// noDepend: these may not be among its dependencies at any depth
	// (what `go list -deps` prints).
	noDepend []string
	// noTestImport: its tests may not import these packages (full paths).
	noTestImport []string
	why          string
}

// project names every package of the module in a roomRule.
const project = "project"

// rules is ARCHITECTURE.md's "main -> ui -> app -> {capture, decode},
// assets is a leaf; ui may use decode's value types but never calls
// capture; capture and decode do not import each other, app, ui or fyne".
var rules = map[string]roomRule{
	roomMain: {noImport: []string{roomCapture, roomDecode},
		why: "main -> ui -> app -> {capture, decode}: main opens the window or hands a headless command to app"},
	roomUI: {noImport: []string{roomCapture},
		// capture and capture/synth stay allowed in ui's tests as
		// writers of their fixture captures.
		noTestImport: []string{module + "/capture/live"},
		why:          "ui reads app and decode's value types and never calls capture; its tests fake live capture through app"},
	roomApp: {noDepend: []string{roomUI, fynePrefix},
		why: "app owns the session without Fyne; ui reads it, not the reverse"},
	roomCapture: {noDepend: []string{roomDecode, roomApp, roomUI, fynePrefix},
		why: "capture and decode do not import each other, app, ui or fyne"},
	roomDecode: {noDepend: []string{roomCapture, roomApp, roomUI, fynePrefix},
		why: "capture and decode do not import each other, app, ui or fyne"},
	roomAssets: {noDepend: []string{project},
		why: "assets is a leaf: it imports nothing of the project"},
	roomCmd: {noDepend: []string{roomUI, fynePrefix},
		why: "the commands under cmd/ are headless tools; the window is main's"},
}

// pkgInfo is what `go list -json` says of one package.
type pkgInfo struct {
	ImportPath     string
	Name           string
	Dir            string
	Imports        []string
	Deps           []string
	TestImports    []string
	XTestImports   []string
	GoFiles        []string
	CgoFiles       []string
	IgnoredGoFiles []string
	Error          *struct{ Err string }
}

// matches reports whether path is named by a rule's entry, seen from pkg.
func matches(entry, path, pkg string) bool {
	switch entry {
	case fynePrefix:
		return strings.HasPrefix(path, fynePrefix)
	case project:
		return path != pkg && roomOf(path) != ""
	}
	return roomOf(path) == entry
}

// violations lists every package that breaks its room's rule, or lives
// outside every room.
func violations(pkgs []pkgInfo) []string {
	var out []string
	for _, p := range pkgs {
		room := roomOf(p.ImportPath)
		rule, ok := rules[room]
		if !ok {
			out = append(out, fmt.Sprintf("%s is in no room (ARCHITECTURE.md: main.go, app, ui, decode, capture, assets; tools in cmd)", p.ImportPath))
			continue
		}
		for _, entry := range rule.noImport {
			for _, imp := range p.Imports {
				if matches(entry, imp, p.ImportPath) {
					out = append(out, fmt.Sprintf("%s imports %s: %s", p.ImportPath, imp, rule.why))
				}
			}
		}
		for _, entry := range rule.noDepend {
			for _, dep := range p.Deps {
				if matches(entry, dep, p.ImportPath) {
					out = append(out, fmt.Sprintf("%s depends on %s: %s", p.ImportPath, dep, rule.why))
				}
			}
		}
		for _, banned := range rule.noTestImport {
			if slices.Contains(p.TestImports, banned) || slices.Contains(p.XTestImports, banned) {
				out = append(out, fmt.Sprintf("%s's tests import %s: %s", p.ImportPath, banned, rule.why))
			}
		}
	}
	return out
}

// listPackages runs `go list -e -json` over the module for one GOOS (cgo
// on, as the program is built: listing compiles nothing).
func listPackages(t *testing.T, goos string) []pkgInfo {
	t.Helper()
	goCmd, err := exec.LookPath("go")
	if err != nil {
		t.Skip("the go command is not on PATH")
	}
	cmd := exec.Command(goCmd, "list", "-e",
		"-json=ImportPath,Name,Dir,Imports,Deps,TestImports,XTestImports,GoFiles,CgoFiles,IgnoredGoFiles,Error", "./...")
	cmd.Env = append(os.Environ(), "GOOS="+goos, "CGO_ENABLED=1")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("GOOS=%s go list ./...: %v\n%s", goos, err, stderr.Bytes())
	}
	var pkgs []pkgInfo
	for dec := json.NewDecoder(bytes.NewReader(out)); ; {
		var p pkgInfo
		if err := dec.Decode(&p); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			t.Fatalf("GOOS=%s go list: %v", goos, err)
		}
		if p.Error != nil {
			t.Errorf("GOOS=%s go list %s: %s", goos, p.ImportPath, p.Error.Err)
		}
		pkgs = append(pkgs, p)
	}
	if len(pkgs) == 0 {
		t.Fatalf("GOOS=%s go list ./... found no package", goos)
	}
	return pkgs
}

// TestDependencyRules keeps ARCHITECTURE.md's one-way dependencies true
// for every package of the module, on each system the program is built
// for (files for one system may import what others do not).
func TestDependencyRules(t *testing.T) {
	var order []string
	where := map[string][]string{} // violation -> the systems it shows on
	for _, goos := range []string{"linux", "windows", "darwin"} {
		for _, v := range violations(listPackages(t, goos)) {
			if where[v] == nil {
				order = append(order, v)
			}
			where[v] = append(where[v], goos)
		}
	}
	for _, v := range order {
		t.Errorf("GOOS=%s: %s", strings.Join(where[v], ","), v)
	}
}

// TestDependencyRulesBite feeds the rules made-up packages that break
// them, so that a rule that stops matching (a renamed room, a typo) fails
// here instead of passing everything.
func TestDependencyRulesBite(t *testing.T) {
	m := func(s string) string { return module + "/" + s }
	clean := []pkgInfo{
		{ImportPath: module, Imports: []string{m("ui"), m("app/cli"), m("assets"), "fyne.io/fyne/v2/app"}, Deps: []string{m("capture"), m("decode")}},
		{ImportPath: m("ui"), Imports: []string{m("app"), m("decode/device"), "fyne.io/fyne/v2"}, Deps: []string{m("app"), m("capture/live")},
			TestImports: []string{m("capture"), m("capture/synth")}},
		{ImportPath: m("app"), Imports: []string{m("capture"), m("decode")}, Deps: []string{m("capture"), m("decode")}},
		{ImportPath: m("app/cli"), Deps: []string{m("app"), m("capture/live")}},
		{ImportPath: m("capture/live"), Deps: []string{m("capture")}},
		{ImportPath: m("decode/device"), Deps: []string{m("decode"), m("decode/dns")}},
		{ImportPath: m("assets"), Deps: []string{"embed"}},
		{ImportPath: m("cmd/bench"), Deps: []string{m("app"), m("capture"), m("decode")}},
	}
	if v := violations(clean); len(v) > 0 {
		t.Fatalf("the allowed graph breaks the rules: %q", v)
	}
	bad := []struct {
		name string
		pkg  pkgInfo
	}{
		{"main imports capture", pkgInfo{ImportPath: module, Imports: []string{m("capture")}}},
		{"ui imports capture", pkgInfo{ImportPath: m("ui"), Imports: []string{m("capture")}}},
		{"ui imports capture/live", pkgInfo{ImportPath: m("ui"), Imports: []string{m("capture/live")}}},
		{"ui's tests import capture/live", pkgInfo{ImportPath: m("ui"), XTestImports: []string{m("capture/live")}}},
		{"app depends on ui", pkgInfo{ImportPath: m("app/cli"), Deps: []string{m("ui")}}},
		{"app depends on Fyne", pkgInfo{ImportPath: m("app"), Deps: []string{"fyne.io/fyne/v2"}}},
		{"capture depends on decode", pkgInfo{ImportPath: m("capture/synth"), Deps: []string{m("decode/dns")}}},
		{"capture depends on app", pkgInfo{ImportPath: m("capture"), Deps: []string{m("app")}}},
		{"capture depends on ui", pkgInfo{ImportPath: m("capture"), Deps: []string{m("ui")}}},
		{"capture depends on Fyne", pkgInfo{ImportPath: m("capture/live"), Deps: []string{"fyne.io/fyne/v2"}}},
		{"decode depends on capture", pkgInfo{ImportPath: m("decode/device"), Deps: []string{m("capture")}}},
		{"decode depends on app", pkgInfo{ImportPath: m("decode"), Deps: []string{m("app")}}},
		{"decode depends on ui", pkgInfo{ImportPath: m("decode/stream"), Deps: []string{m("ui")}}},
		{"decode depends on Fyne", pkgInfo{ImportPath: m("decode"), Deps: []string{"fyne.io/fyne/v2/theme"}}},
		{"assets depends on decode", pkgInfo{ImportPath: m("assets"), Deps: []string{m("decode")}}},
		{"assets depends on another assets package", pkgInfo{ImportPath: m("assets"), Deps: []string{m("assets/icons")}}},
		{"cmd depends on ui", pkgInfo{ImportPath: m("cmd/bench"), Deps: []string{m("ui")}}},
		{"a package outside the rooms", pkgInfo{ImportPath: m("internal/x")}},
	}
	for _, b := range bad {
		if v := violations([]pkgInfo{b.pkg}); len(v) == 0 {
			t.Errorf("%s: not caught", b.name)
		}
	}
}

// TestNoProcessControlOutsideMain keeps ARCHITECTURE.md's "outside main:
// no flag registration, no log.Fatal, no os.Exit": only a program decides
// its command line and when the process ends. A library parses its own
// flag.FlagSet and returns errors.
func TestNoProcessControlOutsideMain(t *testing.T) {
	fset := token.NewFileSet()
	files := 0
	for _, p := range listPackages(t, "linux") {
		if p.Name == "main" {
			continue
		}
		// Every non-test file in the directory, whichever system it is
		// built for.
		for _, name := range slices.Concat(p.GoFiles, p.CgoFiles, p.IgnoredGoFiles) {
			path := filepath.Join(p.Dir, name)
			f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
			if err != nil {
				t.Errorf("parse %s: %v", path, err)
				continue
			}
			if f.Name.Name == "main" {
				continue
			}
			files++
			for _, v := range processControl(fset, f) {
				t.Error(v)
			}
		}
	}
	if files == 0 {
		t.Fatal("no library file was read")
	}
}

// processControl lists the calls in f that only a program may make:
// registering or parsing flags on the process's command line, log.Fatal*
// and os.Exit.
func processControl(fset *token.FileSet, f *ast.File) []string {
	names := map[string]string{} // local name -> import path
	for _, imp := range f.Imports {
		path, _ := strconv.Unquote(imp.Path.Value)
		local := path
		if imp.Name != nil {
			local = imp.Name.Name
		}
		switch path {
		case "flag", "log", "os":
			names[local] = path
		}
	}
	if len(names) == 0 {
		return nil
	}
	// What a library may use of flag: its own FlagSet, parsed without
	// exiting.
	flagOK := map[string]bool{"NewFlagSet": true, "FlagSet": true, "Flag": true, "Value": true, "Getter": true,
		"ErrorHandling": true, "ContinueOnError": true, "PanicOnError": true, "ErrHelp": true}
	var out []string
	ast.Inspect(f, func(n ast.Node) bool {
		sel, ok := n.(*ast.SelectorExpr)
		if !ok {
			return true
		}
		x, ok := sel.X.(*ast.Ident)
		if !ok {
			return true
		}
		bad := false
		switch names[x.Name] {
		case "flag":
			bad = !flagOK[sel.Sel.Name]
		case "log":
			bad = strings.HasPrefix(sel.Sel.Name, "Fatal")
		case "os":
			bad = sel.Sel.Name == "Exit"
		}
		if bad {
			out = append(out, fmt.Sprintf("%s: %s.%s outside main (ARCHITECTURE.md: only a program registers flags or ends the process)",
				fset.Position(sel.Pos()), x.Name, sel.Sel.Name))
		}
		return true
	})
	return out
}

// TestProcessControlBites checks processControl on a made-up library.
func TestProcessControlBites(t *testing.T) {
	const src = `package lib

import (
	"flag"
	stdlog "log"
	"os"
)

func Run(args []string) error {
	fs := flag.NewFlagSet("lib", flag.ContinueOnError)
	n := fs.Int("n", 1, "")
	_ = flag.String("x", "", "")
	flag.Parse()
	if *n < 0 {
		stdlog.Fatalf("n %d", *n)
	}
	if len(args) == 0 {
		os.Exit(2)
	}
	_, err := os.Open("x")
	return err
}
`
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "lib.go", src, parser.SkipObjectResolution)
	if err != nil {
		t.Fatal(err)
	}
	got := processControl(fset, f)
	want := []string{"flag.String", "flag.Parse", "stdlog.Fatalf", "os.Exit"}
	if len(got) != len(want) {
		t.Fatalf("found %d: %q; want %v", len(got), got, want)
	}
	for i, w := range want {
		if !strings.Contains(got[i], " "+w+" ") {
			t.Errorf("finding %d is %q, want %s", i, got[i], w)
		}
	}
}
