package decode

import "testing"

// recorder keeps what it is shown, the way the device builder would read it.
type recorder struct {
	seen []string
}

func (r *recorder) Observe(p *Packet, f *Flow) {
	s := Summarize(p, f)
	if p.ARP != nil {
		s.Info += " arp"
	}
	r.seen = append(r.seen, s.Source+" "+s.Info+" "+string(p.Payload))
}

// TestAsyncSeesWhatASyncObserverSees runs the same packets through a
// direct observer and through Async: they must see the same packets, in
// order, though the engine reuses its buffers between packets.
func TestAsyncSeesWhatASyncObserverSees(t *testing.T) {
	direct, behind := &recorder{}, &recorder{}
	async := NewAsync(behind, nil)
	e := NewEngine(direct, async)
	buf := make([]byte, 0, 2048)
	for i := 0; i < 3000; i++ {
		for _, c := range packetCases {
			buf = append(buf[:0], unhex(t, c.hex)...) // one buffer, overwritten each time
			e.Add(buf, c.link, Meta{Time: int64(i)})
		}
	}
	async.Close()
	if len(direct.seen) != len(behind.seen) {
		t.Fatalf("direct saw %d packets, async %d", len(direct.seen), len(behind.seen))
	}
	for i := range direct.seen {
		if direct.seen[i] != behind.seen[i] {
			t.Fatalf("packet %d: direct %q, async %q", i+1, direct.seen[i], behind.seen[i])
		}
	}
}

func TestAsyncDropsPayloadsNobodyReads(t *testing.T) {
	for _, keepDNS := range []bool{true, false} {
		r := &recorder{}
		async := NewAsync(r, func(p *Packet, f *Flow) bool { return keepDNS && p.Proto == ProtoDNS })
		e := NewEngine(async)
		for _, c := range packetCases {
			e.Add(unhex(t, c.hex), c.link, Meta{})
		}
		async.Close()
		if len(r.seen) != len(packetCases) {
			t.Fatalf("saw %d packets", len(r.seen))
		}
		dns := r.seen[3] // the UDP DNS query, payload ab cd 01 00
		if got := dns[len(dns)-4:] == "\xab\xcd\x01\x00"; got != keepDNS {
			t.Errorf("keep DNS payload %v: observer saw %q", keepDNS, dns)
		}
	}
}
