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
	nodes := decode.DetailsOf(frames[2], layers.LinkTypeEthernet, decode.Context{Flow: e.Flow(ixs[2].Flow), Flags: ixs[2].Flags})
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
