package decode_test

import (
	"net"
	"net/netip"
	"testing"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"

	"thingsniff/decode"
	"thingsniff/decode/decodetest"
)

var (
	thingMAC = net.HardwareAddr{0x00, 0x12, 0xfb, 0x3c, 0x91, 0xd4}
	gwMAC    = net.HardwareAddr{0x00, 0x14, 0x22, 0x5e, 0xa1, 0x07}
)

func ip4(proto layers.IPProtocol, src, dst string) *layers.IPv4 {
	return &layers.IPv4{Version: 4, IHL: 5, TTL: 64, Protocol: proto, SrcIP: net.ParseIP(src).To4(), DstIP: net.ParseIP(dst).To4()}
}

// dnsQuery returns the UDP and DNS layers of a query for name from the
// thing's address, over the given network layer.
func dnsQuery(net gopacket.NetworkLayer, name string) []gopacket.SerializableLayer {
	udp := &layers.UDP{SrcPort: 40000, DstPort: 53}
	udp.SetNetworkLayerForChecksum(net)
	dns := &layers.DNS{ID: 0x7843, RD: true, QDCount: 1, Questions: []layers.DNSQuestion{{Name: []byte(name), Type: layers.DNSTypeA, Class: layers.DNSClassIN}}}
	return []gopacket.SerializableLayer{net.(gopacket.SerializableLayer), udp, dns}
}

// tcpTo is a segment with payload from the thing's port 50000 to dport
// of a server, as an established connection sends it.
func tcpTo(tb testing.TB, dport uint16, payload []byte) []byte {
	ip := ip4(layers.IPProtocolTCP, "192.168.137.23", "52.1.2.3")
	tcp := &layers.TCP{SrcPort: 50000, DstPort: layers.TCPPort(dport), Seq: 1, Ack: 1, Window: 502, ACK: true, PSH: true}
	tcp.SetNetworkLayerForChecksum(ip)
	return decodetest.Frame(tb, eth(layers.EthernetTypeIPv4), ip, tcp, gopacket.Payload(payload))
}

// udpTo is a datagram with payload from the thing to a server.
func udpTo(tb testing.TB, sport, dport uint16, payload []byte) []byte {
	ip := ip4(layers.IPProtocolUDP, "192.168.137.23", "52.1.2.3")
	udp := &layers.UDP{SrcPort: layers.UDPPort(sport), DstPort: layers.UDPPort(dport)}
	udp.SetNetworkLayerForChecksum(ip)
	return decodetest.Frame(tb, eth(layers.EthernetTypeIPv4), ip, udp, gopacket.Payload(payload))
}

func eth(t layers.EthernetType) *layers.Ethernet {
	return &layers.Ethernet{SrcMAC: thingMAC, DstMAC: gwMAC, EthernetType: t}
}

