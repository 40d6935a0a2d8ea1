// Command gen writes the project's synthetic captures: the demo story
// (-story) or a realistic mix of N packets for scale tests.
//
//	go run ./cmd/gen -story -o assets/demo.pcapng
//	go run ./cmd/gen -packets 1000000 -seed 1 -format pcap -o big.pcap
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
	flag.Parse()
	if err := run(*story, *packets, *seed, *format, *out, *start); err != nil {
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
	if story {
		err = synth.Story(bw, start)
	} else {
		err = synth.Mix(bw, synth.Options{Packets: packets, Seed: seed, Start: start, Format: format})
	}
	if err != nil {
		return err
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write %s: %w", out, err)
	}
	return nil
}
