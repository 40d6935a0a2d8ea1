package live

import (
	"errors"
	"fmt"
	"syscall"

	"kernel.org/pub/linux/libs/security/libcap/cap"
	"kernel.org/pub/linux/libs/security/libcap/psx"
)

// prctl options (linux/prctl.h).
const (
	prSetPdeathsig  = 1
	prSetNoNewPrivs = 38
)

// DropPrivileges gives up every capability of every thread of the
// process (a Go program's threads each hold their own): effective,
// permitted, inheritable and ambient. The bounding set is left alone, so
// that the process can still start the capture helper, whose own file
// grants it what it needs. Every program that parses captures calls it
// first, whatever it was started with.
func DropPrivileges() error {
	if err := cap.NewSet().SetProc(); err != nil {
		return fmt.Errorf("drop capabilities: %w", err)
	}
	// Kernels before 4.3 have no ambient capabilities to clear.
	if err := cap.ResetAmbient(); err != nil && !errors.Is(err, syscall.EINVAL) {
		return fmt.Errorf("drop ambient capabilities: %w", err)
	}
	return nil
}

// Confine gives up every capability for good: DropPrivileges, and no
// program this process starts may gain any (no_new_privs). The capture
// helper calls it once its interface is open.
func Confine() error {
	if err := DropPrivileges(); err != nil {
		return err
	}
	if _, _, e := psx.Syscall6(syscall.SYS_PRCTL, prSetNoNewPrivs, 1, 0, 0, 0, 0); e != 0 {
		return fmt.Errorf("set no_new_privs: %w", e)
	}
	return nil
}

// stopWithParent makes the helper get SIGTERM (and so flush and end) when
// the process that started it dies, even by SIGKILL. The starter cannot
// ask for it: starting a file that grants capabilities clears the
// request.
func stopWithParent() error {
	if _, _, e := psx.Syscall6(syscall.SYS_PRCTL, prSetPdeathsig, uintptr(syscall.SIGTERM), 0, 0, 0, 0); e != 0 {
		return fmt.Errorf("ask for a signal when the window ends: %w", e)
	}
	return nil
}
