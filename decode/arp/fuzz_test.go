package arp

import (
	"testing"
	"time"
)

func FuzzARP(f *testing.F) {
	f.Add(pkt(1, thing, "192.168.137.23", zero, "192.168.137.1"))
	f.Add([]byte{0, 1, 8, 0, 255, 255, 0, 1})
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := Parse(b)
		if err == nil && len(b) < 8+2*int(p.HLen)+2*int(p.PLen) {
			t.Fatalf("accepted %d bytes for lengths %d/%d", len(b), p.HLen, p.PLen)
		}
		_ = p.Kind().String()
		var w Watch
		w.Observe(p.SenderMAC, p.SenderIP, time.Time{})
	})
}
