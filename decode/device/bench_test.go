package device_test

import (
	"bytes"
	"testing"

	"thingsniff/decode"
	"thingsniff/decode/device"
)

// BenchmarkBuilder runs the builder alone over a generated mix of
// traffic, decoded beforehand, to show where its own time goes
// (go test -bench Builder -cpuprofile).
func BenchmarkBuilder(b *testing.B) {
	path := mixFile(b, 200000, 3)
	type seen struct {
		p  decode.Packet
		f  decode.Flow
		ok bool
	}
	var packets []seen
	rec := observerFunc(func(p *decode.Packet, f *decode.Flow) {
		s := seen{p: *p}
		s.p.SrcMAC, s.p.DstMAC, s.p.Payload = bytes.Clone(p.SrcMAC), bytes.Clone(p.DstMAC), bytes.Clone(p.Payload)
		if f != nil {
			s.f, s.ok = *f, true
		}
		packets = append(packets, s)
	})
	eng := loadFile(b, path, rec)
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
