package capture

import (
	"fmt"
	"os"
	"sync"
)

// Store re-reads packet bytes by offset from the file a Capture walks (the
// original file, or the spool of a gzip file or a stream). It is safe for
// concurrent use: every read is an independent os.File.ReadAt.
type Store struct {
	f     *os.File
	path  string
	spool *spoolFile // nil when the file is the user's own
	once  sync.Once
	err   error
}

func openStore(path string, spool *spoolFile) (*Store, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open packet store %q: %w", path, err)
	}
	return &Store{f: f, path: path, spool: spool}, nil
}

// ReadPacket reads caplen bytes at off. It reuses buf when it is big
// enough, so a caller that keeps its buffer allocates only once.
func (s *Store) ReadPacket(off int64, caplen uint32, buf []byte) ([]byte, error) {
	n := int(caplen)
	if cap(buf) >= n {
		buf = buf[:n]
	} else {
		buf = make([]byte, n)
	}
	m, err := s.f.ReadAt(buf, off)
	if m == n {
		return buf, nil
	}
	return buf[:m], fmt.Errorf("read packet of %d bytes at byte %d of %q: %w", n, off, s.path, err)
}

// ReadAt makes Store an io.ReaderAt over the whole capture, so that "Save"
// can copy a spool even after the Capture that wrote it was closed.
func (s *Store) ReadAt(p []byte, off int64) (int, error) {
	return s.f.ReadAt(p, off)
}

// Path is the file the offsets point into.
func (s *Store) Path() string { return s.path }

// Close closes the file. A spool is removed once both the Store and the
// Capture that wrote it are closed (unless Capture.KeepSpool was called),
// so readers never lose the bytes under them. Calling Close twice is safe.
func (s *Store) Close() error {
	s.once.Do(func() {
		s.err = s.f.Close()
		if s.spool != nil {
			if err := s.spool.release(); err != nil && s.err == nil {
				s.err = err
			}
		}
	})
	return s.err
}

// spoolFile is a temporary file shared by a Capture (which writes it) and
// its Store (which reads it). The last of the two to close removes it.
type spoolFile struct {
	mu   sync.Mutex
	path string
	refs int
	keep bool
}

func (sp *spoolFile) setKeep() {
	sp.mu.Lock()
	sp.keep = true
	sp.mu.Unlock()
}

func (sp *spoolFile) release() error {
	sp.mu.Lock()
	defer sp.mu.Unlock()
	sp.refs--
	if sp.refs > 0 || sp.keep {
		return nil
	}
	if err := os.Remove(sp.path); err != nil && !os.IsNotExist(err) {
		return fmt.Errorf("remove spool %q: %w", sp.path, err)
	}
	return nil
}
