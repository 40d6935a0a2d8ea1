//go:build !windows

package app

import (
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
)

// interruptHelper asks the helper to stop as Ctrl-C would: it flushes
// and exits.
func interruptHelper(p *os.Process) error { return p.Signal(os.Interrupt) }

// openFiles lists the files that running processes hold open, as far as
// /proc shows them (only Linux has it; elsewhere nothing is known open).
func openFiles() map[string]bool {
	open := map[string]bool{}
	fds, _ := filepath.Glob("/proc/[0-9]*/fd/*")
	for _, fd := range fds {
		if target, err := os.Readlink(fd); err == nil && filepath.IsAbs(target) {
			open[target] = true
		}
	}
	return open
}

// setHelperAttrs puts the helper in its own process group, so a Ctrl-C
// in the window's terminal reaches only the window, which then stops the
// helper in order.
func setHelperAttrs(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	setDeathSignal(cmd.SysProcAttr)
}
