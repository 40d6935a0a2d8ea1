package stats

import (
	"encoding/csv"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"thingsniff/decode"
)

// Kinds lists the statistics a Result can be shown as, in menu order.
var Kinds = []string{"protocols", "endpoints", "conversations", "dns", "http", "io", "expert"}

// Column is one column of a Table; Numeric columns hold numbers (or ""
// for unknown) and sort as numbers.
type Column struct {
	Name    string
	Numeric bool
}

// Table is one statistic as rows of preformatted cells, the same for the
// headless command, its CSV and the window.
type Table struct {
	Title   string
	Columns []Column
	Rows    [][]string
	// Packets holds, per row, the packet numbers the row stands for
	// where known (a flow's first and last, a request's, an interval's
	// first and last), for the window to go to; nil otherwise.
	Packets [][]uint32
}

// Tables returns the statistic of the given kind (one of Kinds): one
// table, or two for http (hosts, then requests).
func (r *Result) Tables(kind string) ([]*Table, error) {
	switch kind {
	case "protocols":
		return []*Table{r.protocolTable()}, nil
	case "endpoints":
		return []*Table{r.endpointTable()}, nil
	case "conversations":
		return []*Table{r.conversationTable()}, nil
	case "dns":
		return []*Table{r.dnsTable()}, nil
	case "http":
		return []*Table{r.httpHostTable(), r.httpRequestTable()}, nil
	case "io":
		return []*Table{r.ioTable()}, nil
	case "expert":
		return []*Table{r.expertTable()}, nil
	}
	return nil, fmt.Errorf("no statistic %q (one of %s)", kind, strings.Join(Kinds, ", "))
}

func cols(spec ...string) []Column {
	out := make([]Column, len(spec))
	for i, s := range spec {
		name, num := strings.CutPrefix(s, "#")
		out[i] = Column{Name: name, Numeric: num}
	}
	return out
}

// words joins strings a capture sent (names, hosts, addresses), with
// what a terminal or a table would act on escaped.
func words(s []string) string { return decode.Printable(strings.Join(s, " ")) }

func u(n uint64) string { return strconv.FormatUint(n, 10) }

func pct(part, whole uint64) string {
	if whole == 0 {
		return ""
	}
	return strconv.FormatFloat(100*float64(part)/float64(whole), 'f', 1, 64)
}

// rel is t as seconds since the capture's first packet.
func (r *Result) rel(ns int64) string {
	return secs(time.Duration(ns - r.First.UnixNano()))
}

func secs(d time.Duration) string { return strconv.FormatFloat(d.Seconds(), 'f', 6, 64) }

func (r *Result) protocolTable() *Table {
	t := &Table{Title: "Protocol hierarchy", Columns: cols("protocol", "#packets", "#% packets", "#bytes", "#% bytes")}
	var walk func(ns []*Node, depth int)
	walk = func(ns []*Node, depth int) {
		for _, n := range ns {
			t.Rows = append(t.Rows, []string{strings.Repeat("  ", depth) + n.Name, u(n.Count.Packets),
				pct(n.Count.Packets, r.Packets), u(n.Count.Bytes), pct(n.Count.Bytes, r.Bytes)})
			walk(n.Children, depth+1)
		}
	}
	walk(r.Hierarchy, 0)
	return t
}

func (r *Result) endpointTable() *Table {
	t := &Table{Title: "Endpoints", Columns: cols("type", "address", "#packets", "#bytes", "#tx packets", "#tx bytes",
		"#rx packets", "#rx bytes", "#first (s)", "#last (s)", "vendor", "device", "names", "addresses")}
	row := func(kind, addr string, e *Endpoint, vendor, dev string, names, ips []string) {
		tot := e.Total()
		t.Rows = append(t.Rows, []string{kind, addr, u(tot.Packets), u(tot.Bytes), u(e.Tx.Packets), u(e.Tx.Bytes),
			u(e.Rx.Packets), u(e.Rx.Bytes), r.rel(e.First), r.rel(e.Last), vendor, dev,
			words(names), words(ips)})
	}
	for i := range r.MACs {
		m := &r.MACs[i]
		row("eth", m.MAC, &m.Endpoint, m.Vendor, "", m.Names, m.IPs)
	}
	for i := range r.IPs {
		e := &r.IPs[i]
		kind := "ipv6"
		if e.Addr.Is4() {
			kind = "ipv4"
		}
		row(kind, e.Addr.String(), &e.Endpoint, "", e.Device, e.Names, nil)
	}
	return t
}

