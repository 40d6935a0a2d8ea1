package dhcp

import (
	"testing"
	"time"
)

// TestTrackerDORA links Discover, Offer, Request and ACK of one client
// into one lease, while another client's Discover stays open.
func TestTrackerDORA(t *testing.T) {
	other := []byte{2, 0, 0, 0, 0, 9}
	msgs := [][]byte{
		bootp(1, 42, "0.0.0.0", mac, []byte{0x35, 1, 1, 0x0c, 5, 't', 'h', 'i', 'n', 'g', 0x37, 3, 1, 3, 6, 0x3c, 4, 'u', 'd', 'h', 'c'}),
		bootp(1, 43, "0.0.0.0", other, []byte{0x35, 1, 1}),
		bootp(2, 42, "192.168.137.23", mac, []byte{0x35, 1, 2, 0x36, 4, 192, 168, 137, 1, 0x03, 4, 192, 168, 137, 1}),
		bootp(1, 42, "0.0.0.0", mac, []byte{0x35, 1, 3, 0x32, 4, 192, 168, 137, 23, 0x36, 4, 192, 168, 137, 1}),
		bootp(2, 42, "192.168.137.23", mac, []byte{0x35, 1, 5, 0x36, 4, 192, 168, 137, 1, 0x33, 4, 0, 0, 0x0e, 0x10,
			0x03, 4, 192, 168, 137, 1, 0x06, 4, 192, 168, 137, 1}),
	}
	var tr Tracker
	t0 := time.Unix(1000, 0)
	var got *Lease
	for i, b := range msgs {
		m, err := Parse(b)
		if err != nil {
			t.Fatal(err)
		}
		l, done := tr.Add(&m, t0.Add(time.Duration(i)*time.Second), uint64(i+1))
		if done != (i == 4) {
			t.Fatalf("message %d: done %v", i, done)
		}
		got = l
	}
	if got.Addr.String() != "192.168.137.23" || got.Hostname != "thing" || got.VendorClass != "udhc" ||
		got.Fingerprint != "1,3,6" || !got.Acked || got.LeaseTime != time.Hour || got.Server.String() != "192.168.137.1" ||
		len(got.Refs) != 4 || got.Refs[3] != 5 || got.End.Sub(got.Start) != 4*time.Second ||
		len(got.DNSServers) != 1 || got.Types[1] != Offer {
		t.Errorf("lease %+v", got)
	}
	if open := tr.Open(); len(open) != 1 || open[0].XID != 43 {
		t.Errorf("open %+v", open)
	}
}

func TestTrackerBounded(t *testing.T) {
	tr := Tracker{MaxOpen: 5}
	for i := range 100 {
		m, _ := Parse(bootp(1, uint32(i), "0.0.0.0", mac, []byte{0x35, 1, 1}))
		tr.Add(&m, time.Unix(0, 0), 0)
	}
	if n := len(tr.Open()); n != 5 || len(tr.order) > 10 {
		t.Errorf("%d open, order %d", n, len(tr.order))
	}
}