// A DNS query is DNS whatever carries it: the decoder goes through
// PPPoE, QinQ, MPLS, GRE, VXLAN and IP-in-IP to the innermost packet.
func TestTunnelsAreDecapsulated(t *testing.T) {
	inner := ip4(layers.IPProtocolUDP, "100.64.0.7", "9.9.9.9")
	outer := ip4(layers.IPProtocolUDP, "10.0.0.1", "10.0.0.2")
	vxlanUDP := &layers.UDP{SrcPort: 51000, DstPort: 4789}
	vxlanUDP.SetNetworkLayerForChecksum(outer)
	frames := map[string][]gopacket.SerializableLayer{
		"PPPoE session in QinQ": append([]gopacket.SerializableLayer{eth(layers.EthernetTypeQinQ),
			&layers.Dot1Q{VLANIdentifier: 100, Type: layers.EthernetTypeDot1Q},
			&layers.Dot1Q{VLANIdentifier: 7, Type: layers.EthernetTypePPPoESession},
			&layers.PPPoE{Version: 1, Type: 1, Code: layers.PPPoECodeSession, SessionId: 0x1234},
			&layers.PPP{PPPType: layers.PPPTypeIPv4}}, dnsQuery(inner, "update.example.com")...),
		"two MPLS labels": append([]gopacket.SerializableLayer{eth(layers.EthernetTypeMPLSUnicast),
			&layers.MPLS{Label: 16, TTL: 64}, &layers.MPLS{Label: 17, StackBottom: true, TTL: 64}}, dnsQuery(inner, "update.example.com")...),
		"GRE": append([]gopacket.SerializableLayer{eth(layers.EthernetTypeIPv4), ip4(layers.IPProtocolGRE, "10.0.0.1", "10.0.0.2"),
			&layers.GRE{Protocol: layers.EthernetTypeIPv4}}, dnsQuery(inner, "update.example.com")...),
		"VXLAN": append([]gopacket.SerializableLayer{eth(layers.EthernetTypeIPv4), outer, vxlanUDP, &layers.VXLAN{ValidIDFlag: true, VNI: 42}, eth(layers.EthernetTypeIPv4)},
			dnsQuery(inner, "update.example.com")...),
		"IP in IP": append([]gopacket.SerializableLayer{eth(layers.EthernetTypeIPv4), ip4(layers.IPProtocolIPv4, "10.0.0.1", "10.0.0.2")},
			dnsQuery(inner, "update.example.com")...),
	}
	p := decode.NewParser()
	for name, ls := range frames {
		b := decodetest.Frame(t, ls...)
		var pkt decode.Packet
		pkt.OrigLen = len(b)
		p.Decode(b, layers.LinkTypeEthernet, &pkt)
		if pkt.Err != nil || pkt.Proto != decode.ProtoDNS || pkt.Src.String() != "100.64.0.7" || pkt.DstPort != 53 {
			t.Errorf("%s: %v from %v to port %d (%v)", name, pkt.Proto, pkt.Src, pkt.DstPort, pkt.Err)
		}
		if s := decode.Summarize(&pkt, nil); s.Protocol != "DNS" {
			t.Errorf("%s: listed as %q", name, s.Protocol)
		}
	}
}

func TestPPPoEDiscovery(t *testing.T) {
	// PADI: PPPoE discovery, code 0x09, session 0, a Service-Name tag.
	b := decodetest.Frame(t, &layers.Ethernet{SrcMAC: thingMAC, DstMAC: layers.EthernetBroadcast, EthernetType: layers.EthernetTypePPPoEDiscovery},
		&layers.PPPoE{Version: 1, Type: 1, Code: layers.PPPoECodePADI}, gopacket.Payload{0x01, 0x01, 0x00, 0x00})
	var pkt decode.Packet
	decode.NewParser().Decode(b, layers.LinkTypeEthernet, &pkt)
	if pkt.Proto != decode.ProtoPPPoED || pkt.Err != nil {
		t.Errorf("PADI decoded as %v (%v)", pkt.Proto, pkt.Err)
	}
}

// A frame cut by the snap length is cut, not malformed, and its payload
// length is what its headers say was sent.
func TestSnapLengthCut(t *testing.T) {
	ip := ip4(layers.IPProtocolTCP, "192.168.137.23", "52.1.2.3")
	tcp := &layers.TCP{SrcPort: 50000, DstPort: 8883, Seq: 1000, Ack: 1, Window: 502, ACK: true, PSH: true}
	tcp.SetNetworkLayerForChecksum(ip)
	payload := make(gopacket.Payload, 590)
	copy(payload, []byte{0x17, 0x03, 0x03, 0x02, 0x49})
	b := decodetest.Frame(t, eth(layers.EthernetTypeIPv4), ip, tcp, payload)
	for _, snap := range []int{58, 54, 64} {
		var pkt decode.Packet
		pkt.OrigLen = len(b)
		decode.NewParser().Decode(b[:snap], layers.LinkTypeEthernet, &pkt)
		if pkt.Malformed || pkt.SentLen != 590 || pkt.PayloadLen != snap-54 {
			t.Errorf("snap %d: malformed %v (%v), sent %d, captured %d", snap, pkt.Malformed, pkt.Err, pkt.SentLen, pkt.PayloadLen)
		}
	}
	// A TCP header cut in two is cut, not malformed, when the frame was longer.
	var pkt decode.Packet
	pkt.OrigLen = len(b)
	decode.NewParser().Decode(b[:44], layers.LinkTypeEthernet, &pkt)
	if pkt.Malformed || !pkt.Cut {
		t.Errorf("TCP header cut: malformed %v cut %v (%v)", pkt.Malformed, pkt.Cut, pkt.Err)
	}
}

