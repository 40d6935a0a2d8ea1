package decode

import (
	"bytes"
	"path/filepath"
	"reflect"
	"testing"

	"thingsniff/capture"
	"thingsniff/capture/synth"
)

// packetRecord is what an observer could read of one packet and its flow.
type packetRecord struct {
	p Packet
	f Flow
}

// recordAll keeps a copy of each packet as the device builder reads it:
// the payload only where keep says so (else its length as Withheld), and of the flow what stays
// current for a brief packet.
type recordAll struct {
	keep func(p *Packet, f *Flow) bool
	seen []packetRecord
}

func (r *recordAll) Observe(p *Packet, f *Flow) {
	c := *p
	c.SrcMAC, c.DstMAC = bytes.Clone(p.SrcMAC), bytes.Clone(p.DstMAC)
	c.Payload = nil
	if r.keep == nil || r.keep(p, f) {
		c.Payload = bytes.Clone(p.Payload)
	}
	if len(c.Payload) == 0 {
		c.Payload = nil
	}
	c.Withheld = p.Withheld + len(p.Payload) - len(c.Payload)
	c.ARP = nil // compared through Summarize in the other test
	var fc Flow
	if f != nil {
		fc = Flow{ID: f.ID, Proto: f.Proto, Client: f.Client, Server: f.Server, State: f.State, App: f.App,
			Close: f.Close, ClosedBy: f.ClosedBy, First: f.First, FirstPacket: f.FirstPacket}
	}
	r.seen = append(r.seen, packetRecord{c, fc})
}

// countBriefs counts the packets Async sends in brief.
type countBriefs struct {
	*Async
	briefs int
}

func (c *countBriefs) Observe(p *Packet, f *Flow) {
	if c.briefable(p, f, c.wanted(p, f)) {
		c.briefs++
	}
	c.Async.Observe(p, f)
}

// capLender lends payloads from a capture's read buffer, as the window
// does.
type capLender struct{ c *capture.Capture }

func (l capLender) Lend(b []byte) Loan {
	if s := l.c.Lend(b); s != nil {
		return s
	}
	return nil
}

// TestAsyncBriefPacketsReadAsFullOnes loads a generated mix of every kind
// of traffic through a direct observer and through Async, which sends
// most of it in brief: each packet must read the same on both sides,
// with payloads copied or lent.
func TestAsyncBriefPacketsReadAsFullOnes(t *testing.T) {
	path := filepath.Join(t.TempDir(), "mix.pcapng")
	if err := synth.WriteMixFile(path, synth.Options{Packets: 40000, Seed: 7}); err != nil {
		t.Fatal(err)
	}
	// Payloads of UDP and of the first packets of a flow are wanted, as
	// the device builder wants DNS and the first bytes of a connection.
	keep := func(p *Packet, f *Flow) bool {
		return f == nil || f.Proto == ProtoUDP || p.Num-f.FirstPacket < 4
	}
	for _, lend := range []bool{false, true} {
		direct, behind := &recordAll{keep: keep}, &recordAll{keep: keep}
		async := &countBriefs{Async: NewAsync(behind, keep)}
		e := NewEngine(direct, async)
		c, err := capture.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		if lend {
			async.LendFrom(capLender{c})
		}
		for {
			fr, err := c.Next()
			if err != nil {
				break
			}
			e.Add(fr.Data, c.Interfaces()[fr.Iface].LinkType, Meta{Offset: fr.Offset, Time: fr.Time, CapLen: fr.CapLen, OrigLen: fr.OrigLen})
		}
		async.Close()
		c.Close()
		if len(direct.seen) != 40000 || len(behind.seen) != len(direct.seen) {
			t.Fatalf("lent %v: direct saw %d packets, async %d", lend, len(direct.seen), len(behind.seen))
		}
		if async.briefs < len(direct.seen)/2 {
			t.Errorf("lent %v: only %d of %d packets travelled in brief", lend, async.briefs, len(direct.seen))
		}
		for i := range direct.seen {
			if !reflect.DeepEqual(direct.seen[i], behind.seen[i]) {
				t.Fatalf("lent %v: packet %d:\ndirect %+v\nasync  %+v", lend, i+1, direct.seen[i], behind.seen[i])
			}
		}
	}
}
