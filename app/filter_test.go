package app

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strconv"
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

// TestWiresharkFieldsAgreeWithEachOther holds the header fields a
// Wireshark user types against other ways of saying the same on the demo
// capture (tshark holds them on the corpus in TestFilterAgreesWithTshark).
func TestWiresharkFieldsAgreeWithEachOther(t *testing.T) {
	l := openDemo(t)
	sel := func(expr string) []int {
		got, err := Filter(context.Background(), l, expr, l.Index.Len())
		if err != nil {
			t.Fatalf("%s: %v", expr, err)
		}
		return got
	}
	// The n-th TCP and UDP flows by first packet are tshark's streams.
	var tcpFlows, udpFlows []uint32
	for id := uint32(1); l.engine.Flow(id) != nil; id++ {
		switch l.engine.Flow(id).Proto {
		case decode.ProtoTCP:
			tcpFlows = append(tcpFlows, id)
		case decode.ProtoUDP:
			udpFlows = append(udpFlows, id)
		}
	}
	if len(tcpFlows) < 2 || len(udpFlows) < 2 {
		t.Fatalf("the demo has %d TCP and %d UDP flows", len(tcpFlows), len(udpFlows))
	}
	same := []struct{ a, b string }{
		{"tcp.stream == 1", "flow " + strconv.Itoa(int(tcpFlows[1]))},
		{"udp.stream == 1", "flow " + strconv.Itoa(int(udpFlows[1]))},
		{"eth.type == 0x0806", "arp"},
		{"ip.version == 4", "ip"},
		{"ip.proto == 6", "ip && tcp"},
		{"tcp.flags == 0x002", "tcp.flags.syn == 1 && tcp.flags.ack == 0"},
		{"frame.time_delta >= 0", "frame"},
		{"tcp.seq == 0 && tcp.flags.syn == 1", "tcp.flags.syn == 1"},
	}
	for _, c := range same {
		a, b := sel(c.a), sel(c.b)
		if len(a) == 0 || !slices.Equal(a, b) {
			t.Errorf("%q selects %d packets, %q %d: they should be the same", c.a, len(a), c.b, len(b))
		}
	}
}
