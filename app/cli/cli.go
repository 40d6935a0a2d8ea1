package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"thingsniff/capture/live"
)

// Env is what a command may touch: its arguments and standard streams.
type Env struct {
	Args   []string
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
}

// Command is one headless subcommand.
type Command struct {
	Name  string
	Usage string // one line: arguments and what it does
	Run   func(env Env) error
}

// Commands lists every headless command, in help order.
func Commands() []Command {
	return []Command{
		{"packets", "FILE [--json] [--filter EXPR] [--time relative|delta|delta-shown|time|date|epoch]  list packets as rows, like the packet list", runPackets},
		{"info", "FILE [--json]  the file's properties: format, size, time span, who wrote it, interfaces with their filters and drops, totals", runInfo},
		{"flows", "FILE [--json] [--filter EXPR]  list TCP/UDP/ICMP conversations and who closed them", runFlows},
		{"follow", "FILE --flow ID|--stream N [--format ascii|hex|raw|hexraw|http] [--direction both|client|server]  a TCP or UDP conversation as its ends saw it", runFollow},
		{"objects", "FILE --out DIR | --list  export (or list) the HTTP objects", runObjects},
		{"report", "FILE [--json|--md] [--device MAC] [--filter EXPR]  the story of each device: lease, lookups, connections, findings", runReport},
		{"stats", statsUsage, runStats},
		{"interfaces", "[--json]  list interfaces to capture on", runInterfaces},
		{"capture", live.HelperUsage + "  capture live to pcapng (through the capture helper, " + live.HelperName + ")", runCapture},
	}
}

// Lookup returns the command with the given name.
func Lookup(name string) (Command, bool) {
	for _, c := range Commands() {
		if c.Name == name {
			return c, true
		}
	}
	return Command{}, false
}

// Run runs the named command and returns the process exit code: 0 on
// success, 1 when the input was bad, 2 on a usage error.
func Run(name string, env Env) int {
	c, ok := Lookup(name)
	if !ok {
		fmt.Fprintf(env.Stderr, "thingsniff: unknown command %q\n", name)
		return 2
	}
	err := c.Run(env)
	var code exitCode
	switch {
	case err == nil:
		return 0
	case errors.As(err, &code):
		return int(code)
	case errors.Is(err, errUsage):
		if err != errUsage {
			// The usage error says what was wrong: errUsage is its prefix.
			fmt.Fprintf(env.Stderr, "thingsniff %s: %s\n", name, strings.TrimPrefix(err.Error(), errUsage.Error()+": "))
		}
		fmt.Fprintf(env.Stderr, "usage: thingsniff %s %s\n", c.Name, c.Usage)
		return 2
	case errors.Is(err, flag.ErrHelp):
		return 0
	}
	fmt.Fprintf(env.Stderr, "thingsniff %s: %v\n", name, err)
	return 1
}

// Help writes the list of commands.
func Help(w io.Writer) {
	fmt.Fprintln(w, "usage: thingsniff [FILE | -]            open the window (a file, or a capture on stdin)")
	fmt.Fprintln(w, "       thingsniff -i IFACE              open the window capturing on IFACE")
	for _, c := range Commands() {
		fmt.Fprintf(w, "       thingsniff %s %s\n", c.Name, c.Usage)
	}
}

var errUsage = errors.New("usage")

// newFlags returns a flag set that reports errors to env.Stderr and does
// not exit the process.
func newFlags(name string, env Env) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	return fs
}

// parseArgs is parse, and a usage error unless exactly n positional
// arguments came.
func parseArgs(fs *flag.FlagSet, args []string, n int) ([]string, error) {
	pos, err := parse(fs, args)
	if err == nil && len(pos) != n {
		err = errUsage
	}
	return pos, err
}

// parse parses flags that may come before or after positional arguments
// and returns the positional ones.
func parse(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, err
			}
			return nil, errUsage
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}
