package app

import "syscall"

// setDeathSignal makes the helper stop (and flush) when the window dies,
// even by SIGKILL.
func setDeathSignal(a *syscall.SysProcAttr) { a.Pdeathsig = syscall.SIGTERM }
