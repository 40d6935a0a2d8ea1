// Command thingsniff is a desktop packet analyzer that tells what the
// devices on a network say. Without a subcommand it opens the window;
// `thingsniff help` lists the headless commands.
package main

import (
	"fmt"
	"os"

	"thingsniff/app"
	"thingsniff/app/cli"
	"thingsniff/app/plainlocale"
)

func main() {
	// Before anything reads a byte of a capture: this process holds no
	// capability, whatever file it was started from (only the capture
	// helper may capture).
	if err := app.DropPrivileges(); err != nil {
		fmt.Fprintln(os.Stderr, "thingsniff: cannot run with the capabilities it was given:", err)
		os.Exit(1)
	}
	plainlocale.Restore()
	args := os.Args[1:]
	if len(args) > 0 {
		switch args[0] {
		case "help", "-h", "--help":
			cli.Help(os.Stdout)
			return
		}
		if _, ok := cli.Lookup(args[0]); ok {
			os.Exit(cli.Run(args[0], cli.Env{Args: args[1:], Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr}))
		}
	}
	if err := runWindow(args); err != nil {
		fmt.Fprintln(os.Stderr, "thingsniff:", err)
		os.Exit(1)
	}
}
