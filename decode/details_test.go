package decode_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"

	"thingsniff/decode"
	"thingsniff/decode/decodetest"
	"thingsniff/decode/quic/quictest"
)

// find returns the first node whose title starts with prefix.
func find(nodes []decode.Node, prefix string) *decode.Node {
	for i := range nodes {
		if strings.HasPrefix(nodes[i].Title, prefix) {
			return &nodes[i]
		}
		if n := find(nodes[i].Children, prefix); n != nil {
			return n
		}
	}
	return nil
}

// Every field of the protocols read here marks exactly its own bytes:
// the bytes under a field are the value its title shows.
func TestDetailsFieldBytes(t *testing.T) {
	udpFrame := func(sp, dp uint16, payload []byte) []byte { return udpTo(t, sp, dp, payload) }
	tcpFrame := func(dp uint16, payload []byte) []byte { return tcpTo(t, dp, payload) }
	dnsQ := decodetest.Frame(t, append([]gopacket.SerializableLayer{eth(layers.EthernetTypeIPv4)},
		dnsQuery(ip4(layers.IPProtocolUDP, "192.168.137.23", "192.168.137.1"), "update.example.com")...)...)
	hello := quictest.ClientHello(t, "update.example.com")
	record := append([]byte{0x16, 0x03, 0x01, byte(len(hello) >> 8), byte(len(hello))}, hello...)
	connect := []byte{0x10, 0x11, 0, 4, 'M', 'Q', 'T', 'T', 4, 2, 0, 60, 0, 5, 'c', 'a', 'm', '-', '7'}
	ntpServer := append([]byte{0x24, 2, 3, 0xe9}, make([]byte, 44)...)
	// An SSLv2-framed hello offering TLS 1.0: 3 cipher specs, no session
	// id, a 16-byte challenge of 0xcc.
	sslv2 := append([]byte{0x80, 9 + 3 + 16, 1, 3, 1, 0, 3, 0, 0, 0, 16, 0, 0, 0x2f}, bytes.Repeat([]byte{0xcc}, 16)...)
	cases := []struct {
		name, field string
		frame       []byte
		want        []byte // the bytes the field must mark
	}{
		{"DNS ID", "Transaction ID: 0x7843", dnsQ, []byte{0x78, 0x43}},
		{"DNS name", "Name: update.example.com", dnsQ, append([]byte("\x06update\x07example\x03com"), 0)},
		{"TLS server name", "Server Name: update.example.com", tcpFrame(8883, record), []byte("update.example.com")},
		{"TLS ALPN", "ALPN Next Protocol: h3", tcpFrame(443, record), []byte("h3")},
		{"SSLv2 hello version", "Version: TLS 1.0", tcpFrame(443, sslv2), []byte{3, 1}},
		{"SSLv2 hello challenge", "Challenge (16 bytes)", tcpFrame(443, sslv2), bytes.Repeat([]byte{0xcc}, 16)},
		{"MQTT client id", "Client ID: cam-7", tcpFrame(1883, connect), []byte("\x00\x05cam-7")},
		{"NTP stratum", "Peer Clock Stratum: 2", udpFrame(123, 123, ntpServer), []byte{2}},
		{"QUIC DCID", "Destination Connection ID: 0102030405060708", udpFrame(50000, 443, quictest.Initial(t, "a.example")), []byte{1, 2, 3, 4, 5, 6, 7, 8}},
	}
	for _, c := range cases {
		nodes := decode.Details(c.frame, layers.LinkTypeEthernet)
		n := find(nodes, c.field)
		if n == nil {
			t.Errorf("%s: no %q in the tree", c.name, c.field)
			continue
		}
		if got := c.frame[n.Start:n.End]; !bytes.Equal(got, c.want) {
			t.Errorf("%s: %q marks bytes %d-%d %x, want %x", c.name, n.Title, n.Start, n.End, got, c.want)
		}
	}
	// The TLS tree is named by its port.
	if n := find(decode.Details(tcpFrame(8883, record), layers.LinkTypeEthernet), "Transport Layer Security (MQTT over TLS)"); n == nil {
		t.Error("TLS on 8883 is not named MQTT over TLS")
	}
}

// With its flow, a TCP segment shows relative numbers with raw ones
// beside, and its analysis.
func TestDetailsRelativeTCP(t *testing.T) {
	client := ip4(layers.IPProtocolTCP, "192.168.137.23", "52.1.2.3")
	e := decode.NewEngine()
	var frames [][]byte
	var ixs []decode.Index
	for _, s := range []struct {
		flags string
		seq   uint32
		data  int
	}{{"S", 3000000000, 0}, {"PA", 3000000001, 10}, {"PA", 3000000001, 10}} {
		tcp := &layers.TCP{SrcPort: 50000, DstPort: 80, Seq: s.seq, Window: 502}
		decodetest.SetTCPFlags(tcp, s.flags)
		tcp.SetNetworkLayerForChecksum(client)
		b := decodetest.Frame(t, eth(layers.EthernetTypeIPv4), client, tcp, gopacket.Payload(make([]byte, s.data)))
		frames = append(frames, b)
		ixs = append(ixs, e.Add(b, layers.LinkTypeEthernet, decode.Meta{Time: int64(len(frames)) * 1e9, CapLen: uint32(len(b)), OrigLen: uint32(len(b))}))
	}
	nodes := decode.DetailsOf(frames[2], layers.LinkTypeEthernet, decode.Context{Flow: e.Flow(ixs[2].Flow), Analysis: ixs[2].Analysis})
	for _, want := range []string{"Sequence Number: 1    (relative sequence number)", "Sequence Number (raw): 3000000001",
		"[TCP Analysis Flags: TCP Retransmission]"} {
		if find(nodes, want) == nil {
			t.Errorf("no %q in the tree", want)
		}
	}
	if n := find(nodes, "Sequence Number: 1"); n != nil && n.End-n.Start != 4 {
		t.Errorf("sequence number marks %d bytes", n.End-n.Start)
	}
}

