package app

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"thingsniff/assets"
	"thingsniff/decode"
)

func openDemo(t *testing.T) *Loaded {
	t.Helper()
	path := filepath.Join(t.TempDir(), "demo.pcapng")
	if err := os.WriteFile(path, assets.Demo(), 0o644); err != nil {
		t.Fatal(err)
	}
	s := NewSession(Options{Devices: true}, nil)
	t.Cleanup(s.Close)
	l, err := s.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	l.Wait()
	return l
}

// TestFreeTextSearchesDecodedNames: a word that names no field finds
// the packets whose DNS question or HTTP Host holds it, though their
// rows show only ports and a path (issue 18: "samsung" found nothing).
func TestFreeTextSearchesDecodedNames(t *testing.T) {
	l := openDemo(t)
	ctx := context.Background()
	words, err := Filter(ctx, l, "SAMSUNG", l.Index.Len())
	if err != nil {
		t.Fatal(err)
	}
	for _, expr := range []string{`dns.qry.name contains "samsung"`, `http.host contains "samsung"`} {
		named, err := Filter(ctx, l, expr, l.Index.Len())
		if err != nil {
			t.Fatal(err)
		}
		if len(named) == 0 {
			t.Fatalf("%s selects nothing on the demo", expr)
		}
		for _, i := range named {
			if !slices.Contains(words, i) {
				t.Errorf("packet %d passes %s but not the free word samsung", i+1, expr)
			}
		}
	}
}

// TestSelectionNarrowsFlowsAndEvents: the flows and device events a
// selection keeps are those of its packets, and a device name works as
// a filter value.
func TestSelectionNarrowsFlowsAndEvents(t *testing.T) {
	l := openDemo(t)
	ctx := context.Background()
	sel, err := Select(ctx, l, "dns", l.Index.Len())
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range l.Engine().Flows() {
		hasDNS := f.App == decode.ProtoDNS
		if sel.HasFlow(f.ID) && !hasDNS || hasDNS && !sel.HasFlow(f.ID) && f.Proto == decode.ProtoUDP {
			t.Errorf("flow %d (%s, app %s): selected %v", f.ID, f.Proto, f.App, sel.HasFlow(f.ID))
		}
	}
	r := FilterReport(*l.Devices(), sel)
	kept := 0
	for _, d := range r.Devices {
		for _, e := range d.Events {
			kept++
			if !strings.EqualFold(string(e.Kind), "dns") && !sel.HasEvent(e.Packets, e.Flow) {
				t.Errorf("event %s %q kept without a DNS packet", e.Kind, e.Summary)
			}
		}
	}
	if kept == 0 {
		t.Error("no event of the demo's DNS lookups kept")
	}

	byName, err := Filter(ctx, l, "device == BD-5500 && dns", l.Index.Len())
	if err != nil {
		t.Fatal(err)
	}
	byMAC, err := Filter(ctx, l, "eth.addr == 00:12:fb:3c:91:d4 && dns", l.Index.Len())
	if err != nil {
		t.Fatal(err)
	}
	if len(byName) == 0 || len(byName) != len(byMAC) {
		t.Errorf("device == BD-5500 selects %d DNS packets, its MAC %d", len(byName), len(byMAC))
	}
	if _, err := Filter(ctx, l, "device == nosuchthing", l.Index.Len()); err == nil {
		t.Error("an unknown device name passed")
	}
}
