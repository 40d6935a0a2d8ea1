//go:build !windows && !linux

package app

import "syscall"

// setDeathSignal: without Pdeathsig, a helper whose window died stops at
// its next write to the closed pipe.
func setDeathSignal(*syscall.SysProcAttr) {}