func (r *Result) conversationTable() *Table {
	t := &Table{Title: "Conversations", Columns: cols("type", "#flow", "a", "b", "#packets a→b", "#bytes a→b",
		"#packets b→a", "#bytes b→a", "#packets", "#bytes", "#start (s)", "#duration (s)", "closed by", "close")}
	for i := range r.Pairs {
		p := &r.Pairs[i]
		kind := "ipv6"
		if p.A.Is4() {
			kind = "ip"
		}
		tot := p.Total()
		t.Rows = append(t.Rows, []string{kind, "", p.A.String(), p.B.String(), u(p.Dir[0].Packets), u(p.Dir[0].Bytes),
			u(p.Dir[1].Packets), u(p.Dir[1].Bytes), u(tot.Packets), u(tot.Bytes), r.rel(p.First),
			secs(time.Duration(p.Last - p.First)), "", ""})
		t.Packets = append(t.Packets, nil)
	}
	for i := range r.Flows {
		f := &r.Flows[i]
		t.Rows = append(t.Rows, []string{strings.ToLower(f.Proto.String()), u(uint64(f.ID)), f.Client.String(), f.Server.String(),
			u(uint64(f.Packets[0])), u(f.Bytes[0]), u(uint64(f.Packets[1])), u(f.Bytes[1]),
			u(uint64(f.TotalPackets())), u(f.TotalBytes()), r.rel(f.First), secs(f.Duration()),
			f.ClosedBy.String(), f.Close.String()})
		t.Packets = append(t.Packets, []uint32{f.FirstPacket, f.LastPacket})
	}
	return t
}

func (r *Result) dnsTable() *Table {
	t := &Table{Title: "DNS names", Columns: cols("name", "protocol", "types", "#queries", "#answered", "rcodes", "answers")}
	for _, n := range r.DNS {
		answers := words(n.Answers)
		if n.MoreAnswers > 0 {
			answers += fmt.Sprintf(" (+%d more)", n.MoreAnswers)
		}
		t.Rows = append(t.Rows, []string{decode.Printable(n.Name), n.Protocol, strings.Join(n.Types, " "), strconv.Itoa(n.Queries),
			strconv.Itoa(n.Answered), strings.Join(n.Rcodes, " "), answers})
	}
	return t
}

func (r *Result) httpHostTable() *Table {
	t := &Table{Title: "HTTP hosts", Columns: cols("host", "#requests", "methods", "statuses")}
	for _, h := range r.HTTPHosts {
		st := make([]string, len(h.Statuses))
		for i, s := range slices.Sorted(slices.Values(h.Statuses)) {
			st[i] = strconv.Itoa(s)
		}
		t.Rows = append(t.Rows, []string{decode.Printable(h.Host), strconv.Itoa(h.Requests), words(h.Methods), strings.Join(st, " ")})
	}
	return t
}

func (r *Result) httpRequestTable() *Table {
	t := &Table{Title: "HTTP requests", Columns: cols("#time (s)", "device", "method", "host", "uri", "#status", "packets")}
	for _, q := range r.HTTPRequests {
		status := ""
		if q.Status != 0 {
			status = strconv.Itoa(q.Status)
		}
		ps := make([]string, len(q.Packets))
		for i, p := range q.Packets {
			ps[i] = strconv.FormatUint(uint64(p), 10)
		}
		t.Rows = append(t.Rows, []string{r.rel(q.Time.UnixNano()), q.Device, decode.Printable(q.Method),
			decode.Printable(q.Host), decode.Printable(q.URI), status, strings.Join(ps, " ")})
		t.Packets = append(t.Packets, q.Packets)
	}
	return t
}

func (r *Result) ioTable() *Table {
	t := &Table{Title: fmt.Sprintf("I/O per %s", r.IO.Interval), Columns: cols("#start (s)", "#packets", "#bytes",
		"#bits/s", "#broadcast+multicast packets", "#broadcast+multicast bytes", "#% broadcast+multicast packets")}
	off := r.IO.Start.Sub(r.First)
	for i, b := range r.IO.Buckets {
		start := off + time.Duration(i)*r.IO.Interval
		bps := float64(b.All.Bytes*8) / r.IO.Interval.Seconds()
		t.Rows = append(t.Rows, []string{secs(start), u(b.All.Packets), u(b.All.Bytes), strconv.FormatFloat(bps, 'f', 0, 64),
			u(b.Cast.Packets), u(b.Cast.Bytes), pct(b.Cast.Packets, b.All.Packets)})
		var ps []uint32
		if b.First != 0 {
			ps = []uint32{b.First, b.Last}
		}
		t.Packets = append(t.Packets, ps)
	}
	return t
}

// WriteText writes t as aligned columns under its title.
func (t *Table) WriteText(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, t.Title)
	names := make([]string, len(t.Columns))
	for i, c := range t.Columns {
		names[i] = c.Name
	}
	fmt.Fprintln(tw, strings.Join(names, "\t"))
	for _, row := range t.Rows {
		fmt.Fprintln(tw, strings.Join(row, "\t"))
	}
	return tw.Flush()
}

// WriteCSV writes t as CSV: a header row of column names, then its rows.
func (t *Table) WriteCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	names := make([]string, len(t.Columns))
	for i, c := range t.Columns {
		names[i] = c.Name
	}
	if err := cw.Write(names); err != nil {
		return fmt.Errorf("write CSV of %s: %w", t.Title, err)
	}
	if err := cw.WriteAll(t.Rows); err != nil {
		return fmt.Errorf("write CSV of %s: %w", t.Title, err)
	}
	return nil
}
