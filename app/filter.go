package app

import (
	"context"
	"errors"
	"slices"
	"strings"

	"thingsniff/decode"
	"thingsniff/decode/device"
	"thingsniff/decode/dfilter"
)

// SyntaxError is a filter that cannot be compiled: where (Pos, End: byte
// offsets in the expression) and what was expected there. The UI marks
// it beside the filter box.
type SyntaxError = dfilter.Error

// AsSyntaxError returns the position of a filter's mistake, if err is one.
func AsSyntaxError(err error) (*SyntaxError, bool) {
	var fe *SyntaxError
	ok := errors.As(err, &fe)
	return fe, ok
}

// CompileFilter compiles expr (decode/dfilter's language) for l: device
// names are those learnt by l's timelines so far. Run it off the UI
// goroutine: it may wait for the timelines.
func CompileFilter(l *Loaded, expr string) (*dfilter.Filter, error) {
	opts := dfilter.Options{}
	if l != nil && l.devices != nil && strings.Contains(strings.ToLower(expr), "device") {
		if r := l.DevicesSoFar(); r != nil {
			opts.Device = func(name string) []string { return devicesNamed(r, name) }
		}
	}
	return dfilter.Compile(expr, opts)
}

// devicesNamed returns the keys of the devices one of whose learnt names,
// vendor or key is name (any case).
func devicesNamed(r *device.Report, name string) []string {
	var keys []string
	for _, d := range r.Devices {
		if strings.EqualFold(d.Key, name) || strings.EqualFold(d.Vendor, name) ||
			slices.ContainsFunc(d.Names, func(n string) bool { return strings.EqualFold(n, name) }) {
			keys = append(keys, d.Key)
		}
	}
	return keys
}

// Filter returns the indexes (0-based) of the first n packets of l that
// match expr. Terms answer from the index and the flows where they can;
// a packet's bytes are read (with Store.ReadPacket, by offset) only when
// a term needs them. It stops early with ctx's error when ctx is
// cancelled. Run it off the UI goroutine.
func Filter(ctx context.Context, l *Loaded, expr string, n int) ([]int, error) {
	f, err := CompileFilter(l, expr)
	if err != nil {
		return nil, err
	}
	return FilterWith(ctx, l, f, n)
}

// FilterWith is Filter with a compiled filter.
func FilterWith(ctx context.Context, l *Loaded, f *dfilter.Filter, n int) ([]int, error) {
	n = min(n, l.Index.Len())
	// The engine's flows are read only once the load is done: until then
	// its goroutine changes them, and the matcher reads headers instead.
	var flow func(uint32) *decode.Flow
	select {
	case <-l.finished:
		flow = l.engine.Flow
	default:
	}
	ifaces := l.Interfaces()
	var start int64
	if n > 0 {
		start = l.Index.At(0).Time
	}
	m := f.Matcher()
	var buf []byte
	pkt := dfilter.Packet{Start: start}
	pkt.Read = func() ([]byte, error) {
		b, err := l.Store.ReadPacket(pkt.Index.Offset(), pkt.Index.CapLen, buf)
		buf = b
		return b, err
	}
	var out []int
	for i := 0; i < n; i++ {
		if i&4095 == 0 && ctx.Err() != nil {
			return nil, ctx.Err()
		}
		pkt.Num, pkt.Index, pkt.Flow = i+1, l.Index.At(i), nil
		pkt.DupAck = l.dupAckOf(i, pkt.Index)
		if len(ifaces) <= int(pkt.Index.Iface()) {
			ifaces = l.Interfaces()
		}
		pkt.Link = linkOf(ifaces, pkt.Index.Iface())
		if flow != nil && pkt.Index.Flow != 0 {
			pkt.Flow = flow(pkt.Index.Flow)
		}
		if m.Match(&pkt) {
			out = append(out, i)
		}
	}
	return out, nil
}

// Selection is what a filter selected: packets (0-based indexes, in
// order), and from them the flows and events to show, so that the packet
// list, the flow list and the device timelines agree on one evaluator.
type Selection struct {
	Packets []int
	flows   map[uint32]bool
}

// Select runs expr over l's first n packets (see Filter).
func Select(ctx context.Context, l *Loaded, expr string, n int) (*Selection, error) {
	pk, err := Filter(ctx, l, expr, n)
	if err != nil {
		return nil, err
	}
	s := &Selection{Packets: pk, flows: map[uint32]bool{}}
	for _, i := range pk {
		if id := l.Index.At(i).Flow; id != 0 {
			s.flows[id] = true
		}
	}
	return s, nil
}

// HasFlow reports whether a packet of flow id was selected.
func (s *Selection) HasFlow(id uint32) bool { return s.flows[id] }

// HasPacket reports whether packet number num (1-based) was selected.
func (s *Selection) HasPacket(num uint32) bool {
	_, ok := slices.BinarySearch(s.Packets, int(num)-1)
	return ok
}

// HasEvent reports whether an event told from the given packets (1-based
// numbers) has one selected; an event of no packet passes when its flow
// does.
func (s *Selection) HasEvent(packets []uint32, flow uint32) bool {
	for _, p := range packets {
		if s.HasPacket(p) {
			return true
		}
	}
	return len(packets) == 0 && flow != 0 && s.flows[flow]
}
