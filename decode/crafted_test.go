package decode_test

import (
	"encoding/binary"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"

	"thingsniff/decode"
	"thingsniff/decode/decodetest"
)

// ipv4s lays out IPv4 addresses one after the other.
func ipv4s(addrs ...string) []byte {
	var b []byte
	for _, a := range addrs {
		b = append(b, net.ParseIP(a).To4()...)
	}
	return b
}

// igmpRecord lays out one group record of a version 3 report.
func igmpRecord(kind byte, group string, sources ...string) []byte {
	return append(append([]byte{kind, 0, 0, byte(len(sources))}, ipv4s(group)...), ipv4s(sources...)...)
}

// igmpMessage lays out an IGMP message: type, second byte, the group,
// and what follows it.
func igmpMessage(typ, second byte, group string, rest ...byte) []byte {
	return append(append([]byte{typ, second, 0, 0}, ipv4s(group)...), rest...)
}

// igmpReport is a version 3 report of the given records.
func igmpReport(records ...[]byte) []byte {
	m := []byte{0x22, 0, 0, 0, 0, 0, 0, byte(len(records))}
	for _, r := range records {
		m = append(m, r...)
	}
	return m
}

// Each kind of IGMP message is named in the Protocol and Info columns
// as Wireshark names it; with tshark installed, tshark is asked too.
func TestIGMPSummaries(t *testing.T) {
	two := []string{"10.1.1.1", "10.1.1.2"}
	cases := []struct {
		msg         []byte
		proto, info string
	}{
		{igmpMessage(0x11, 100, "0.0.0.0"), "IGMPv2", "Membership Query, general"},
		{igmpMessage(0x11, 0, "0.0.0.0"), "IGMPv1", "Membership Query"},
		{igmpMessage(0x11, 100, "239.1.1.1"), "IGMPv2", "Membership Query, specific for group 239.1.1.1"},
		{igmpMessage(0x11, 100, "0.0.0.0", 2, 125, 0, 0), "IGMPv3", "Membership Query, general"},
		{igmpMessage(0x11, 100, "239.1.1.1", append([]byte{2, 125, 0, 2}, ipv4s(two...)...)...), "IGMPv3",
			"Membership Query, specific for group 239.1.1.1, sources {10.1.1.1, 10.1.1.2}"},
		{igmpMessage(0x12, 0, "239.1.1.1"), "IGMPv1", "Membership Report"},
		{igmpMessage(0x16, 0, "239.1.1.1"), "IGMPv2", "Membership Report group 239.1.1.1"},
		{igmpMessage(0x17, 0, "239.1.1.1"), "IGMPv2", "Leave Group 239.1.1.1"},
		{igmpMessage(0x30, 0, "0.0.0.0"), "IGMP", "Unknown Type:0x30"},
		{igmpReport(igmpRecord(1, "239.1.1.1"), igmpRecord(4, "239.1.1.4"), igmpRecord(5, "239.1.1.5"), igmpRecord(9, "239.1.1.9")), "IGMPv3",
			"Membership Report / Leave group 239.1.1.1 / Join group 239.1.1.4 for any sources / Group 239.1.1.5, ALLOW_NEW_SOURCES but no source specified (?) / Group 239.1.1.9, unknown record type (?)"},
		{igmpReport(igmpRecord(1, "239.2.2.1", two...), igmpRecord(2, "239.2.2.2", two...), igmpRecord(6, "239.2.2.6", two...)), "IGMPv3",
			"Membership Report / Join group 239.2.2.1 for sources in {10.1.1.1, 10.1.1.2} / Join group 239.2.2.2, for sources not in {10.1.1.1, 10.1.1.2} / Group 239.2.2.6, block sources {10.1.1.1, 10.1.1.2}"},
		{igmpReport(igmpRecord(3, "239.2.2.3", "10.1.1.1"), igmpRecord(4, "239.2.2.4", "10.1.1.1"), igmpRecord(5, "239.2.2.5", "10.1.1.1"), igmpRecord(7, "239.2.2.7", "10.1.1.1")), "IGMPv3",
			"Membership Report / Join group 239.2.2.3 for source {10.1.1.1} / Join group 239.2.2.4, for source not {10.1.1.1} / Group 239.2.2.5, new source {10.1.1.1} / Group 239.2.2.7, unknown record type (?), sources {10.1.1.1}"},
	}
	var frames []craftedFrame
	for _, c := range cases {
		binary.BigEndian.PutUint16(c.msg[2:], ^onesSum(c.msg))
		ip := &layers.IPv4{Version: 4, TTL: 1, Protocol: layers.IPProtocolIGMP, SrcIP: net.IP{10, 0, 0, 2}, DstIP: net.IP{224, 0, 0, 22}}
		frames = append(frames, craftedFrame{decodetest.Frame(t, ip, gopacket.Payload(c.msg)), c.proto, c.info})
	}
	summariesAgree(t, frames)
}

// craftedFrame is a raw IP packet a test made, and the Protocol and Info
// columns it wants for it.
type craftedFrame struct {
	data        []byte
	proto, info string
}

