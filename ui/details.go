package ui

import (
	"fmt"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"thingsniff/decode"
)

// detailsView is the selected packet's layers as a tree, beside its
// bytes. Choosing a tree line marks its bytes in the hex dump.
type detailsView struct {
	tree  *widget.Tree
	nodes map[widget.TreeNodeID]*decode.Node
	kids  map[widget.TreeNodeID][]widget.TreeNodeID
	hex   *hexView
	where *widget.Label
	hint  *widget.Label
	split *container.Split
	// menu opens a line's context menu at a right click.
	menu func(n *decode.Node, at fyne.Position)

	content fyne.CanvasObject
}

func newDetailsView() *detailsView {
	d := &detailsView{hex: newHexView(), where: widget.NewLabel(""),
		hint: widget.NewLabel("Select a packet to see its layers and bytes.")}
	d.hint.Alignment = fyne.TextAlignCenter
	d.hint.Importance = widget.LowImportance
	d.where.Truncation = fyne.TextTruncateEllipsis
	d.tree = widget.NewTree(d.childUIDs, d.isBranch, d.createNode, d.updateNode)
	d.tree.OnSelected = d.selected
	d.hex.onByte = d.selectByte
	d.clear()
	hexPane := container.NewBorder(nil, d.where, nil, nil, d.hex.grid)
	d.split = container.NewHSplit(container.NewStack(d.tree, container.NewCenter(d.hint)), hexPane)
	d.split.Offset = 0.55
	d.content = d.split
	return d
}

func (d *detailsView) childUIDs(id widget.TreeNodeID) []widget.TreeNodeID { return d.kids[id] }

func (d *detailsView) isBranch(id widget.TreeNodeID) bool { return len(d.kids[id]) > 0 }

func (d *detailsView) createNode(bool) fyne.CanvasObject {
	l := &detailLine{d: d}
	l.Truncation = fyne.TextTruncateEllipsis
	l.ExtendBaseWidget(l)
	return l
}

// detailLine is one line of the details tree: its text, and a right
// click that opens the line's menu (Apply as filter...). Fyne gives a
// click to the topmost object that takes clicks, so the line takes left
// clicks too and selects itself, as the tree's own line does.
type detailLine struct {
	widget.Label
	d  *detailsView
	id widget.TreeNodeID
}

// Tapped selects the line and gives the tree the keyboard.
func (l *detailLine) Tapped(*fyne.PointEvent) {
	l.d.tree.Select(l.id)
	if c := fyne.CurrentApp().Driver().CanvasForObject(l.d.tree); c != nil {
		c.Focus(l.d.tree)
	}
}

// TappedSecondary selects the line and opens its menu.
func (l *detailLine) TappedSecondary(e *fyne.PointEvent) {
	l.d.tree.Select(l.id)
	if n := l.d.nodes[l.id]; n != nil && l.d.menu != nil {
		l.d.menu(n, e.AbsolutePosition)
	}
}

func (d *detailsView) updateNode(id widget.TreeNodeID, branch bool, o fyne.CanvasObject) {
	l := o.(*detailLine)
	l.id = id
	n := d.nodes[id]
	if n == nil {
		l.SetText("")
		return
	}
	l.TextStyle.Bold = branch && !strings.Contains(id, "/")
	l.SetText(n.Title)
}

func (d *detailsView) selected(id widget.TreeNodeID) {
	n := d.nodes[id]
	if n == nil || n.End <= n.Start {
		d.hex.highlight(0, 0)
		d.where.SetText("")
		return
	}
	d.hex.highlight(n.Start, n.End)
	d.where.SetText(fmt.Sprintf("Bytes %d–%d (%s)", n.Start, n.End-1, plural(n.End-n.Start, "byte", "bytes")))
}

// selectByte chooses the line of the tree that describes byte i most
// closely (the deepest whose bytes hold it), as clicking a byte in
// Wireshark's hex pane does.
func (d *detailsView) selectByte(i int) {
	id := d.fieldAt("", i)
	if id == "" {
		return
	}
	for p := parentOf(id); p != ""; p = parentOf(p) {
		d.tree.OpenBranch(p)
	}
	d.tree.Select(id)
	d.tree.ScrollTo(id)
}

// fieldAt returns the deepest node under parent whose byte range holds
// byte i, the first of equals; "" if none does.
func (d *detailsView) fieldAt(parent widget.TreeNodeID, i int) widget.TreeNodeID {
	best := widget.TreeNodeID("")
	for _, id := range d.kids[parent] {
		n := d.nodes[id]
		if n.End <= n.Start || i < n.Start || i >= n.End {
			continue
		}
		if deeper := d.fieldAt(id, i); deeper != "" {
			return deeper
		}
		if best == "" || n.End-n.Start < d.nodes[best].End-d.nodes[best].Start {
			best = id
		}
	}
	return best
}

func parentOf(id widget.TreeNodeID) widget.TreeNodeID {
	if i := strings.LastIndex(id, "/"); i >= 0 {
		return id[:i]
	}
	return ""
}

// show puts one packet's tree and bytes on screen.
func (d *detailsView) show(nodes []decode.Node, data []byte, err error) {
	d.nodes = map[widget.TreeNodeID]*decode.Node{}
	d.kids = map[widget.TreeNodeID][]widget.TreeNodeID{}
	d.tree.UnselectAll()
	if err != nil {
		nodes = []decode.Node{{Title: "Cannot read this packet: " + err.Error()}}
	}
	d.add("", nodes)
	d.hint.Hide()
	d.hex.set(data)
	d.where.SetText(plural(len(data), "byte", "bytes") + " captured")
	d.tree.Refresh()
	// The top line (the frame) and the last layer are what one looks at first.
	if kids := d.kids[""]; len(kids) > 0 {
		d.tree.CloseAllBranches()
		d.tree.OpenBranch(kids[len(kids)-1])
		for _, id := range kids {
			if d.nodes[id].Open {
				d.tree.OpenBranch(id)
			}
		}
		d.tree.ScrollToTop()
	}
}

func (d *detailsView) add(parent widget.TreeNodeID, nodes []decode.Node) {
	ids := make([]widget.TreeNodeID, len(nodes))
	for i := range nodes {
		id := strconv.Itoa(i)
		if parent != "" {
			id = parent + "/" + id
		}
		ids[i] = id
		d.nodes[id] = &nodes[i]
		if len(nodes[i].Children) > 0 {
			d.add(id, nodes[i].Children)
		}
	}
	d.kids[parent] = ids
}

// clear empties the tree and the hex dump.
func (d *detailsView) clear() {
	d.nodes = map[widget.TreeNodeID]*decode.Node{}
	d.kids = map[widget.TreeNodeID][]widget.TreeNodeID{}
	d.tree.UnselectAll()
	d.tree.Refresh()
	d.hex.set(nil)
	d.where.SetText("")
	d.hint.Show()
}
