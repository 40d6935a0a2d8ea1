package loadtest

import (
	"context"
	"fmt"
	"net"
	"net/netip"
	"os"
	"runtime"
	"time"

	"golang.org/x/sys/unix"
)

// Generator sends UDP datagrams from a socket made inside a network
// namespace, at a bounded rate: the load for rate tests of live capture.
type Generator struct {
	conn    *net.UDPConn
	dst     netip.AddrPort
	payload []byte
}

// NewGenerator opens a UDP socket inside the named network namespace (as
// `ip netns` names it, /run/netns/NAME) aimed at dst, sending datagrams
// of size payload bytes.
func NewGenerator(netns string, dst netip.AddrPort, size int) (*Generator, error) {
	conn, err := listenInNetns(netns)
	if err != nil {
		return nil, fmt.Errorf("start UDP generator in %q: %w", netns, err)
	}
	return &Generator{conn: conn, dst: dst, payload: make([]byte, size)}, nil
}

// listenInNetns switches one locked OS thread into the namespace, makes the
// socket there (a socket stays in the namespace it was made in) and
// switches back. If switching back fails the thread stays locked, so the
// runtime ends it instead of reusing it.
func listenInNetns(netns string) (*net.UDPConn, error) {
	runtime.LockOSThread()
	self, err := os.Open(fmt.Sprintf("/proc/self/task/%d/ns/net", unix.Gettid()))
	if err != nil {
		runtime.UnlockOSThread()
		return nil, err
	}
	defer self.Close()
	target, err := os.Open("/run/netns/" + netns)
	if err != nil {
		runtime.UnlockOSThread()
		return nil, err
	}
	defer target.Close()
	if err := unix.Setns(int(target.Fd()), unix.CLONE_NEWNET); err != nil {
		runtime.UnlockOSThread()
		return nil, fmt.Errorf("enter network namespace: %w", err)
	}
	// Unconnected, so an ICMP port unreachable from the target does not
	// fail the next send.
	conn, dialErr := net.ListenUDP("udp4", nil)
	if err := unix.Setns(int(self.Fd()), unix.CLONE_NEWNET); err != nil {
		if conn != nil {
			conn.Close()
		}
		return nil, fmt.Errorf("leave network namespace: %w", err)
	}
	runtime.UnlockOSThread()
	return conn, dialErr
}

// Send sends datagrams at rate per second for d (or until count
// datagrams when count > 0, or until ctx ends) and returns how many the
// kernel accepted. Each datagram starts with its sequence number.
func (g *Generator) Send(ctx context.Context, rate int, d time.Duration, count uint64) (uint64, error) {
	if rate <= 0 {
		return 0, fmt.Errorf("send: rate %d is not positive", rate)
	}
	start := time.Now()
	var sent, seq uint64
	for {
		if ctx.Err() != nil {
			return sent, nil
		}
		el := time.Since(start)
		if d > 0 && el >= d {
			return sent, nil
		}
		// Catch up to where the rate says we should be, then nap: a
		// steady rate without a syscall-per-packet timer.
		due := uint64(el.Seconds() * float64(rate))
		for seq < due+1 {
			if count > 0 && seq >= count {
				return sent, nil
			}
			if len(g.payload) >= 8 {
				for i := range 8 {
					g.payload[i] = byte(seq >> (56 - 8*i))
				}
			}
			seq++
			if _, err := g.conn.WriteToUDPAddrPort(g.payload, g.dst); err == nil {
				sent++
			} else if !isBackpressure(err) {
				return sent, fmt.Errorf("send datagram %d: %w", seq, err)
			}
		}
		time.Sleep(200 * time.Microsecond)
	}
}

// isBackpressure is a full socket buffer or an unresolved neighbour: the
// datagram was not offered, and the next one may be.
func isBackpressure(err error) bool {
	var errno unix.Errno
	if ok := asErrno(err, &errno); ok {
		return errno == unix.ENOBUFS || errno == unix.EAGAIN || errno == unix.EHOSTUNREACH
	}
	return false
}

// Close closes the socket.
func (g *Generator) Close() error { return g.conn.Close() }