// summariesAgree decodes each frame and checks its Protocol and Info
// columns; with tshark installed, it writes the frames to a capture and
// checks that tshark names them so too, which proves the test's words.
func summariesAgree(t *testing.T, frames []craftedFrame) {
	t.Helper()
	parser := decode.NewParser()
	for _, f := range frames {
		var p decode.Packet
		p.OrigLen = len(f.data)
		parser.Decode(f.data, layers.LinkTypeRaw, &p)
		if s := decode.Summarize(&p, nil); s.Protocol != f.proto || s.Info != f.info {
			t.Errorf("% x:\n\tgot  %s %q\n\twant %s %q", f.data, s.Protocol, s.Info, f.proto, f.info)
		}
	}
	if _, err := exec.LookPath("tshark"); err != nil {
		t.Log("tshark is not installed: the names were not asked of it")
		return
	}
	path := filepath.Join(t.TempDir(), "crafted.pcap")
	out, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w := pcapgo.NewWriter(out)
	if err := w.WriteFileHeader(65535, layers.LinkTypeRaw); err != nil {
		t.Fatal(err)
	}
	for i, f := range frames {
		ci := gopacket.CaptureInfo{Timestamp: time.Unix(int64(i), 0), CaptureLength: len(f.data), Length: len(f.data)}
		if err := w.WritePacket(ci, f.data); err != nil {
			t.Fatal(err)
		}
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
	theirs := tsharkRows(t, path)
	for i, f := range frames {
		if r := theirs[i+1]; r.proto != f.proto || r.info != f.info {
			t.Errorf("tshark names % x: %s %q, the test wants %s %q", f.data, r.proto, r.info, f.proto, f.info)
		}
	}
}

// Neighbor discovery and echo messages of ICMPv6, and echoes and
// redirects of ICMP, are named as Wireshark names them.
func TestICMPSummaries(t *testing.T) {
	mac := net.HardwareAddr{0x1c, 0x5f, 0x2b, 0xaa, 0xfd, 0x4e}
	target := net.ParseIP("fe80::2")
	source := append([]byte{1, 1}, mac...) // source link-layer address option
	targetMAC := append([]byte{2, 1}, mac...)
	v6 := func(typ uint8, hops uint8, body ...[]byte) []byte {
		msg := []byte{typ, 0, 0, 0}
		for _, b := range body {
			msg = append(msg, b...)
		}
		ip := &layers.IPv6{Version: 6, HopLimit: hops, NextHeader: layers.IPProtocolICMPv6, SrcIP: net.ParseIP("fe80::1"), DstIP: net.ParseIP("ff02::1")}
		return decodetest.Frame(t, ip, gopacket.Payload(msg))
	}
	v4 := func(typ, code uint8, ttl uint8, body ...byte) []byte {
		msg := append([]byte{typ, code, 0, 0}, body...)
		binary.BigEndian.PutUint16(msg[2:], ^onesSum(msg))
		ip := &layers.IPv4{Version: 4, TTL: ttl, Protocol: layers.IPProtocolICMPv4, SrcIP: net.IP{10, 0, 0, 1}, DstIP: net.IP{10, 0, 0, 2}}
		return decodetest.Frame(t, ip, gopacket.Payload(msg))
	}
	flags := func(f byte) []byte { return []byte{f, 0, 0, 0} }
	// A redirect quotes the header of the packet it redirects.
	quoted := decodetest.Frame(t, &layers.IPv4{Version: 4, TTL: 64, Protocol: layers.IPProtocolUDP, SrcIP: net.IP{10, 0, 0, 2}, DstIP: net.IP{10, 0, 0, 9}},
		gopacket.Payload(make([]byte, 8)))
	summariesAgree(t, []craftedFrame{
		{v6(133, 255, flags(0), source), "ICMPv6", "Router Solicitation from 1c:5f:2b:aa:fd:4e"},
		{v6(133, 255, flags(0)), "ICMPv6", "Router Solicitation"},
		{v6(134, 255, make([]byte, 12), source), "ICMPv6", "Router Advertisement from 1c:5f:2b:aa:fd:4e"},
		{v6(135, 255, flags(0), target, source), "ICMPv6", "Neighbor Solicitation for fe80::2 from 1c:5f:2b:aa:fd:4e"},
		{v6(136, 255, flags(0xe0), target, targetMAC), "ICMPv6", "Neighbor Advertisement fe80::2 (rtr, sol, ovr) is at 1c:5f:2b:aa:fd:4e"},
		{v6(136, 255, flags(0x60), target), "ICMPv6", "Neighbor Advertisement fe80::2 (sol, ovr)"},
		{v6(136, 255, flags(0), target), "ICMPv6", "Neighbor Advertisement fe80::2 (none)"},
		{v6(128, 64, []byte{0, 9, 0, 1}), "ICMPv6", "Echo (ping) request id=0x0009, seq=1, hop limit=64"},
		{v4(8, 0, 64, 0x64, 0x2a, 0, 1), "ICMP", "Echo (ping) request  id=0x642a, seq=1/256, ttl=64"},
		{v4(5, 1, 64, append([]byte{10, 0, 0, 9}, quoted...)...), "ICMP", "Redirect             (Redirect for host)"},
		{v4(3, 3, 64, 0, 0, 0, 0), "ICMP", "Destination unreachable (Port unreachable)"},
	})
}

// onesSum is the ones' complement sum of b, for an IGMP checksum.
func onesSum(b []byte) uint16 {
	var s uint32
	for i := 0; i+1 < len(b); i += 2 {
		s += uint32(binary.BigEndian.Uint16(b[i:]))
	}
	if len(b)%2 == 1 {
		s += uint32(b[len(b)-1]) << 8
	}
	for s > 0xffff {
		s = s>>16 + s&0xffff
	}
	return uint16(s)
}
