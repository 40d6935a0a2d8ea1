package device_test

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"thingsniff/capture"
	"thingsniff/capture/synth"
	"thingsniff/decode"
	"thingsniff/decode/device"
)

// BenchmarkBuilder runs the builder alone over a generated mix of
// traffic, decoded beforehand, to show where its own time goes
// (go test -bench Builder -cpuprofile).
func BenchmarkBuilder(b *testing.B) {
	path := filepath.Join(b.TempDir(), "mix.pcapng")
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	if err := synth.Mix(f, synth.Options{Packets: 200000, Seed: 3}); err != nil {
		b.Fatal(err)
	}
	f.Close()
	type seen struct {
		p  decode.Packet
		f  decode.Flow
		ok bool
	}
	var packets []seen
	keep := device.NewBuilder(device.Options{}) // asked only which payloads a builder reads
	rec := observerFunc(func(p *decode.Packet, f *decode.Flow) {
		s := seen{p: *p}
		s.p.SrcMAC, s.p.DstMAC, s.p.Payload = bytes.Clone(p.SrcMAC), bytes.Clone(p.DstMAC), nil
		if keep.NeedsPayload(p, f) {
			s.p.Payload = bytes.Clone(p.Payload)
		}
		if f != nil {
			s.f, s.ok = *f, true
		}
		packets = append(packets, s)
	})
	eng := decode.NewEngine(rec)
	c, err := capture.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	for {
		fr, err := c.Next()
		if err != nil {
			break
		}
		eng.Add(fr.Data, c.Interfaces()[fr.Iface].LinkType, decode.Meta{Time: fr.Time, CapLen: fr.CapLen, OrigLen: fr.OrigLen})
	}
	c.Close()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		bl := device.NewBuilder(device.Options{})
		for j := range packets {
			s := &packets[j]
			if s.ok {
				bl.Observe(&s.p, &s.f)
			} else {
				bl.Observe(&s.p, nil)
			}
		}
		bl.Finish(func(id uint32) *decode.Flow { return eng.Flow(id) })
		_ = bl.Report()
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(packets)), "ns/packet")
}

type observerFunc func(p *decode.Packet, f *decode.Flow)

func (o observerFunc) Observe(p *decode.Packet, f *decode.Flow) { o(p, f) }
