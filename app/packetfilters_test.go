package app

import (
	"context"
	"slices"
	"testing"

	"thingsniff/capture/synth"
	"thingsniff/decode"
)

// TestPacketFiltersSelectTheirConversation writes every packet's filters
// for a generated mix and runs them: each selects its packet, and a TCP or
// UDP packet's conversation filter, like its flow's, selects exactly the
// packets of its flow.
func TestPacketFiltersSelectTheirConversation(t *testing.T) {
	l, _ := openAndWait(t, mixFile(t, synth.Options{Packets: 3000, Seed: 2}))
	rows := NewRows(l)
	n := l.Index.Len()
	selected := map[string][]int{}
	run := func(expr string) []int {
		if got, ok := selected[expr]; ok {
			return got
		}
		got, err := Filter(context.Background(), l, expr, n)
		if err != nil {
			t.Fatalf("%q: %v", expr, err)
		}
		selected[expr] = got
		return got
	}
	kinds := map[string]int{}
	for i := range n {
		pf, err := rows.Filters(i)
		if err != nil {
			t.Fatal(err)
		}
		for _, expr := range []string{pf.Conversation, pf.Source, pf.Destination} {
			if expr != "" && !slices.Contains(run(expr), i) {
				t.Errorf("packet %d: %q does not select it", i+1, expr)
			}
		}
		if pf.Conversation == "" {
			continue
		}
		kinds[pf.Conversation[:3]]++
		id := l.Index.At(i).Flow
		if id == 0 {
			continue
		}
		if fl := l.Engine().Flow(id); fl == nil || fl.Proto != decode.ProtoTCP && fl.Proto != decode.ProtoUDP {
			continue
		}
		var flow []int
		for k := range n {
			if l.Index.At(k).Flow == id {
				flow = append(flow, k)
			}
		}
		if got := run(pf.Conversation); !slices.Equal(got, flow) {
			t.Errorf("packet %d: %q selects %d packets, its flow has %d", i+1, pf.Conversation, len(got), len(flow))
		}
		if expr := FlowFilter(*l.Engine().Flow(id)); !slices.Equal(run(expr), flow) {
			t.Errorf("flow %d's filter %q does not select its %d packets", id, expr, len(flow))
		}
	}
	t.Logf("conversations by kind: %v", kinds)
	if kinds["ip."] == 0 || kinds["eth"] == 0 {
		t.Errorf("conversations by kind: %v; want IP and Ethernet ones", kinds)
	}
}
