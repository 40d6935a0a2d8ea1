package arp

import (
	"errors"
	"net"
	"net/netip"
	"testing"
	"time"
)

// pkt builds an Ethernet/IPv4 ARP packet: 0001 0800 06 04, op, then
// sender MAC and IP, target MAC and IP.
func pkt(op uint16, smac, sip, tmac, tip string) []byte {
	b := []byte{0, 1, 8, 0, 6, 4, byte(op >> 8), byte(op)}
	for _, a := range []struct{ mac, ip string }{{smac, sip}, {tmac, tip}} {
		m, _ := net.ParseMAC(a.mac)
		b = append(b, m...)
		b = append(b, netip.MustParseAddr(a.ip).AsSlice()...)
	}
	return b
}

const (
	thing = "00:12:fb:01:02:03"
	gw    = "0a:00:27:00:00:01"
	zero  = "00:00:00:00:00:00"
)

func TestParseKinds(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   []byte
		want Kind
		grat bool
	}{
		// who has .1? tell .23
		{"request", pkt(1, thing, "192.168.137.23", zero, "192.168.137.1"), Request, false},
		// .1 is at gw
		{"reply", pkt(2, gw, "192.168.137.1", thing, "192.168.137.23"), Reply, false},
		// who has .23? tell 0.0.0.0
		{"probe", pkt(1, thing, "0.0.0.0", zero, "192.168.137.23"), Probe, false},
		// who has .23? tell .23
		{"announcement", pkt(1, thing, "192.168.137.23", zero, "192.168.137.23"), Announcement, true},
		// .23 is at thing, to .23
		{"gratuitous", pkt(2, thing, "192.168.137.23", "ff:ff:ff:ff:ff:ff", "192.168.137.23"), Gratuitous, true},
		// RARP request (op 3)
		{"other", pkt(3, thing, "0.0.0.0", thing, "0.0.0.0"), Other, false},
	} {
		p, err := Parse(tc.in)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if p.Kind() != tc.want || p.IsGratuitous() != tc.grat || p.Kind().String() != tc.name {
			t.Errorf("%s: kind %v gratuitous %v", tc.name, p.Kind(), p.IsGratuitous())
		}
	}
	p, _ := Parse(pkt(1, thing, "192.168.137.23", zero, "192.168.137.1"))
	if p.SenderMAC.String() != thing || p.SenderIP.String() != "192.168.137.23" || p.TargetIP.String() != "192.168.137.1" {
		t.Errorf("addresses %+v", p)
	}
}

func TestParseShort(t *testing.T) {
	b := pkt(1, thing, "192.168.137.23", zero, "192.168.137.1")
	for _, n := range []int{0, 7, 8, len(b) - 1} {
		if _, err := Parse(b[:n]); !errors.Is(err, ErrShort) {
			t.Errorf("%d bytes: %v", n, err)
		}
	}
	// hlen 255 and plen 255 on a short packet.
	if _, err := Parse([]byte{0, 1, 8, 0, 255, 255, 0, 1, 1, 2, 3}); !errors.Is(err, ErrShort) {
		t.Errorf("huge lengths: %v", err)
	}
	// Token Ring (hlen 6) with IPX protocol (plen 4, ptype 8137): no IPs.
	b2 := append([]byte{0, 6, 0x81, 0x37}, b[4:]...)
	if p, err := Parse(b2); err != nil || p.SenderIP.IsValid() {
		t.Errorf("non-IPv4 protocol: %+v %v", p, err)
	}
}

func TestWatch(t *testing.T) {
	var w Watch
	w.Window = time.Minute
	t0 := time.Unix(100, 0)
	ip := netip.MustParseAddr("192.168.137.23")
	a, _ := net.ParseMAC(thing)
	b, _ := net.ParseMAC(gw)
	if _, bad := w.Observe(a, ip, t0); bad {
		t.Fatal("first claim conflicts")
	}
	if _, bad := w.Observe(a, ip, t0.Add(time.Second)); bad {
		t.Fatal("same MAC conflicts")
	}
	c, bad := w.Observe(b, ip, t0.Add(2*time.Second))
	if !bad || c.Previous != thing || c.Claimant != gw || !c.PreviousSeen.Equal(t0.Add(time.Second)) {
		t.Fatalf("conflict %+v %v", c, bad)
	}
	if _, bad := w.Observe(a, ip, t0.Add(time.Hour)); bad {
		t.Error("claim after the window conflicts")
	}
	if _, bad := w.Observe(b, netip.MustParseAddr("0.0.0.0"), t0); bad {
		t.Error("probe address conflicts")
	}
	small := Watch{MaxAddrs: 2}
	for i := range 10 {
		small.Observe(a, netip.AddrFrom4([4]byte{10, 0, 0, byte(i)}), t0)
	}
	if len(small.claims) != 2 {
		t.Errorf("%d addresses remembered", len(small.claims))
	}
}
