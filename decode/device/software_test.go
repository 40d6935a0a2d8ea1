package device

import (
	"strings"
	"testing"
	"time"
)

// Two devices whose TLS clients have one JA4 are told to run the same
// software; a third with another fingerprint is not.
func TestSameSoftware(t *testing.T) {
	at := time.Date(2021, 3, 8, 15, 0, 0, 0, time.UTC)
	dev := func(key string, ja4s ...string) *Device {
		d := newDevice([6]byte{2, 0, 0, 0, 0, byte(len(key))}, true, key, at.UnixNano())
		for i, j := range ja4s {
			d.Events = append(d.Events, &Event{Time: at.Add(time.Duration(i) * time.Second), Kind: KindTLS, JA4: j})
		}
		return d
	}
	const cam, other = "t13d1516h2_8daaf6152771_e5627efa2ab1", "t12i030000_0f3fa3a2b7b1_000000000000"
	a, b, c := dev("02:00:00:00:00:0a", cam, cam), dev("02:00:00:00:00:0b", other, cam), dev("02:00:00:00:00:0c", other)
	devs := []*Device{a, b, c}
	for _, d := range devs {
		d.sumUp(span{at.UnixNano(), at.Add(time.Hour).UnixNano()})
	}
	sameSoftware(devs)
	if len(a.Profile.JA4) != 1 || len(b.Profile.JA4) != 2 {
		t.Fatalf("JA4s %q %q", a.Profile.JA4, b.Profile.JA4)
	}
	said := func(d *Device, want string) bool {
		for _, s := range d.Summary {
			if s == want {
				return true
			}
		}
		return false
	}
	if !said(a, "Its TLS client "+cam+" is also seen on 02:00:00:00:00:0b: the same software.") {
		t.Errorf("a: %q", a.Summary)
	}
	if !said(b, "Its TLS client "+other+" is also seen on 02:00:00:00:00:0c: the same software.") ||
		!said(b, "Its TLS client "+cam+" is also seen on 02:00:00:00:00:0a: the same software.") {
		t.Errorf("b: %q", b.Summary)
	}
	for _, s := range c.Summary {
		if strings.Contains(s, cam) {
			t.Errorf("c: %q", c.Summary)
		}
	}
}
