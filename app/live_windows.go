package app

import (
	"os"
	"os/exec"
)

// interruptHelper: Windows cannot deliver an interrupt to another
// process, so the helper is killed; it flushes at least every second.
func interruptHelper(p *os.Process) error { return p.Kill() }

// openFiles cannot tell which files are open on Windows; an open spool
// cannot be deleted there anyway.
func openFiles() map[string]bool { return map[string]bool{} }

func setHelperAttrs(*exec.Cmd) {}
