// Command thingsniff-capture is thingsniff's capture helper, the only
// program of thingsniff that may hold capture rights: it opens an
// interface, gives every capability up for good, and writes what it
// captures as pcapng. `make install` grants it cap_net_raw and
// cap_net_admin and lets only the thingsniff group run it; the window and
// `thingsniff capture` start it.
package main

import (
	"os"

	"thingsniff/capture/live"
)

func main() {
	os.Exit(live.Helper(os.Args[1:], os.Stdout, os.Stderr))
}
