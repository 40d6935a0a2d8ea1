package cli

import (
	"bufio"
	"fmt"
	"slices"
	"strings"
	"time"

	"thingsniff/app"
	"thingsniff/decode/stats"
)

var statsUsage = "FILE --kind " + strings.Join(stats.Kinds, "|") + " [--interval 1s] [--csv]" +
	"  statistics: protocol hierarchy, endpoints (MAC, IPv4, IPv6 with vendor and names), conversations (host pairs and flows), DNS names, HTTP hosts and requests, packets and bytes per interval, expert information"

func runStats(env Env) error {
	fs := newFlags("stats", env)
	kind := fs.String("kind", "", "which statistic: "+strings.Join(stats.Kinds, ", "))
	interval := fs.Duration("interval", time.Second, "the width of one interval of --kind io")
	asCSV := fs.Bool("csv", false, "comma-separated values with a header row (http: the hosts table, a blank line, the requests table)")
	pos, err := parseArgs(fs, env.Args, 1)
	if err != nil {
		return err
	}
	if !slices.Contains(stats.Kinds, *kind) {
		return fmt.Errorf("%w: --kind must be one of %s", errUsage, strings.Join(stats.Kinds, ", "))
	}
	if *interval <= 0 {
		return fmt.Errorf("%w: --interval must be more than 0", errUsage)
	}
	c, err := openInput(env, pos[0])
	if err != nil {
		return err
	}
	defer c.Close()
	r, scanErr := app.BuildStats(c, stats.Options{Interval: *interval})
	tables, err := r.Tables(*kind)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(env.Stdout)
	defer w.Flush()
	for i, t := range tables {
		if i > 0 {
			fmt.Fprintln(w)
		}
		if *asCSV {
			err = t.WriteCSV(w)
		} else {
			err = t.WriteText(w)
		}
		if err != nil {
			return err
		}
	}
	// Notes go to stderr, so that the CSV on stdout stays one table.
	for _, n := range r.Notes {
		fmt.Fprintln(env.Stderr, "note: "+n)
	}
	return scanErr
}
