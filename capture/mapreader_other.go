//go:build !linux

package capture

import "os"

// mapReader is not used outside Linux: files are read.
type mapReader struct{ byteSource }

func newMapReader(*os.File, int64) *mapReader { return nil }
func (*mapReader) returned()                  {}
func (*mapReader) close()                     {}
