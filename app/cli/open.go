package cli

import (
	"flag"

	"thingsniff/capture"
)

// openInput opens a capture named on the command line; "-" is stdin.
func openInput(env Env, name string) (*capture.Capture, error) {
	if name == "-" {
		return capture.OpenStream(env.Stdin, "stdin", "")
	}
	return capture.Open(name)
}

// openFile parses a command's flags and its one FILE argument, and opens
// the capture it names.
func openFile(env Env, fs *flag.FlagSet) (*capture.Capture, error) {
	pos, err := parseArgs(fs, env.Args, 1)
	if err != nil {
		return nil, err
	}
	return openInput(env, pos[0])
}
