// Command thingsniff is a desktop packet analyzer that tells what the
// devices on a network say. Without a subcommand it opens the window;
// `thingsniff help` lists the headless commands.
package main

import (
	"fmt"
	"os"

	"thingsniff/app/cli"
	"thingsniff/app/plainlocale"
)

func main() {
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
