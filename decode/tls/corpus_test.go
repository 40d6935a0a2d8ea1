package tls

import (
	"fmt"
	"strings"
	"testing"

	"thingsniff/decode/dns/corpustest"
)

// direction puts one TCP direction's segments in sequence order (a simple
// reassembly: retransmitted bytes are dropped, early segments wait).
type direction struct {
	acc     Accumulator
	next    uint32
	started bool
	pending map[uint32]corpustest.Packet
}

// helloFrames feeds every TCP direction of a capture to an Accumulator and
// returns the ClientHellos by the frame that completed them, and how many
// directions were judged TLS that tshark may not list.
func helloFrames(t *testing.T, c corpustest.Capture) (map[int]ClientHello, map[int]error) {
	pkts, err := corpustest.Read(c.Path)
	if err != nil {
		t.Logf("%s: %v (keeping the %d packets before it)", c.Local, err, len(pkts))
	}
	hellos := map[int]ClientHello{}
	errs := map[int]error{}
	dirs := map[string]*direction{}
	for _, p := range pkts {
		if !p.TCP || p.Fragment {
			continue
		}
		d := dirs[p.Key()]
		if d == nil || p.SYN {
			d = &direction{pending: map[uint32]corpustest.Packet{}}
			dirs[p.Key()] = d
		}
		if p.SYN {
			d.next, d.started = p.Seq+1, true
			continue
		}
		if len(p.Payload) == 0 {
			continue
		}
		if !d.started {
			d.next, d.started = p.Seq, true
		}
		d.pending[p.Seq] = p
		for {
			q, ok := d.pending[d.next]
			if !ok {
				// a segment overlapping next (retransmission with more data)
				for seq, s := range d.pending {
					if int32(seq-d.next) < 0 && int32(seq+uint32(len(s.Payload))-d.next) > 0 {
						s.Payload = s.Payload[d.next-seq:]
						q, ok = s, true
						delete(d.pending, seq)
						break
					}
					if int32(seq+uint32(len(s.Payload))-d.next) <= 0 {
						delete(d.pending, seq) // old retransmission
					}
				}
				if !ok {
					break
				}
			} else {
				delete(d.pending, d.next)
			}
			before := d.acc.Status()
			st := d.acc.Write(q.Payload)
			d.next += uint32(len(q.Payload))
			// Only the first handshake message of a direction is read, as
			// the device timeline reads it.
			if before == NeedMore && st == Done {
				if typ, _, ok := d.acc.Message(); ok && typ == TypeClientHello {
					h, err := d.acc.ClientHello()
					if err == nil || hellos[p.Frame].SNI == "" {
						hellos[p.Frame], errs[p.Frame] = h, err
					}
				}
			}
		}
	}
	return hellos, errs
}

// knownTLS explains differences from tshark by "capture#frame field";
// they are counted as out of scope.
var knownTLS = map[string]string{
	"zeek/testing/btest/Traces/tls/hrr.pcap#8 client hello": "the second ClientHello, after a HelloRetryRequest: " +
		"a direction's first handshake message is all the device timeline reads",
}

func TestCorpusTLS(t *testing.T) {
	tally := corpustest.NewTally("client hello", "sni", "alpn")
	for _, c := range corpustest.WithExpected(t, "tls.tsv") {
		rows, err := corpustest.ReadTSV(c.Expected)
		if err != nil {
			t.Fatal(err)
		}
		hellos, errs := helloFrames(t, c)
		seen := map[int]bool{}
		for _, r := range rows {
			fr := corpustest.Atoi(r["frame.number"])
			seen[fr] = true
			h, ok := hellos[fr]
			got := map[string]string{
				"client hello": fmt.Sprint(ok),
				"sni":          h.SNI,
				"alpn":         strings.Join(h.ALPN, ","),
			}
			want := map[string]string{
				"client hello": "true",
				"sni":          r["tls.handshake.extensions_server_name"],
				"alpn":         r["tls.handshake.extensions_alpn_str"],
			}
			for _, f := range tally.Fields {
				key := fmt.Sprintf("%s#%d %s", c.Local, fr, f)
				why, known := knownTLS[key]
				agree := got[f] == want[f]
				if known && !agree {
					tally.Skip(f)
				} else {
					tally.Add(f, agree, false)
				}
				if !agree && !known {
					t.Errorf("%s: got %q, tshark %q (parse error %v)", key, got[f], want[f], errs[fr])
				}
				if agree && known {
					t.Errorf("%s: listed as a known difference (%s) but agrees now", key, why)
				}
			}
		}
		for fr := range hellos {
			if !seen[fr] {
				t.Logf("%s#%d: client hello that tshark does not list (SNI %q)", c.Local, fr, hellos[fr].SNI)
			}
		}
	}
	tally.Report(t, 0.99)
}
