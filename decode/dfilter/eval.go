package dfilter

import (
	"strings"

	"thingsniff/decode"
)

// node is one part of a compiled filter.
type node interface {
	eval(r *record) bool
}

type always struct{}

func (always) eval(*record) bool { return true }

type andNode struct{ a, b node }

func (n andNode) eval(r *record) bool { return n.a.eval(r) && n.b.eval(r) }

type orNode struct{ a, b node }

func (n orNode) eval(r *record) bool { return n.a.eval(r) || n.b.eval(r) }

type notNode struct{ x node }

func (n notNode) eval(r *record) bool { return !n.x.eval(r) }

// presentNode holds when the field occurs in the packet.
type presentNode struct{ f *Field }

func (n presentNode) eval(r *record) bool {
	r.vals = n.f.get(r, r.vals[:0])
	return len(r.vals) > 0
}

// cmpNode holds when an occurrence of the field passes pred, or, with
// allNot (the != operator), when the field occurs and none passes.
type cmpNode struct {
	f      *Field
	pred   func(Value) bool
	allNot bool
}

func (n cmpNode) eval(r *record) bool {
	r.vals = n.f.get(r, r.vals[:0])
	for _, v := range r.vals {
		if n.pred(v) {
			return !n.allNot
		}
	}
	return n.allNot && len(r.vals) > 0
}

// textNode is a free word, found in the packet's row and decoded names.
type textNode struct{ s string }

func (n textNode) eval(r *record) bool { return strings.Contains(r.text(), n.s) }

// framesNode is the short form `frame 19,21-30`.
type framesNode struct{ ranges [][2]int }

func (n framesNode) eval(r *record) bool {
	for _, rg := range n.ranges {
		if r.p.Num >= rg[0] && r.p.Num <= rg[1] {
			return true
		}
	}
	return false
}

// castNode is the short form `broadcast` or `multicast`.
type castNode struct{ broadcast bool }

func (n castNode) eval(r *record) bool {
	if n.broadcast {
		return r.p.Index.Flags.Has(decode.FlagBroadcast)
	}
	return r.p.Index.Flags.Has(decode.FlagMulticast)
}