// Windows are scaled as both SYNs agreed (in the Info column and the
// details), and shown as sent when either SYN left the option out.
func TestWindowScaling(t *testing.T) {
	client := ip4(layers.IPProtocolTCP, "192.168.137.23", "52.1.2.3")
	server := ip4(layers.IPProtocolTCP, "52.1.2.3", "192.168.137.23")
	wscale := func(shift byte) []layers.TCPOption {
		return []layers.TCPOption{{OptionType: layers.TCPOptionKindWindowScale, OptionLength: 3, OptionData: []byte{shift}}}
	}
	type seg struct {
		fromServer bool
		flags      string
		window     uint16
		opts       []layers.TCPOption
	}
	for _, c := range []struct {
		name         string
		serverScale  []layers.TCPOption
		wantC, wantS string
	}{
		{"both scale", wscale(2), "Win=64256", "Win=400"},
		{"the server does not", nil, "Win=502", "Win=100"},
	} {
		e := decode.NewEngine()
		var rows []string
		var details []decode.Node
		for i, s := range []seg{{false, "S", 64240, wscale(7)}, {true, "SA", 65160, c.serverScale}, {false, "A", 502, nil}, {true, "A", 100, nil}} {
			ip, sp, dp := client, layers.TCPPort(50000), layers.TCPPort(80)
			if s.fromServer {
				ip, sp, dp = server, 80, 50000
			}
			tcp := &layers.TCP{SrcPort: sp, DstPort: dp, Seq: 1000, Ack: 5000, Window: s.window, Options: s.opts}
			decodetest.SetTCPFlags(tcp, s.flags)
			tcp.SetNetworkLayerForChecksum(ip)
			b := decodetest.Frame(t, eth(layers.EthernetTypeIPv4), ip, tcp)
			ix := e.Add(b, layers.LinkTypeEthernet, decode.Meta{Time: int64(i+1) * 1e6, CapLen: uint32(len(b)), OrigLen: uint32(len(b))})
			var pkt decode.Packet
			pkt.OrigLen = len(b)
			decode.NewParser().Decode(b, layers.LinkTypeEthernet, &pkt)
			f := e.Flow(ix.Flow)
			pkt.ToServer = f.FromClient(&pkt)
			rows = append(rows, decode.Summarize(&pkt, f).Info)
			details = decode.DetailsOf(b, layers.LinkTypeEthernet, decode.Context{Flow: f})
		}
		if !strings.Contains(rows[0], "Win=64240 ") || !strings.Contains(rows[1], "Win=65160 ") {
			t.Errorf("%s: a SYN's window is never scaled: %q, %q", c.name, rows[0], rows[1])
		}
		if !strings.Contains(rows[2], c.wantC+" ") || !strings.Contains(rows[3], c.wantS+" ") {
			t.Errorf("%s: rows %q, %q; want %s and %s", c.name, rows[2], rows[3], c.wantC, c.wantS)
		}
		want := "[Calculated window size: " + strings.TrimPrefix(c.wantS, "Win=") + "]"
		if find(details, want) == nil {
			t.Errorf("%s: no %q in the server's last segment's details", c.name, want)
		}
	}
}

// A capture that starts mid-connection numbers each side from its first
// byte seen, and the side not seen yet from the first ACK of it.
func TestRelativeNumbersMidConnection(t *testing.T) {
	client := ip4(layers.IPProtocolTCP, "192.168.137.23", "52.1.2.3")
	tcp := &layers.TCP{SrcPort: 50000, DstPort: 80, Seq: 1000, Ack: 777, Window: 502}
	decodetest.SetTCPFlags(tcp, "PA")
	tcp.SetNetworkLayerForChecksum(client)
	b := decodetest.Frame(t, eth(layers.EthernetTypeIPv4), client, tcp, gopacket.Payload(make([]byte, 10)))
	e := decode.NewEngine()
	ix := e.Add(b, layers.LinkTypeEthernet, decode.Meta{Time: 1, CapLen: uint32(len(b)), OrigLen: uint32(len(b))})
	if got := decode.Summarize(e.Last(), e.Flow(ix.Flow)).Info; !strings.Contains(got, " Seq=1 Ack=1 Win=502 Len=10") {
		t.Errorf("first segment seen: %q, want Seq=1 Ack=1", got)
	}
}
