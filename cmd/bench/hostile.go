package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"thingsniff/app/cli"
	"thingsniff/capture/synth"
)

// hostileCase is one hostile capture of the bench: a kind of synth.Hostile
// with its size, gzipped when the harm is in what it expands to.
type hostileCase struct {
	kind string
	n    int
	gz   bool
}

func (h hostileCase) file(dir string) string {
	name := fmt.Sprintf("hostile-%s-%d.pcap", h.kind, h.n)
	if h.gz {
		name += ".gz"
	}
	return filepath.Join(dir, name)
}

// hostileCases are the captures issue 15 names: a million MACs, 100,000
// tiny flows, 20,000 bodies left unfinished (gzipped: 97 MB in 3 MB).
func hostileCases() []hostileCase {
	return []hostileCase{
		{synth.HostileMACs, 1_000_000, false},
		{synth.HostileFlows, 100_000, false},
		{synth.HostileBodies, 20_000, true},
	}
}

// hostileCommands are what runs on each hostile capture: every headless
// command that reads one, and the window's load with device timelines.
var hostileCommands = []kind{
	{"cli:packets", "thingsniff packets"},
	{"cli:flows", "thingsniff flows"},
	{"cli:report", "thingsniff report"},
	{"cli:objects", "thingsniff objects --out DIR"},
	{"report", "the window's load + device timelines"},
}

// hostileFiles is the file descriptor limit the hostile runs get: a common
// default, so that a command that opens one file per body fails here as it
// would for a user.
const hostileFiles = 1024

// hostileRounds is fewer than rounds: the figure held to its target is
// peak memory, which the machine's noise hardly moves.
const hostileRounds = 3

// benchHostile runs every command on every hostile capture and holds peak
// RSS to 10 times the file's size plus 200 MB.
func benchHostile(dir string) {
	fmt.Printf("\nhostile captures (issue 15): peak RSS at most 10 x file + 200 MB, file descriptors limited to %d; median [min-max] of %d rounds\n",
		hostileFiles, hostileRounds)
	for _, h := range hostileCases() {
		path := h.file(dir)
		err := ensure(path, func(w io.Writer) error { return synth.WriteHostile(w, h.kind, h.n, h.gz) })
		if err != nil {
			fmt.Println("  ", err)
			continue
		}
		st, _ := os.Stat(path)
		bound := 10*float64(st.Size())/1e6 + 200
		fmt.Printf("  %s (%.1f MB; bound %.0f MB)\n", filepath.Base(path), float64(st.Size())/1e6, bound)
		ids := make([]string, len(hostileCommands))
		for i, k := range hostileCommands {
			ids[i] = k.id
		}
		t := inTurn(ids, hostileRounds, func(kind string) (result, error) { return child(kind, path) })
		for _, k := range hostileCommands {
			if err := t.errs[k.id]; err != nil {
				fmt.Printf("    %-40s FAILED: %v\n", k.name, err)
				continue
			}
			rs := t.runs[k.id]
			secs := summarize(each(rs, func(r result) float64 { return r.Seconds }))
			rss := summarize(each(rs, func(r result) float64 { return float64(r.PeakRSS) / 1e6 }))
			mark := "ok"
			if rss.med > bound {
				mark = "MISSED"
			}
			fmt.Printf("    %-40s %-24s peak RSS %-22s %s\n", k.name, secs.format(2)+" s", rss.format(0)+" MB", mark)
		}
	}
}

// runCLI runs a headless command on file in this process, its output
// thrown away, under the file descriptor limit of the hostile runs.
func runCLI(command, file string) (result, error) {
	lim := syscall.Rlimit{Cur: hostileFiles, Max: hostileFiles}
	var old syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &old); err == nil && old.Max < lim.Max {
		lim = old
	}
	if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		return result{}, fmt.Errorf("limit open files: %w", err)
	}
	args := []string{file}
	if command == "objects" {
		out, err := os.MkdirTemp("", "bench-objects-")
		if err != nil {
			return result{}, err
		}
		defer os.RemoveAll(out)
		args = []string{"--out", out, file}
	}
	var stderr strings.Builder
	start := time.Now()
	code := cli.Run(command, cli.Env{Args: args, Stdin: strings.NewReader(""), Stdout: io.Discard, Stderr: &stderr})
	res := result{Seconds: time.Since(start).Seconds()}
	if code != 0 {
		return res, fmt.Errorf("exit %d: %s", code, strings.TrimSpace(stderr.String()))
	}
	return res, nil
}
