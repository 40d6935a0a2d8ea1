package ui

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"thingsniff/app"
	"thingsniff/decode"
)

// openRowMenu opens the selected packet's context menu at a right click.
func (p *packetsView) openRowMenu(at fyne.Position) {
	if m := p.rowMenu(p.selected); m != nil {
		widget.ShowPopUpMenuAtPosition(m, p.u.win.Canvas(), at)
	}
}

// rowMenu is packet i's context menu, as Wireshark's: follow its stream,
// filter on its conversation, hide it, filter on its source or its
// destination, copy its row or its conversation's filter. Nil when no
// packet is chosen.
func (p *packetsView) rowMenu(i int) *fyne.Menu {
	if i < 0 || p.u.rows == nil || i >= p.n {
		return nil
	}
	pf, err := p.u.rows.Filters(i)
	if err != nil {
		p.u.status.setError(err.Error())
		return nil
	}
	filterItem := func(label, expr string) *fyne.MenuItem {
		m := fyne.NewMenuItemWithIcon(label, theme.SearchIcon(), func() { p.setFilter(expr) })
		m.Disabled = expr == ""
		return m
	}
	hide := ""
	if pf.Conversation != "" {
		hide = "!(" + pf.Conversation + ")"
		if p.expr != "" {
			hide = "(" + p.expr + ") && " + hide
		}
	}
	follow := fyne.NewMenuItemWithIcon("Follow stream", theme.MailForwardIcon(), p.u.followSelected)
	follow.Disabled = !p.u.canFollow(p.u.loaded.Index.At(i).Flow)
	copyFilter := fyne.NewMenuItemWithIcon("Copy the conversation's filter", theme.ContentCopyIcon(), func() {
		p.u.app.Clipboard().SetContent(pf.Conversation)
	})
	copyFilter.Disabled = pf.Conversation == ""
	return fyne.NewMenu("",
		follow,
		fyne.NewMenuItemSeparator(),
		filterItem("Filter on this conversation", pf.Conversation),
		filterItem("Hide this conversation", hide),
		filterItem("Filter on its source", pf.Source),
		filterItem("Filter on its destination", pf.Destination),
		fyne.NewMenuItemSeparator(),
		fyne.NewMenuItemWithIcon("Copy the row", theme.ContentCopyIcon(), func() {
			p.u.app.Clipboard().SetContent(rowText(p.u.rows.Row(i)))
		}),
		copyFilter,
	)
}

// rowText is a packet-list row as tab-separated text, its columns in
// the list's order.
func rowText(r app.Row) string {
	cols := make([]string, 0, int(app.SortInfo)+1)
	for c := app.SortNo; c <= app.SortInfo; c++ {
		cols = append(cols, r.Text(c))
	}
	return strings.Join(cols, "\t")
}

// openLineMenu opens the menu of a line of the details at a right click:
// Wireshark's Apply as Filter and Prepare as Filter with the line's
// filter, and copying the line.
func (p *packetsView) openLineMenu(n *decode.Node, at fyne.Position) {
	widget.ShowPopUpMenuAtPosition(p.lineMenu(n), p.u.win.Canvas(), at)
}

// lineMenu is a details line's menu; the filter items are disabled on
// a line no filter field holds.
func (p *packetsView) lineMenu(n *decode.Node) *fyne.Menu {
	f := n.Filter
	with := func(join string) string {
		if p.expr == "" {
			return f
		}
		return "(" + p.expr + ") " + join + " " + f
	}
	apply := func(label, expr string) *fyne.MenuItem {
		m := fyne.NewMenuItemWithIcon(label, theme.SearchIcon(), func() { p.setFilter(expr) })
		m.Disabled = f == ""
		return m
	}
	prepare := fyne.NewMenuItemWithIcon("Prepare as filter", theme.DocumentCreateIcon(), func() {
		p.filter.SetText(f)
		p.u.win.Canvas().Focus(p.bar.entry)
	})
	prepare.Disabled = f == ""
	items := []*fyne.MenuItem{
		apply("Apply as filter", f),
		apply("Apply as filter: not this", "!("+f+")"),
		apply("Add to the filter (and)", with("&&")),
		apply("Add to the filter (or)", with("||")),
		prepare,
		fyne.NewMenuItemSeparator(),
		fyne.NewMenuItemWithIcon("Copy the line", theme.ContentCopyIcon(), func() { p.u.app.Clipboard().SetContent(n.Title) }),
	}
	if f != "" {
		items = append(items, fyne.NewMenuItemWithIcon("Copy the filter", theme.ContentCopyIcon(), func() { p.u.app.Clipboard().SetContent(f) }))
	}
	return fyne.NewMenu("", items...)
}

// exportRowsDialog is File → Export packet list: asks where to write
// the rows on show (see exportRowsTo).
func (u *UI) exportRowsDialog() {
	l := u.loaded
	if l == nil || u.rows == nil {
		u.status.setMessage("Open a capture first.")
		return
	}
	base := strings.TrimSuffix(filepath.Base(l.Name), filepath.Ext(l.Name))
	u.saveFileDialog(base+".csv", []string{".csv", ".txt"}, u.exportRowsTo).Show()
}

// exportRowsTo writes the rows on show, as filtered and sorted, with the
// Time column's format, to path as CSV (or text for another name), in
// the background with its progress in the status bar.
func (u *UI) exportRowsTo(path string) {
	rows, p := u.rows, u.packets
	if rows == nil {
		return
	}
	view, shown, n := p.view(), p.shown, p.n
	count := n
	if view != nil {
		count = len(view)
	}
	u.status.setMessage("Exporting the packet list…")
	u.background(func() func() {
		err := rows.ExportRows(context.Background(), path, view, shown, n, func(done, total int) {
			u.dispatch(func() { u.status.setMessage(fmt.Sprintf("Exporting the packet list… %d%%", done*100/max(total, 1))) })
		})
		return func() {
			if err != nil {
				u.showError(err)
				return
			}
			u.status.setMessage(fmt.Sprintf("Exported %s to %s.", plural(count, "row", "rows"), path))
		}
	})
}
