//go:build linux

package decode

import (
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
)

// wholeLender lends every payload, as a mapped capture file does.
type wholeLender struct{ loans atomic.Int32 }

func (l *wholeLender) Lend([]byte) Loan { l.loans.Add(1); return wholeLoan{l} }

type wholeLoan struct{ l *wholeLender }

func (wholeLoan) Holds([]byte) bool { return true }
func (w wholeLoan) Return()         { w.l.loans.Add(-1) }

// TestAsyncStopsWhenALentPayloadIsGone lends the observer payloads that
// lie in a mapped file, and shortens the file before the observer reads
// them: the observer stops with an error instead of the program dying,
// earlier packets were seen, and every loan comes back.
func TestAsyncStopsWhenALentPayloadIsGone(t *testing.T) {
	path := filepath.Join(t.TempDir(), "payloads")
	if err := os.WriteFile(path, []byte(strings.Repeat("x", 3*4096)), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	mapped, err := syscall.Mmap(int(f.Fd()), 0, 3*4096, syscall.PROT_READ, syscall.MAP_SHARED)
	if err != nil {
		t.Skip("cannot map a file here:", err)
	}
	defer syscall.Munmap(mapped)

	r := &recorder{}
	lender := &wholeLender{}
	async := NewAsync(r, nil)
	async.LendFrom(lender)
	e := NewEngine(async)
	frame := unhex(t, packetCases[3].hex) // the UDP DNS query
	e.Add(frame, packetCases[3].link, Meta{})
	async.Flush()
	async.Call(func(Observer) {}) // the first packet is seen before the cut
	if err := os.Truncate(path, 4096); err != nil {
		t.Fatal(err)
	}
	// A packet whose payload lies in the page the file lost.
	p := e.Last()
	p.Payload = mapped[2*4096 : 2*4096+4]
	async.Observe(p, e.Flow(p.Flow))
	async.Close()
	if async.Err() == nil {
		t.Fatal("the observer read a payload its file lost, and no error says so")
	}
	if len(r.seen) != 1 {
		t.Errorf("the observer saw %d packets, want the one before the cut", len(r.seen))
	}
	if n := lender.loans.Load(); n != 0 {
		t.Errorf("%d loans not returned", n)
	}
}
