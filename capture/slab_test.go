package capture

import (
	"bytes"
	"io"
	"math/rand/v2"
	"testing"
	"testing/iotest"
)

// TestSlabReaderLendsWithoutLosingBytes reads records of random sizes
// through a small slab reader, lending some and returning them later:
// every record, lent or not, must read as written, and a lent one must
// still do so after the reader has moved on.
func TestSlabReaderLendsWithoutLosingBytes(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	data := make([]byte, 200_000)
	for i := range data {
		data[i] = byte(rng.IntN(256))
	}
	for _, name := range []string{"whole reads", "one byte at a time"} {
		var src io.Reader = bytes.NewReader(data)
		if name == "one byte at a time" {
			src = iotest.OneByteReader(src)
		}
		s := newSlabReader(src, 256)
		type loan struct {
			slab *Slab
			b    []byte
			off  int
		}
		var loans []loan
		off, slabs := 0, map[*Slab]bool{}
		for off < len(data) {
			n := 1 + rng.IntN(200)
			b, err := s.Peek(n)
			if off+n > len(data) {
				if err != io.EOF || len(b) != len(data)-off {
					t.Fatalf("%s: peek %d at %d of %d: %d bytes, %v", name, n, off, len(data), len(b), err)
				}
				break
			}
			if err != nil || !bytes.Equal(b, data[off:off+n]) {
				t.Fatalf("%s: record at %d reads wrong (%v)", name, off, err)
			}
			if rng.IntN(3) == 0 {
				sl := s.lend(b)
				if sl == nil || !sl.Holds(b) {
					t.Fatalf("%s: a record in the buffer was not lent", name)
				}
				loans = append(loans, loan{sl, b, off})
			}
			s.Discard(n)
			off += n
			slabs[s.cur] = true
			// Return the older loans now and then, as the other goroutine would.
			for len(loans) > 8 {
				l := loans[0]
				if !bytes.Equal(l.b, data[l.off:l.off+len(l.b)]) {
					t.Fatalf("%s: lent record at %d was overwritten", name, l.off)
				}
				l.slab.Return()
				loans = loans[1:]
			}
		}
		// Loans outstanding at once are few, so the slabs are reused.
		if len(slabs) > 12 {
			t.Errorf("%s: %d slabs used for at most 9 loans at a time", name, len(slabs))
		}
		if s.lend(make([]byte, 10)) != nil {
			t.Errorf("%s: bytes from elsewhere were lent", name)
		}
	}
}

// TestSlabReaderReadsRecordsLargerThanASlab checks the Read path used for
// records too large for the buffer.
func TestSlabReaderReadsRecordsLargerThanASlab(t *testing.T) {
	data := bytes.Repeat([]byte("0123456789"), 100)
	s := newSlabReader(bytes.NewReader(data), 64)
	if b, err := s.Peek(10); err != nil || string(b) != "0123456789" {
		t.Fatalf("peek: %q %v", b, err)
	}
	got, err := io.ReadAll(s)
	if err != nil || !bytes.Equal(got, data) {
		t.Fatalf("read %d of %d bytes: %v", len(got), len(data), err)
	}
	if _, err := s.Peek(1); err != io.EOF {
		t.Fatalf("after the end: %v", err)
	}
}
