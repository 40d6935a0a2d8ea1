package app

import (
	"github.com/gopacket/gopacket/layers"

	"thingsniff/capture/live"
)

// The window names what live capture shows through app, never through
// capture/live: ARCHITECTURE.md lets ui import app and decode's value
// types only, so the types below are aliases (values pass unchanged
// between ui, app and the capture helper) and the functions thin calls.

// Interface is one network interface libpcap can capture on, with its
// addresses and flags.
type Interface = live.Interface

// InterfaceCounters are an interface's packet counters since it came up,
// as the kernel keeps them.
type InterfaceCounters = live.Counters

// LiveStats are the counters the capture helper reports while it runs
// (received, dropped by the kernel and by the interface, written).
type LiveStats = live.Stats

// PermissionError says that the capture helper may not capture on an
// interface, and the one command that grants it the privileges.
type PermissionError = live.PermissionError

// FilterError is a capture filter that libpcap refused, with its message
// and where in the filter the fault lies.
type FilterError = live.FilterError

// Interfaces lists the interfaces libpcap can capture on; listing needs
// no capture privileges.
func Interfaces() ([]Interface, error) { return live.Interfaces() }

// SampleInterfaces reads every interface's packet counters; the window
// diffs successive samples to draw each interface's activity. The map is
// empty where the system keeps no such counters.
func SampleInterfaces() map[string]InterfaceCounters { return live.Sample() }

// FixCommand is the command that lets this program capture without
// being root, for a PermissionError that names none.
func FixCommand() string { return live.FixCommand() }

// CheckFilter compiles a capture filter (tcpdump syntax) for link
// without opening an interface, so that a bad filter is refused as it is
// typed; the error is a *FilterError when libpcap refuses it.
func CheckFilter(filter string, link layers.LinkType) error {
	return live.CheckFilter(filter, link)
}

// DropPrivileges gives up every capability the process was started with,
// on all its threads, keeping none: the window and the headless commands
// parse captures from strangers and need no right the user lacks (only
// the capture helper captures). It leaves the process able to start the
// helper, whose own file grants it what it needs.
func DropPrivileges() error { return live.DropPrivileges() }
