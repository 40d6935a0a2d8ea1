package ssdp

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"thingsniff/decode/dns"
	"thingsniff/decode/dns/corpustest"
)

// knownSSDP explains SSDP payloads in the corpus that do not parse, by
// "capture#frame".
var knownSSDP = map[string]string{}

// TestCorpusSSDP parses every UDP 1900 payload of the corpus (the large
// perf/ files aside) and logs the products named.
func TestCorpusSSDP(t *testing.T) {
	products := map[string]bool{}
	n := 0
	for _, c := range corpustest.WithExpected(t, "frames.tsv") {
		if strings.HasPrefix(c.Local, "perf/") {
			continue
		}
		pkts, _ := corpustest.Read(c.Path)
		for _, p := range pkts {
			if p.TCP || !p.Port(1900) || len(p.Payload) == 0 {
				continue
			}
			n++
			m, err := Parse(p.Payload)
			key := fmt.Sprintf("%s#%d", c.Local, p.Frame)
			if _, known := knownSSDP[key]; err != nil && !known {
				t.Errorf("%s: %v", key, err)
			}
			if pr := m.Product(); pr != "" && !products[pr] {
				products[pr] = true
				t.Logf("%s: %v from %s names %q (SERVER %q)", key, m.Kind, p.Src.Addr(), pr, m.Server)
			}
		}
	}
	if n == 0 {
		t.Skip("no SSDP in the corpus")
	}
	t.Logf("%d SSDP messages, %d products", n, len(products))
}

// TestCorpusMDNSNames checks MDNSNames against tshark's mdns.tsv: the A
// addresses tshark lists for each message are exactly those found under
// the message's host names.
func TestCorpusMDNSNames(t *testing.T) {
	tally := corpustest.NewTally("host addresses")
	for _, c := range corpustest.WithExpected(t, "mdns.tsv") {
		rows, err := corpustest.ReadTSV(c.Expected)
		if err != nil {
			t.Fatal(err)
		}
		pkts, _ := corpustest.Read(c.Path)
		byFrame := map[int][]byte{}
		for _, p := range pkts {
			if !p.TCP && p.Port(5353) {
				byFrame[p.Frame] = p.Payload
			}
		}
		seen := map[string]bool{}
		for _, r := range rows {
			fr := corpustest.Atoi(r["frame.number"])
			m, _ := dns.Parse(byFrame[fr])
			names := MDNSNames(&m)
			var got []string
			for _, h := range names.Hosts {
				for _, a := range h.Addrs {
					if a.Is4() {
						got = append(got, a.String())
					}
				}
			}
			want := slices.Compact(slices.Sorted(slices.Values(strings.FieldsFunc(r["dns.a"], func(r rune) bool { return r == ',' }))))
			slices.Sort(got)
			got = slices.Compact(got) // two host names may share an address
			agree := slices.Equal(got, want)
			tally.Add("host addresses", agree, false)
			if !agree {
				t.Errorf("%s#%d: addresses %v, tshark %v", c.Local, fr, got, want)
			}
			for _, i := range names.Instances {
				if s := i.Name + " (" + i.Service + ")"; !seen[s] {
					seen[s] = true
					t.Logf("%s#%d: instance %s", c.Local, fr, s)
				}
			}
			if names.Model != "" && !seen["model "+names.Model] {
				seen["model "+names.Model] = true
				t.Logf("%s#%d: model %q", c.Local, fr, names.Model)
			}
		}
	}
	tally.Report(t, 0.99)
}
