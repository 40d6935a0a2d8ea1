package ui

import (
	"context"

	"thingsniff/app"
)

// packetSort is the order the packet list's header asked for.
type packetSort struct {
	col  int // column index, -1 for capture order
	desc bool
}

// arrow is what column col's title gets: ↑ or ↓ on the sorted column.
func (s packetSort) arrow(col int) string { return sortArrow(col, s.col, s.desc) }

// sortArrow is what column col's title gets in a table sorted by column
// sorted (-1 for none): ↑ or ↓ on that column, nothing on the others. The
// packet list, the flows table and the statistics' tables mark their
// order alike.
func sortArrow(col, sorted int, desc bool) string {
	switch {
	case col != sorted:
		return ""
	case desc:
		return " ↓"
	}
	return " ↑"
}

// next is the order after a click on col's title: ascending, then
// descending, then back to capture order, as Wireshark does.
func (s packetSort) next(col int) packetSort {
	switch {
	case col != s.col:
		return packetSort{col: col}
	case !s.desc:
		return packetSort{col: col, desc: true}
	}
	return packetSort{col: -1}
}

// sortBy takes a click on column col's title.
func (p *packetsView) sortBy(col int) {
	p.sort = p.sort.next(col)
	p.table.Refresh() // the arrows
	if p.sort.col < 0 {
		p.cancelSort()
		p.order, p.rowPos = nil, nil
		p.showView()
		return
	}
	p.runSort()
}

// runSort orders the view (the filter's packets, or all readable ones)
// by the chosen column off the UI goroutine: a text column decodes every
// packet, seconds on a million. The rows stay usable meanwhile, in their
// old order; the count says that sorting is under way.
func (p *packetsView) runSort() {
	if p.u.rows == nil {
		return
	}
	p.cancelSort()
	ctx, stop := context.WithCancel(context.Background())
	p.sortStop = stop
	seq, rows, n, view, s := p.sortSeq, p.u.rows, p.n, p.shown, p.sort
	p.count.SetText("Sorting…")
	if p.sortStart != nil {
		p.sortStart()
	}
	p.u.background(func() func() {
		order, err := rows.SortPackets(ctx, view, n, app.SortColumn(s.col), s.desc)
		var pos []int32
		if err == nil {
			pos = make([]int32, n)
			for i := range pos {
				pos[i] = -1
			}
			for row, i := range order {
				pos[i] = int32(row)
			}
		}
		return func() {
			stop()
			if seq != p.sortSeq || p.u.rows != rows {
				return
			}
			p.sortStop = nil
			if err != nil {
				p.u.status.setError("Sort the packets: " + err.Error())
				p.updateCount()
				return
			}
			p.order, p.rowPos, p.sortN = order, pos, n
			p.showView()
			if p.sortDone != nil {
				p.sortDone()
			}
		}
	})
}

// cancelSort stops a sort under way; its result is dropped.
func (p *packetsView) cancelSort() {
	if p.sortStop != nil {
		p.sortStop()
		p.sortStop = nil
	}
	p.sortSeq++
}

// SortPackets sorts the packet list by column col (0 is No.) as clicks on
// its title do, and calls done on the UI goroutine once the sorted rows
// show. The bench drives the window with it.
func (u *UI) SortPackets(col int, desc bool, done func()) {
	p := u.packets
	p.sortDone = func() {
		p.sortDone = nil
		done()
	}
	p.sort = packetSort{col: col, desc: desc}
	p.table.Refresh()
	p.runSort()
}

// ScrollPackets scrolls the packet list dy down from where it is, as a
// mouse wheel does.
func (u *UI) ScrollPackets(dy float32) {
	p := u.packets
	first, _ := p.visibleRows()
	p.scrollTo(max(0, float32(first)*denseRowPitch()+dy))
}
