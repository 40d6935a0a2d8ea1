package cli

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"thingsniff/decode/stats"
	"time"

	"thingsniff/capture/synth"
)

// The golden outputs hold, for every corpus capture and for the generated
// 1-million-packet mix, a digest of what each headless command prints
// (exit code, standard output and standard error). They were made before
// the engine was redesigned, so that a change to how bytes are read,
// decoded or handed between stages shows up as a changed output. Digests,
// not the outputs themselves: the corpus is others' data and stays out of
// the repository. Run with -update-golden to record the outputs anew (only
// when a change of output is meant), and with THINGSNIFF_GOLDEN_DIR=dir to
// write the outputs that differ there, for a diff against an older build.
var updateGolden = flag.Bool("update-golden", false, "rewrite testdata/outputs.golden from the current outputs")

const goldenFile = "testdata/outputs.golden"

// mixPackets is the size of the generated mix the golden outputs cover,
// the same capture `make bench` measures.
const mixPackets = 1_000_000

func TestOutputsMatchGolden(t *testing.T) {
	pkg, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	golden := filepath.Join(pkg, goldenFile)
	want := readGolden(t, golden)
	got := map[string]string{}
	var outputs map[string][]byte
	if os.Getenv("THINGSNIFF_GOLDEN_DIR") != "" {
		outputs = map[string][]byte{}
	}
	record := func(key string, out []byte) {
		sum := sha256.Sum256(out)
		got[key] = hex.EncodeToString(sum[:]) + " " + fmt.Sprint(len(out))
		if outputs != nil {
			outputs[key] = out
		}
	}
	dir := corpusDir(t)
	root, err := filepath.Abs(filepath.Join(dir, ".."))
	if err != nil {
		t.Fatal(err)
	}
	// Paths appear in error messages: run from beside the corpus, so that
	// they read the same from any clone.
	t.Chdir(root)
	for _, path := range corpusCaptures(t, "corpus") {
		goldenCommands(t, path, 9, record)
	}
	if testing.Short() {
		t.Log("-short: the generated mix is left out")
	} else {
		mixDir := t.TempDir()
		mix := filepath.Join(mixDir, "mix.pcapng")
		if err := writeMix(mix); err != nil {
			t.Fatal(err)
		}
		t.Chdir(mixDir)
		goldenCommands(t, "mix.pcapng", 5, record)
	}
	if *updateGolden {
		writeGolden(t, golden, got, want)
		return
	}
	var diffs []string
	for key, sum := range got {
		if w, ok := want[key]; !ok {
			diffs = append(diffs, key+": not in the golden file")
		} else if w != sum {
			diffs = append(diffs, key+": output changed")
		}
	}
	sort.Strings(diffs)
	for _, d := range diffs {
		t.Error(d)
	}
	if len(diffs) > 0 && outputs != nil {
		saveOutputs(t, os.Getenv("THINGSNIFF_GOLDEN_DIR"), outputs, diffs)
	}
	t.Logf("%d outputs compared", len(got))
}

// goldenCommands runs every headless command that reads a capture on
// path and records each output: packets and flows in both forms, the
// report as JSON and Markdown, the object list, every statistic as CSV,
// and follow in several
// formats on the first flows and the last.
func goldenCommands(t *testing.T, path string, follows int, record func(string, []byte)) {
	t.Helper()
	run := func(args ...string) []byte {
		var out, errOut bytes.Buffer
		code := Run(args[0], Env{Args: args[1:], Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errOut})
		b := fmt.Appendf(nil, "exit %d\n", code)
		b = append(b, out.Bytes()...)
		b = append(b, "\n--- stderr\n"...)
		b = append(b, errOut.Bytes()...)
		record(path+"\t"+strings.Join(args, " "), b)
		return out.Bytes()
	}
	run("packets", path)
	run("packets", path, "--json")
	run("flows", path)
	flows := run("flows", path, "--json")
	run("report", path, "--json")
	run("report", path, "--md")
	run("objects", path, "--list")
	run("info", path)
	for _, kind := range stats.Kinds {
		run("stats", path, "--kind", kind, "--csv")
	}
	for _, f := range followed(flows, follows) {
		id := fmt.Sprint(f.ID)
		run("follow", path, "--flow", id)
		if f.Proto == "TCP" {
			run("follow", path, "--flow", id, "--format", "http")
			run("follow", path, "--flow", id, "--format", "hex", "--direction", "server")
		}
	}
}

// followed picks the flows whose streams are followed: the first n and
// the last.
func followed(flowsJSON []byte, n int) []struct {
	ID    uint32 `json:"id"`
	Proto string `json:"proto"`
} {
	type flow = struct {
		ID    uint32 `json:"id"`
		Proto string `json:"proto"`
	}
	var all []flow
	sc := bufio.NewScanner(bytes.NewReader(flowsJSON))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var f flow
		if json.Unmarshal(sc.Bytes(), &f) == nil {
			all = append(all, f)
		}
	}
	if len(all) <= n+1 {
		return all
	}
	return append(all[:n:n], all[len(all)-1])
}

// corpusCaptures lists the corpus captures by their paths below root.
func corpusCaptures(t *testing.T, dir string) []string {
	b, err := os.ReadFile(filepath.Join(dir, "MANIFEST.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for i, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		cols := strings.Split(line, "\t")
		if i > 0 && len(cols) > 2 {
			out = append(out, filepath.Join(dir, cols[2]))
		}
	}
	return out
}

// writeMix writes the mix `make bench` measures.
func writeMix(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	err = synth.Mix(w, synth.Options{Packets: mixPackets, Seed: 1, Start: time.Date(2026, 11, 25, 20, 0, 0, 0, time.UTC), Format: "pcapng"})
	if err == nil {
		err = w.Flush()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

func readGolden(t *testing.T, path string) map[string]string {
	b, err := os.ReadFile(path)
	if os.IsNotExist(err) && *updateGolden {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		if i := strings.LastIndexByte(line, '\t'); i > 0 {
			m[line[:i]] = line[i+1:]
		}
	}
	return m
}

// writeGolden records got, keeping what a shorter run (-short) did not
// produce.
func writeGolden(t *testing.T, path string, got, old map[string]string) {
	all := map[string]string{}
	for k, v := range old {
		all[k] = v
	}
	for k, v := range got {
		all[k] = v
	}
	keys := make([]string, 0, len(all))
	for k := range all {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var b strings.Builder
	for _, k := range keys {
		b.WriteString(k + "\t" + all[k] + "\n")
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("wrote %d digests", len(keys))
}

// saveOutputs writes the outputs that differ into dir, one file each.
func saveOutputs(t *testing.T, dir string, outputs map[string][]byte, diffs []string) {
	for key, out := range outputs {
		if !slices.ContainsFunc(diffs, func(d string) bool { return strings.HasPrefix(d, key+":") }) {
			continue
		}
		name := strings.NewReplacer("/", "_", "\t", "__", " ", "_").Replace(key)
		if err := os.WriteFile(filepath.Join(dir, name), out, 0o644); err != nil {
			t.Error(err)
		}
	}
}
