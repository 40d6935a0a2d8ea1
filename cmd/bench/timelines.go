package main

import (
	"fmt"
	"os"
)

// benchTimelines measures only the device timelines of the mix (as the
// headless report builds them), in turn with the bare decoding loop over
// the same file, and prints their times and ratio: the part of make
// bench that a change to the stories moves.
func benchTimelines(dir string, packets int) error {
	mix, err := ensureMix(dir, packets)
	if err != nil {
		return err
	}
	if err := warm(mix); err != nil {
		return err
	}
	fmt.Printf("capture: %s, %d packets; %d rounds of the bare loop and the device timelines in turn\n\n", mix, packets, rounds)
	t := inTurn([]string{"bare", "timelines"}, rounds, func(kind string) (result, error) { return child(kind, mix) })
	for _, kind := range []string{"bare", "timelines"} {
		if err := t.errs[kind]; err != nil {
			return fmt.Errorf("%s: %w", kind, err)
		}
	}
	tableHead(os.Stdout)
	row(os.Stdout, "bare", t.runs["bare"])
	row(os.Stdout, "timelines", t.runs["timelines"])
	fmt.Println()
	ratiosHead(os.Stdout)
	ratio(os.Stdout, "timelines / bare (wall)", perRound(t.runs["timelines"], t.runs["bare"], func(a, b result) float64 { return a.Seconds / b.Seconds }), noTarget(), 2, "")
	ratio(os.Stdout, "timelines CPU s", each(t.runs["timelines"], func(r result) float64 { return r.CPUSeconds }), noTarget(), 2, "")
	return nil
}
