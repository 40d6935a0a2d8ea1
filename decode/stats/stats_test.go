package stats_test

import (
	"net"
	"strings"
	"testing"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"

	"thingsniff/decode"
	"thingsniff/decode/decodetest"
	"thingsniff/decode/stats"
)

var (
	macA  = net.HardwareAddr{0x02, 0, 0, 0, 0, 0xa}
	macB  = net.HardwareAddr{0x02, 0, 0, 0, 0, 0xb}
	bcast = net.HardwareAddr{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}
	t0    = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC).UnixNano()
)

// udpFrame is an Ethernet/IPv4/UDP frame with payload, optionally with
// an 802.1Q tag of the given id.
func udpFrame(t *testing.T, srcMAC, dstMAC net.HardwareAddr, src, dst string, sport, dport uint16, payload []byte, vlan *uint16) []byte {
	eth := &layers.Ethernet{SrcMAC: srcMAC, DstMAC: dstMAC, EthernetType: layers.EthernetTypeIPv4}
	ip := &layers.IPv4{Version: 4, TTL: 64, Protocol: layers.IPProtocolUDP, SrcIP: net.ParseIP(src), DstIP: net.ParseIP(dst)}
	udp := &layers.UDP{SrcPort: layers.UDPPort(sport), DstPort: layers.UDPPort(dport)}
	udp.SetNetworkLayerForChecksum(ip)
	if vlan != nil {
		eth.EthernetType = layers.EthernetTypeDot1Q
		tag := &layers.Dot1Q{VLANIdentifier: *vlan, Type: layers.EthernetTypeIPv4}
		return decodetest.Frame(t, eth, tag, ip, udp, gopacket.Payload(payload))
	}
	return decodetest.Frame(t, eth, ip, udp, gopacket.Payload(payload))
}

func arpFrame(t *testing.T) []byte {
	eth := &layers.Ethernet{SrcMAC: macA, DstMAC: bcast, EthernetType: layers.EthernetTypeARP}
	arp := &layers.ARP{AddrType: layers.LinkTypeEthernet, Protocol: layers.EthernetTypeIPv4, HwAddressSize: 6, ProtAddressSize: 4,
		Operation: layers.ARPRequest, SourceHwAddress: macA, SourceProtAddress: []byte{10, 0, 0, 1},
		DstHwAddress: make([]byte, 6), DstProtAddress: []byte{10, 0, 0, 2}}
	return decodetest.Frame(t, eth, arp)
}

type frame struct {
	data []byte
	link layers.LinkType
	at   time.Duration
}

func collect(opts stats.Options, frames []frame) *stats.Result {
	c := stats.New(opts)
	eng := decode.NewEngine(c)
	for _, f := range frames {
		eng.Add(f.data, f.link, decode.Meta{Time: t0 + int64(f.at), CapLen: uint32(len(f.data)), OrigLen: uint32(len(f.data))})
	}
	return c.Result(eng.Flows(), nil)
}

func table(t *testing.T, r *stats.Result, kind string) *stats.Table {
	t.Helper()
	ts, err := r.Tables(kind)
	if err != nil {
		t.Fatal(err)
	}
	return ts[0]
}

func TestHierarchy(t *testing.T) {
	zero := uint16(0)
	dnsQuery := []byte{0x12, 0x34, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1, 'a', 0, 0, 1, 0, 1}
	fs := []frame{
		{udpFrame(t, macA, macB, "10.0.0.1", "10.0.0.2", 5000, 53, dnsQuery, nil), layers.LinkTypeEthernet, 0},
		{udpFrame(t, macA, macB, "10.0.0.1", "10.0.0.2", 5000, 53, nil, nil), layers.LinkTypeEthernet, time.Millisecond},
		{udpFrame(t, macA, macB, "10.0.0.1", "10.0.0.2", 5001, 9999, []byte("x"), &zero), layers.LinkTypeEthernet, 2 * time.Millisecond},
		{arpFrame(t), layers.LinkTypeEthernet, 3 * time.Millisecond},
	}
	raw := udpFrame(t, macA, macB, "10.0.0.3", "10.0.0.4", 1, 2, []byte("y"), nil)[14:]
	fs = append(fs, frame{raw, layers.LinkTypeRaw, 4 * time.Millisecond})
	r := collect(stats.Options{}, fs)
	var got []string
	for _, row := range table(t, r, "protocols").Rows {
		got = append(got, row[0]+"="+row[1])
	}
	// The empty datagram on port 53 is UDP, not DNS; a tag of id 0 is a
	// VLAN; raw IP starts at ip.
	want := []string{"eth=4", "  ip=2", "    udp=2", "      dns=1", "  arp=1", "  vlan=1", "    ip=1", "      udp=1", "ip=1", "  udp=1"}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("hierarchy\n got %v\nwant %v", got, want)
	}
}

