package loadtest

import (
	"errors"

	"golang.org/x/sys/unix"
)

func asErrno(err error, e *unix.Errno) bool { return errors.As(err, e) }
