package app

import (
	"cmp"
	"context"
	"fmt"
	"net/netip"
	"runtime"
	"slices"
	"strings"

	"thingsniff/decode"
)

// SortColumn is a packet-list column that the list can be sorted by.
type SortColumn int

// The packet-list columns, in the order the list shows them.
const (
	SortNo SortColumn = iota
	SortTime
	SortSource
	SortDestination
	SortProtocol
	SortLength
	SortInfo
)

// sortKeyMax caps the bytes of a text column kept as a sort key: a
// million Info texts in full would cost far more than the index.
// Rows that agree on this many bytes keep packet order.
const sortKeyMax = 96

// SortPackets returns the packets of a view (view's packet indexes, or the
// first n packets when view is nil) ordered by col, descending when desc;
// packets with equal keys keep capture order. It runs on the calling
// goroutine, which must not be the UI's: a text column decodes and
// formats every packet of the view with a formatter of its own and the
// flows recorded so far (SetFlow). ctx stops it.
func (r *Rows) SortPackets(ctx context.Context, view []int, n int, col SortColumn, desc bool) ([]int, error) {
	n = min(n, r.l.Index.Len())
	order := view
	if order == nil {
		order = make([]int, n)
		for i := range order {
			order[i] = i
		}
	} else {
		order = slices.Clone(order)
	}
	var cmpFn func(a, b int) int
	switch col {
	case SortNo:
		cmpFn = func(a, b int) int { return cmp.Compare(order[a], order[b]) }
	case SortTime:
		// By what the column shows: a delta format sorts by the gap
		// before each packet, the way to find the longest silences.
		env := r.workerEnv(view)
		keys := make([]int64, len(order))
		for k, i := range order {
			keys[k] = env.timeFmt.SortKey(env.times(i, r.l.Index.At(i).Time))
		}
		cmpFn = func(a, b int) int { return cmp.Compare(keys[a], keys[b]) }
	case SortLength:
		cmpFn = func(a, b int) int { return cmp.Compare(r.l.Index.At(order[a]).OrigLen, r.l.Index.At(order[b]).OrigLen) }
	case SortSource, SortDestination, SortProtocol, SortInfo:
		keys, err := r.textKeys(ctx, order, col)
		if err != nil {
			return nil, err
		}
		cmpFn = func(a, b int) int { return strings.Compare(keys[a], keys[b]) }
	default:
		return nil, fmt.Errorf("sort packets: no column %d", col)
	}
	// Sort positions into order, so that keys stay indexed by position.
	pos := make([]int32, len(order))
	for k := range pos {
		pos[k] = int32(k)
	}
	calls := 0
	var cancelled error
	slices.SortStableFunc(pos, func(a, b int32) int {
		if calls++; calls&(1<<16-1) == 0 && cancelled == nil {
			cancelled = ctx.Err()
		}
		if cancelled != nil {
			return 0
		}
		return cmpFn(int(a), int(b))
	})
	if cancelled != nil {
		return nil, cancelled
	}
	out := make([]int, len(order))
	for k, p := range pos {
		out[k] = order[p]
	}
	if desc {
		slices.Reverse(out)
	}
	return out, nil
}

// workerEnv copies what formatting needs, for a goroutine other than
// the UI's; shown is the view's packets in capture order (nil for all).
func (r *Rows) workerEnv(shown []int) *rowEnv {
	r.mu.RLock()
	defer r.mu.RUnlock()
	env := &rowEnv{l: r.l, ifaces: r.ifaces, flows: make(map[uint32]decode.Flow, len(r.flows)),
		timeFmt: r.timeFmt, multiDay: r.multiDay, shown: shown}
	for id, f := range r.flows {
		env.flows[id] = f
	}
	return env
}

// textKeys formats the column col of every packet of order, cut to
// sortKeyMax bytes.
func (r *Rows) textKeys(ctx context.Context, order []int, col SortColumn) ([]string, error) {
	env := r.workerEnv(nil)
	f := newRowFormatter(r.l, &r.decoded)
	keys := make([]string, len(order))
	for k, i := range order {
		if k&255 == 0 {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			// Let the UI goroutine at a processor between short stretches:
			// it must draw while a million rows are formatted here.
			runtime.Gosched()
		}
		row := safeRow(f, i, env)
		s := row.Text(col)
		if col == SortSource || col == SortDestination {
			s = addrKey(s)
		}
		if len(s) > sortKeyMax {
			s = strings.Clone(s[:sortKeyMax])
		}
		keys[k] = s
	}
	return keys, nil
}

// addrKey makes an address column sort as addresses do: IPv4 by value
// (10.0.0.9 before 10.0.0.10), then IPv6, then any other text (MACs,
// names).
func addrKey(s string) string {
	a, err := netip.ParseAddr(s)
	switch {
	case err != nil:
		return "\x02" + s
	case a.Is4():
		b := a.As4()
		return "\x00" + string(b[:])
	}
	b := a.As16()
	return "\x01" + string(b[:])
}