func TestEndpointsAndPairs(t *testing.T) {
	a := udpFrame(t, macA, macB, "10.0.0.1", "10.0.0.2", 5000, 7000, []byte("hello"), nil)
	b := udpFrame(t, macB, macA, "10.0.0.2", "10.0.0.1", 7000, 5000, []byte("hi"), nil)
	r := collect(stats.Options{}, []frame{{b, layers.LinkTypeEthernet, 0}, {a, layers.LinkTypeEthernet, time.Second}, {a, layers.LinkTypeEthernet, 2 * time.Second}})
	if len(r.Pairs) != 1 {
		t.Fatalf("%d pairs, want 1", len(r.Pairs))
	}
	p := r.Pairs[0]
	// A is the host that sent first.
	if p.A.String() != "10.0.0.2" || p.Dir[0].Packets != 1 || p.Dir[1].Packets != 2 || p.Dir[1].Bytes != 2*uint64(len(a)) {
		t.Errorf("pair %+v", p)
	}
	if p.Last-p.First != int64(2*time.Second) {
		t.Errorf("pair lasts %v, want 2s", time.Duration(p.Last-p.First))
	}
	for _, e := range r.IPs {
		if e.Addr.String() == "10.0.0.1" && (e.Tx.Packets != 2 || e.Rx.Packets != 1 || e.Tx.Bytes != 2*uint64(len(a)) || e.Rx.Bytes != uint64(len(b))) {
			t.Errorf("10.0.0.1: %+v", e.Endpoint)
		}
	}
	if len(r.MACs) != 2 || len(r.IPs) != 2 {
		t.Errorf("%d MACs and %d IPs, want 2 and 2", len(r.MACs), len(r.IPs))
	}
}

func TestCapsAreSaid(t *testing.T) {
	var fs []frame
	for i := range 10 {
		dst := "10.0.1." + string(rune('0'+i))
		fs = append(fs, frame{udpFrame(t, macA, macB, "10.0.0.1", dst, 5000, 7000, []byte("x"), nil), layers.LinkTypeEthernet, time.Duration(i) * time.Hour})
	}
	r := collect(stats.Options{MaxEndpoints: 3, MaxPairs: 2, MaxBuckets: 4, Interval: time.Second}, fs)
	if len(r.IPs) != 3 || len(r.Pairs) != 2 {
		t.Errorf("%d IPs and %d pairs, want the caps 3 and 2", len(r.IPs), len(r.Pairs))
	}
	notes := strings.Join(r.Notes, "\n")
	for _, want := range []string{"first 3 IPv4 endpoints", "8 packets", "at least 2 more pairs", "widened"} {
		if !strings.Contains(notes, want) {
			t.Errorf("notes do not say %q:\n%s", want, notes)
		}
	}
	if len(r.IO.Buckets) > 4 {
		t.Errorf("%d I/O buckets, cap 4", len(r.IO.Buckets))
	}
	var n uint64
	for _, b := range r.IO.Buckets {
		n += b.All.Packets
	}
	if n != 10 || r.IO.Interval < 9*time.Hour/4 {
		t.Errorf("I/O series holds %d packets at %v intervals; want 10 over at most 4 buckets", n, r.IO.Interval)
	}
}

func TestIOCastShare(t *testing.T) {
	uni := udpFrame(t, macA, macB, "10.0.0.1", "10.0.0.2", 1, 2, []byte("x"), nil)
	bc := udpFrame(t, macA, bcast, "10.0.0.1", "255.255.255.255", 1, 2, []byte("x"), nil)
	r := collect(stats.Options{Interval: 100 * time.Millisecond}, []frame{
		{uni, layers.LinkTypeEthernet, 0}, {bc, layers.LinkTypeEthernet, 10 * time.Millisecond},
		{bc, layers.LinkTypeEthernet, 250 * time.Millisecond}})
	rows := table(t, r, "io").Rows
	if len(rows) != 3 {
		t.Fatalf("%d rows, want 3 intervals", len(rows))
	}
	// start, packets, bytes, bits/s, cast packets, cast bytes, % cast
	if rows[0][1] != "2" || rows[0][4] != "1" || rows[0][6] != "50.0" || rows[1][1] != "0" || rows[1][6] != "" || rows[2][6] != "100.0" {
		t.Errorf("io rows %v", rows)
	}
	if b := r.IO.Buckets; b[0].First != 1 || b[0].Last != 2 || b[1].First != 0 || b[2].First != 3 || b[2].Last != 3 {
		t.Errorf("packet ranges of the intervals: %+v", b)
	}
}

func TestUnknownKind(t *testing.T) {
	r := collect(stats.Options{}, nil)
	if _, err := r.Tables("nope"); err == nil || !strings.Contains(err.Error(), "protocols") {
		t.Errorf("Tables(nope) = %v; want an error listing the kinds", err)
	}
	for _, k := range stats.Kinds {
		if _, err := r.Tables(k); err != nil {
			t.Errorf("an empty capture's %s: %v", k, err)
		}
	}
}
