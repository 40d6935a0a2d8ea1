//go:build !linux

package loadtest

import (
	"context"
	"errors"
	"net/netip"
	"time"
)

// Generator sends UDP load from a network namespace; only Linux has them.
type Generator struct{}

// NewGenerator fails outside Linux: there are no network namespaces.
func NewGenerator(netns string, dst netip.AddrPort, size int) (*Generator, error) {
	return nil, errors.New("start UDP generator: network namespaces need Linux")
}

// Send sends nothing outside Linux.
func (g *Generator) Send(ctx context.Context, rate int, d time.Duration, count uint64) (uint64, error) {
	return 0, errors.New("send: network namespaces need Linux")
}

// Close does nothing.
func (g *Generator) Close() error { return nil }
