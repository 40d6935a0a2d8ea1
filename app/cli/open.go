package cli

import (
	"encoding/json"
	"flag"
	"io"

	"thingsniff/app"
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

// selectFile runs a command's --filter expression over the whole capture
// before the command reads it, for the commands (flows, report) that keep
// what the selected packets touch. No expression selects everything: nil
// and no error. An error (a bad filter, a capture that could not be read)
// ends the command; a capture that ended early still gives its selection
// and no error, since the command's own scan of it reports how it ended.
func selectFile(c *capture.Capture, expr string) (*app.Selection, error) {
	if expr == "" {
		return nil, nil
	}
	sel, err := app.SelectFile(c, expr)
	if sel == nil {
		return nil, err
	}
	return sel, nil
}

// jsonEncoder is the encoder of the flows, packets and report commands'
// --json output: a string is written as it is, not with <, > and &
// escaped for HTML.
func jsonEncoder(w io.Writer) *json.Encoder {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc
}