// Protocols found by their bytes or their port.
func TestApplicationProtocols(t *testing.T) {
	seg := func(dport uint16, payload []byte) []byte { return tcpTo(t, dport, payload) }
	dgram := func(dport uint16, payload []byte) []byte { return udpTo(t, 50000, dport, payload) }
	tlsRecord := []byte{0x16, 0x03, 0x01, 0x00, 0x04, 0x01, 0x00, 0x00, 0x00}
	ntpClient := append([]byte{0x23}, make([]byte, 47)...)
	quicInitial := append([]byte{0xc3, 0, 0, 0, 1, 8, 1, 2, 3, 4, 5, 6, 7, 8, 0, 0, 0x44, 0xd0}, make([]byte, 1200)...)
	cases := []struct {
		name string
		b    []byte
		want decode.Proto
	}{
		{"TLS on 8883", seg(8883, tlsRecord), decode.ProtoTLS},
		{"TLS on an odd port", seg(33001, tlsRecord), decode.ProtoTLS},
		{"MQTT CONNECT on 1883", seg(1883, []byte{0x10, 0x0c, 0, 4, 'M', 'Q', 'T', 'T', 4, 2, 0, 60, 0, 0}), decode.ProtoMQTT},
		{"NTP client", dgram(123, ntpClient), decode.ProtoNTP},
		{"QUIC Initial on 443", dgram(443, quicInitial), decode.ProtoQUIC},
		{"QUIC Initial on an odd port", dgram(4433, quicInitial), decode.ProtoQUIC},
		{"random UDP on an odd port", dgram(4433, []byte("hello there")), decode.ProtoUDP},
	}
	for _, c := range cases {
		var pkt decode.Packet
		decode.NewParser().Decode(c.b, layers.LinkTypeEthernet, &pkt)
		if pkt.Proto != c.want {
			t.Errorf("%s: %v, want %v", c.name, pkt.Proto, c.want)
		}
	}
	for _, c := range []struct {
		sp, dp uint16
		want   string
	}{{50000, 8883, "MQTT over TLS"}, {443, 50000, "HTTPS"}, {50000, 993, "IMAPS"}, {50000, 33001, "TLS"}, {50000, 80, "TLS"}} {
		if got := decode.TLSName(c.sp, c.dp); got != c.want {
			t.Errorf("TLS between %d and %d: %q, want %q", c.sp, c.dp, got, c.want)
		}
	}
}

