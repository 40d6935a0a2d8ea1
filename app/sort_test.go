package app

import (
	"cmp"
	"context"
	"net/netip"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// displayedCompare compares two formatted rows by a column as a reader of
// the list would: numbers as numbers, IP addresses by value and before
// other text, the rest as text.
func displayedCompare(a, b Row, col SortColumn) int {
	num := func(s string) float64 { v, _ := strconv.ParseFloat(s, 64); return v }
	addr := func(x, y string) int {
		ax, ex := netip.ParseAddr(x)
		ay, ey := netip.ParseAddr(y)
		switch {
		case ex == nil && ey == nil:
			return ax.Unmap().Compare(ay.Unmap())
		case ex == nil:
			return -1
		case ey == nil:
			return 1
		}
		return strings.Compare(x, y)
	}
	switch col {
	case SortNo:
		return cmp.Compare(num(a.No), num(b.No))
	case SortTime:
		return cmp.Compare(num(a.Time), num(b.Time))
	case SortLength:
		return cmp.Compare(num(a.Length), num(b.Length))
	case SortSource:
		return addr(a.Source, b.Source)
	case SortDestination:
		return addr(a.Destination, b.Destination)
	case SortProtocol:
		return strings.Compare(a.Protocol, b.Protocol)
	}
	return strings.Compare(a.Info, b.Info)
}

// TestSortPacketsByEveryColumn sorts a real capture (an IoT device's
// setup: ARP, DHCP, DNS, TCP, IPv6, names and MACs as addresses) by each
// column both ways, all packets and a filter's, and checks each result
// against the rows as formatted for the list: every packet once, keys in
// order, ties in capture order (reversed when descending).
func TestSortPacketsByEveryColumn(t *testing.T) {
	path := filepath.Join(corpusDir(t), "iot-sentinel/captures_IoT_Sentinel/captures_IoT-Sentinel/HueBridge/Setup-A-1-STA.pcap")
	if _, err := os.Stat(path); err != nil {
		t.Skip(err)
	}
	l, batches := openAndWait(t, path)
	rows := NewRows(l)
	for _, b := range batches {
		for _, f := range b.Flows {
			rows.SetFlow(f)
		}
	}
	n := l.Index.Len()
	all := make([]Row, n)
	for i := range all {
		all[i] = rows.Row(i)
	}
	filtered, err := Filter(context.Background(), l, "tcp", n)
	if err != nil || len(filtered) == 0 || len(filtered) == n {
		t.Fatalf("filter tcp: %d of %d packets, %v", len(filtered), n, err)
	}
	for _, view := range [][]int{nil, filtered} {
		want := n
		if view != nil {
			want = len(view)
		}
		for col := SortNo; col <= SortInfo; col++ {
			for _, desc := range []bool{false, true} {
				got, err := rows.SortPackets(context.Background(), view, n, col, desc)
				if err != nil {
					t.Fatal(err)
				}
				if len(got) != want {
					t.Fatalf("column %d desc %v: %d packets, want %d", col, desc, len(got), want)
				}
				seen := map[int]bool{}
				for k, i := range got {
					if seen[i] {
						t.Fatalf("column %d: packet %d twice", col, i+1)
					}
					seen[i] = true
					if k == 0 {
						continue
					}
					p := got[k-1]
					c := displayedCompare(all[p], all[i], col)
					tie := cmp.Compare(p, i)
					if desc {
						c, tie = -c, -tie
					}
					if c > 0 || (c == 0 && tie > 0 && len(all[i].Info) < sortKeyMax) {
						t.Fatalf("column %d desc %v: packet %d (%q) before %d (%q)", col, desc, p+1, all[p].Info, i+1, all[i].Info)
					}
				}
				for _, i := range view {
					if !seen[i] {
						t.Fatalf("column %d: filtered packet %d missing", col, i+1)
					}
				}
			}
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := rows.SortPackets(ctx, nil, n, SortInfo, false); err == nil {
		t.Error("a cancelled sort returned a result")
	}
}
