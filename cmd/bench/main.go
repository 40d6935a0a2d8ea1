// Command bench measures thingsniff against a bare gopacket loop and
// tshark on the same generated capture, and prints ratios taken in one
// run, so that a slower or faster machine does not matter. `make bench`
// runs it.
//
// Each measurement runs in a child process of its own, so that its peak
// resident memory (VmHWM) is its own. The measurements compared take
// turns in rounds; every run is kept, each figure is reported as the
// median of the rounds with its range, and each ratio is taken within
// every round and held to its target by its median, so that noise shows
// as spread or as a MISSED target rather than being hidden.
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"strconv"
	"strings"
	"syscall"
	"time"

	"thingsniff/capture/synth"
)

func main() {
	dir := flag.String("dir", "testdata/gen", "where generated captures are kept between runs")
	packets := flag.Int("packets", 1_000_000, "packets in the generated capture")
	child := flag.String("child", "", "internal: run one measurement and print JSON")
	file := flag.String("file", "", "internal: the capture a child measures")
	cpuProfile := flag.String("cpuprofile", "", "with -child: write a CPU profile of the measurement to this file")
	memProfile := flag.String("memprofile", "", "with -child: write a heap profile at the end of the measurement to this file")
	// Parts of the bench that also run alone, each behind its flag.
	parts := []struct {
		on  *bool
		run func(dir string, packets int) error
	}{
		{flag.Bool("hostile", false, "only the hostile captures"), func(dir string, _ int) error { benchHostile(dir); return nil }},
		{flag.Bool("timelines", false, "only the device timelines of the mix, against the bare loop"), benchTimelines},
		{flag.Bool("window", false, "only the window's frames while it sorts (needs xvfb-run)"), benchWindow},
		{flag.Bool("filter", false, "only the display filter measurements (on the generated mix)"), benchFilter},
		{flag.Bool("iograph", false, "only the I/O graph of the generated mix"), func(dir string, packets int) error { benchIOGraph(dir, packets); return nil }},
	}
	flag.Parse()
	if *child != "" {
		if *memProfile == "" {
			// Measure what thingsniff itself runs: a program that links
			// no profiler has the runtime's allocation sampling turned
			// off, and this one links runtime/pprof for -cpuprofile.
			runtime.MemProfileRate = 0
		}
		stop := startCPUProfile(*cpuProfile)
		res, err := runChild(*child, *file)
		stop()
		writeHeapProfile(*memProfile)
		if err != nil {
			fmt.Fprintln(os.Stderr, "bench:", err)
			os.Exit(1)
		}
		res.PeakRSS, res.CPUSeconds = peakRSS(), cpuSeconds()
		json.NewEncoder(os.Stdout).Encode(res)
		return
	}
	for _, part := range parts {
		if !*part.on {
			continue
		}
		if err := os.MkdirAll(*dir, 0o755); err != nil {
			fmt.Fprintln(os.Stderr, "bench:", err)
			os.Exit(1)
		}
		if err := part.run(*dir, *packets); err != nil {
			fmt.Fprintln(os.Stderr, "bench:", err)
			os.Exit(1)
		}
		return
	}
	if err := run(*dir, *packets); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

// startCPUProfile profiles the process into path (when one is given)
// until the returned function is called.
func startCPUProfile(path string) (stop func()) {
	if path == "" {
		return func() {}
	}
	f, err := os.Create(path)
	if err == nil {
		err = pprof.StartCPUProfile(f)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench: cpu profile:", err)
		return func() {}
	}
	return func() { pprof.StopCPUProfile(); f.Close() }
}

// writeHeapProfile writes the live heap to path, when one is given.
func writeHeapProfile(path string) {
	if path == "" {
		return
	}
	f, err := os.Create(path)
	if err == nil {
		err = pprof.WriteHeapProfile(f)
		f.Close()
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench: heap profile:", err)
	}
}

// result is what a child reports.
type result struct {
	Seconds     float64 `json:"seconds"`
	FirstRowsMs float64 `json:"first_rows_ms,omitempty"`
	Packets     int     `json:"packets"`
	Flows       int     `json:"flows,omitempty"`
	Bytes       int64   `json:"bytes,omitempty"`
	PeakRSS     int64   `json:"peak_rss"`
	// CPUSeconds is the child's user and system time, all threads: with
	// Seconds it shows how much of the work ran beside the rest.
	CPUSeconds float64 `json:"cpu_seconds,omitempty"`
	Note       string  `json:"note,omitempty"`
	// Steal is the share of the machine's CPU time its host took for
	// others while the run went on (from /proc/stat, set by the parent):
	// a virtual machine's noise, shown beside the times it spoils.
	Steal float64 `json:"-"`
}

func run(dir string, packets int) error {
	mix, err := ensureMix(dir, packets)
	if err != nil {
		return err
	}
	st, _ := os.Stat(mix)
	fmt.Printf("capture: %s, %d packets, %.0f MB\n\n", mix, packets, float64(st.Size())/1e6)

	// Read the file once so that every measurement finds it in the page
	// cache: otherwise whichever runs first pays for the disk.
	if err := warm(mix); err != nil {
		return err
	}
	kinds := []string{"baseline", "bare", "pcapgo", "load", "report", "timelines"}
	if _, err := exec.LookPath("tshark"); err == nil {
		kinds = append(kinds, "tshark")
	} else {
		fmt.Println("tshark: not installed (apt-get install tshark to compare)")
	}
	explain(os.Stdout)
	fmt.Println()
	t := inTurn(kinds, rounds, func(kind string) (result, error) {
		if kind == "tshark" {
			return timeCommand("tshark", "-n", "-q", "-r", mix, "-z", "conv,tcp")
		}
		return child(kind, mix)
	})
	for _, kind := range []string{"baseline", "bare", "load"} {
		if err := t.errs[kind]; err != nil {
			return err
		}
	}
	printLoad(os.Stdout, t)
	extra(dir, packets)
	fmt.Println()
	if err := benchFilter(dir, packets); err != nil {
		fmt.Println("display filters:", err)
	}
	return nil
}

// ensureMix returns the bench's generated capture of the given size,
// generating it into dir unless it is there from an earlier run.
func ensureMix(dir string, packets int) (string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	mix := filepath.Join(dir, fmt.Sprintf("mix-%d.pcapng", packets))
	return mix, ensure(mix, func(w io.Writer) error {
		return synth.Mix(w, synth.Options{Packets: packets, Seed: 1, Start: time.Date(2026, 11, 25, 20, 0, 0, 0, time.UTC), Format: "pcapng"})
	})
}

// warm reads a file through once.
func warm(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = io.Copy(io.Discard, f)
	return err
}

// ensure creates path with gen unless it exists already.
func ensure(path string, gen func(io.Writer) error) error {
	if _, err := os.Stat(path); err == nil {
		return nil
	}
	fmt.Printf("generating %s ...\n", path)
	tmp := path + ".tmp"
	f, err := os.Create(tmp)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	err = gen(w)
	if err == nil {
		err = w.Flush()
	}
	if err != nil {
		f.Close()
		return fmt.Errorf("generate %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// child runs one measurement in a fresh process of this program.
func child(kind, file string) (result, error) {
	exe, err := os.Executable()
	if err != nil {
		return result{}, err
	}
	stolen := stealMeter()
	out, err := exec.Command(exe, "-child", kind, "-file", file).Output()
	steal := stolen()
	if err != nil {
		if ee, ok := err.(*exec.ExitError); ok {
			return result{}, fmt.Errorf("%s: %v: %s", kind, err, ee.Stderr)
		}
		return result{}, fmt.Errorf("%s: %w", kind, err)
	}
	var r result
	if err := json.Unmarshal(out, &r); err != nil {
		return result{}, fmt.Errorf("%s: %w (%q)", kind, err, out)
	}
	r.Steal = steal
	return r, nil
}

// stealMeter starts measuring the host's steal; the function it returns
// gives the share of CPU time stolen since.
func stealMeter() func() float64 {
	total0, steal0 := cpuTicks()
	return func() float64 {
		total1, steal1 := cpuTicks()
		if total1 <= total0 {
			return 0
		}
		return float64(steal1-steal0) / float64(total1-total0)
	}
}

// cpuTicks reads the machine's CPU time so far and the part of it its
// host stole, in clock ticks, from /proc/stat (zero where there is none).
func cpuTicks() (total, steal uint64) {
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return 0, 0
	}
	line, _, _ := strings.Cut(string(b), "\n")
	f := strings.Fields(line)
	if len(f) < 9 || f[0] != "cpu" {
		return 0, 0
	}
	// user nice system idle iowait irq softirq steal; guest time, after
	// them, is counted inside user already.
	for _, v := range f[1:9] {
		n, _ := strconv.ParseUint(v, 10, 64)
		total, steal = total+n, n
	}
	return total, steal
}

// timeCommand runs an outside program and measures its time and peak RSS.
func timeCommand(name string, args ...string) (result, error) {
	cmd := exec.Command(name, args...)
	stolen := stealMeter()
	start := time.Now()
	if err := cmd.Run(); err != nil {
		return result{}, err
	}
	cpu := cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
	return result{Seconds: time.Since(start).Seconds(), PeakRSS: maxrss(cmd), CPUSeconds: cpu.Seconds(), Steal: stolen()}, nil
}

// cpuSeconds is this process's user and system time so far.
func cpuSeconds() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e9
}

// peakRSS reads this process's peak resident set size.
func peakRSS() int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, l := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(l, "VmHWM:") {
			f := strings.Fields(l)
			if len(f) >= 2 {
				kb, _ := strconv.ParseInt(f[1], 10, 64)
				return kb * 1024
			}
		}
	}
	return 0
}
