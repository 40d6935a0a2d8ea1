package cli

import (
	"thingsniff/capture"
)

// openInput opens a capture named on the command line; "-" is stdin.
func openInput(env Env, name string) (*capture.Capture, error) {
	if name == "-" {
		return capture.OpenStream(env.Stdin, "stdin", "")
	}
	return capture.Open(name)
}