// FuzzParser feeds any bytes to the parser on every link type it knows,
// through every tunnel it opens: it never panics and never reads past
// what it was given.
func FuzzParser(f *testing.F) {
	f.Add(decodetest.Frame(f, eth(layers.EthernetTypePPPoESession), &layers.PPPoE{Version: 1, Type: 1}, &layers.PPP{PPPType: layers.PPPTypeIPv4}, gopacket.Payload{0x45}), uint8(0))
	f.Add(decodetest.Frame(f, eth(layers.EthernetTypeMPLSUnicast), &layers.MPLS{Label: 1, StackBottom: true}, gopacket.Payload{0x60, 0, 0}), uint8(0))
	f.Add([]byte{0xff, 0x03, 0x00, 0x21, 0x45, 0, 0, 20}, uint8(1))
	f.Add(decodetest.Frame(f, append([]gopacket.SerializableLayer{eth(layers.EthernetTypeIPv4)},
		dnsQuery(ip4(layers.IPProtocolUDP, "10.0.0.1", "10.0.0.2"), "a.example")...)...), uint8(0))
	links := []layers.LinkType{layers.LinkTypeEthernet, layers.LinkTypePPP, layers.LinkTypeRaw, layers.LinkTypeLinuxSLL, layers.LinkTypeNull, decode.LinkTypeNFLOG}
	p := decode.NewParser()
	f.Fuzz(func(t *testing.T, b []byte, link uint8) {
		var pkt decode.Packet
		pkt.OrigLen = len(b) + int(link&1)*100
		p.Decode(b, links[int(link)%len(links)], &pkt)
		if pkt.PayloadLen > len(b) {
			t.Fatalf("payload of %d bytes from %d", pkt.PayloadLen, len(b))
		}
		_ = decode.Summarize(&pkt, nil)
		var check func([]decode.Node)
		check = func(ns []decode.Node) {
			for _, n := range ns {
				if n.Start < 0 || n.End > len(b) || n.End != 0 && n.End < n.Start {
					t.Fatalf("%q marks bytes %d-%d of %d", n.Title, n.Start, n.End, len(b))
				}
				check(n.Children)
			}
		}
		check(decode.Details(b, links[int(link)%len(links)]))
	})
}

// A frame that VXLAN carried keeps its tunnel's addresses and ports
// aside (filters match ip and udp on them, as tshark does), and its index
// entry says so whichever way the engine is fed.
func TestTunnelKeepsOuterHeader(t *testing.T) {
	outer := ip4(layers.IPProtocolUDP, "10.0.0.1", "10.0.0.2")
	udp := &layers.UDP{SrcPort: 51000, DstPort: 4789}
	udp.SetNetworkLayerForChecksum(outer)
	arp := &layers.ARP{AddrType: layers.LinkTypeEthernet, Protocol: layers.EthernetTypeIPv4, HwAddressSize: 6, ProtAddressSize: 4,
		Operation: layers.ARPRequest, SourceHwAddress: thingMAC, SourceProtAddress: []byte{192, 168, 1, 5},
		DstHwAddress: make([]byte, 6), DstProtAddress: []byte{192, 168, 1, 3}}
	b := decodetest.Frame(t, eth(layers.EthernetTypeIPv4), outer, udp, &layers.VXLAN{ValidIDFlag: true, VNI: 42}, eth(layers.EthernetTypeARP), arp)
	var pkt decode.Packet
	pkt.OrigLen = len(b)
	decode.NewParser().Decode(b, layers.LinkTypeEthernet, &pkt)
	want := decode.Outer{Src: outer4("10.0.0.1"), Dst: outer4("10.0.0.2"), UDP: true, SrcPort: 51000, DstPort: 4789}
	if pkt.Proto != decode.ProtoARP || !pkt.Tunneled || pkt.Outer != want || pkt.HasIP || pkt.SrcPort != 0 {
		t.Fatalf("%v tunneled %v outer %+v, has IP %v, port %d", pkt.Proto, pkt.Tunneled, pkt.Outer, pkt.HasIP, pkt.SrcPort)
	}
	m := decode.Meta{CapLen: uint32(len(b)), OrigLen: uint32(len(b))}
	packed := pkt.Header.Pack(m)
	for name, ix := range map[string]decode.Index{
		"Add":       decode.NewEngine().Add(b, layers.LinkTypeEthernet, m),
		"AddPacked": decode.NewEngine().AddPacked(&packed, nil),
	} {
		if !ix.Flags.Has(decode.FlagTunnel) {
			t.Errorf("%s: index flags %b lack FlagTunnel", name, ix.Flags)
		}
	}
	// Plain packets are no tunnel's.
	if ix := decode.NewEngine().Add(udpTo(t, 40000, 53, nil), layers.LinkTypeEthernet, m); ix.Flags.Has(decode.FlagTunnel) {
		t.Errorf("a plain datagram is marked as tunnelled")
	}
}

func outer4(s string) netip.Addr { return netip.MustParseAddr(s) }
