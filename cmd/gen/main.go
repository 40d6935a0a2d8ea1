// Command gen writes the project's synthetic captures: the demo story
// (-story), a realistic mix of N packets for scale tests, or a hostile
// capture built to make an analyzer hold much in memory (-hostile).
//
//	go run ./cmd/gen -story -o assets/demo.pcapng
//	go run ./cmd/gen -packets 1000000 -seed 1 -format pcap -o big.pcap
//	go run ./cmd/gen -hostile macs -n 1000000 -o macs.pcap
package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"thingsniff/capture/synth"
)

func main() {
	story := flag.Bool("story", false, "write the demo story instead of a mix")
	packets := flag.Int("packets", 100000, "packets in the mix")
	seed := flag.Int64("seed", 1, "random seed of the mix")
	format := flag.String("format", synth.FormatPcapng, "pcapng or pcap (mix only; the story is pcapng)")
	out := flag.String("o", "-", "output file, - for standard output")
	start := flag.String("start", "", "start time of the capture, RFC 3339 (default: synth.DemoStart)")
	hostile := flag.String("hostile", "", fmt.Sprintf("write a hostile capture instead, one of %v (pcap)", synth.HostileKinds()))
	n := flag.Int("n", 1000, "devices, flows or bodies in the hostile capture")
	week := flag.Bool("week", false, "write a headers-only week of a thing that phones home every 2 h (pcap, snap length 64)")
	flag.Parse()
	var err error
	if *week {
		err = write(*out, func(w io.Writer) error { return synth.Week(w, synth.WeekStart(), synth.WeekSnap) })
	} else if *hostile != "" {
		err = write(*out, func(w io.Writer) error { return synth.Hostile(w, *hostile, *n) })
	} else {
		err = run(*story, *packets, *seed, *format, *out, *start)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

func run(story bool, packets int, seed int64, format, out, startText string) (err error) {
	start := synth.DemoStart()
	if startText != "" {
		if start, err = time.Parse(time.RFC3339Nano, startText); err != nil {
			return fmt.Errorf("parse -start: %w", err)
		}
	}
	return write(out, func(w io.Writer) error {
		if story {
			return synth.Story(w, start)
		}
		return synth.Mix(w, synth.Options{Packets: packets, Seed: seed, Start: start, Format: format})
	})
}

// write runs gen on the named file (- for standard output) through a
// buffer, and reports the first error of writing, flushing or closing.
func write(out string, gen func(io.Writer) error) (err error) {
	var w io.Writer = os.Stdout
	if out != "-" {
		f, err := os.Create(out)
		if err != nil {
			return fmt.Errorf("create output: %w", err)
		}
		defer func() {
			if cerr := f.Close(); cerr != nil && err == nil {
				err = fmt.Errorf("close %s: %w", out, cerr)
			}
		}()
		w = f
	}
	bw := bufio.NewWriterSize(w, 1<<20)
	if err := gen(bw); err != nil {
		return err
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write %s: %w", out, err)
	}
	return nil
}
