package app

import (
	"context"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"thingsniff/capture/synth"
	"thingsniff/decode"
	"thingsniff/decode/decodetest"
)

// TestDetailFiltersSelectTheirPacket runs the filter that each line of
// each packet's details offers (Apply as filter): it compiles and selects
// its packet. A generated mix always; the corpus's captures when it is
// beside the repository (an HTTP message's filter may select the later
// packet that completes the message). Each filter field is tried on at most a few
// dozen values, so that unique values (IDs, sequence numbers) stay cheap.
func TestDetailFiltersSelectTheirPacket(t *testing.T) {
	fields := map[string]int{}
	checkDetailFilters(t, mixFile(t, synth.Options{Packets: 3000, Seed: 4}), fields)
	t.Run("corpus", func(t *testing.T) {
		if testing.Short() {
			t.Skip("-short: the corpus is left out")
		}
		for _, path := range decodetest.CorpusCaptures(t) {
			checkDetailFilters(t, path, fields)
		}
	})
	t.Logf("filters tried by field: %v", fields)
	for _, want := range []string{"frame.number", "eth.src", "ip.src", "ip.ttl", "tcp.srcport", "tcp.seq", "tcp.flags.syn", "udp.dstport", "dns.qry.name", "flow"} {
		if fields[want] == 0 {
			t.Errorf("no line offered a filter on %s", want)
		}
	}
}

func checkDetailFilters(t *testing.T, path string, fields map[string]int) {
	t.Helper()
	l, _ := openAndWait(t, path)
	rows := NewRows(l)
	for _, f := range l.Engine().Flows() {
		rows.SetFlow(*f)
	}
	n := l.Index.Len()
	want := map[string][]int{} // filter -> packets it must select
	incomplete := map[string]int{}
	tried := map[string]int{}
	for i := range n {
		nodes, _, err := rows.Details(i)
		if err != nil {
			continue
		}
		var walk func([]decode.Node)
		walk = func(nodes []decode.Node) {
			for _, nd := range nodes {
				if nd.Filter != "" {
					field, _, _ := strings.Cut(nd.Filter, " ")
					if _, ok := want[nd.Filter]; ok || tried[field] < 40 {
						if !ok {
							tried[field]++
						}
						want[nd.Filter] = append(want[nd.Filter], i)
					}
				}
				walk(nd.Children)
			}
		}
		walk(nodes)
	}
	for expr, pkts := range want {
		got, err := Filter(context.Background(), l, expr, n)
		if err != nil {
			t.Errorf("%s: the details offer %q: %v", path, expr, err)
			continue
		}
		for _, i := range pkts {
			if _, found := slices.BinarySearch(got, i); found {
				continue
			}
			if strings.HasPrefix(expr, "http.") {
				switch later, any := ofFlow(l, got, i); {
				case later:
					continue
				case !any:
					// A message that never completes (the capture ends
					// in its body) has no fields, in Wireshark either.
					incomplete[expr]++
					continue
				}
			}
			t.Errorf("%s: packet %d offers %q, which does not select it", path, i+1, expr)
			break
		}
	}
	for f, c := range tried {
		fields[f] += c
	}
	if len(incomplete) > 0 {
		t.Logf("%s: HTTP lines of messages that never complete: %v", filepath.Base(path), incomplete)
	}
}

// ofFlow says whether selected holds a packet of i's flow after i, and
// whether it holds any of i's flow: an HTTP message's fields belong, as
// in Wireshark, to the packet that completes it, while its head shows in
// the details of the first.
func ofFlow(l *Loaded, selected []int, i int) (later, any bool) {
	flow := l.Index.At(i).Flow
	if flow == 0 {
		return false, false
	}
	for _, k := range selected {
		if l.Index.At(k).Flow == flow {
			any = true
			later = later || k > i
		}
	}
	return later, any
}
