package decode_test

import (
	"strings"
	"testing"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"

	"thingsniff/decode"
	"thingsniff/decode/decodetest"
	"thingsniff/decode/quic/quictest"
)

// The Info column of protocols the corpus has none of, with packets
// written here: what Wireshark says of each, in its words.
func TestInfoOfProtocols(t *testing.T) {
	seg := func(dport uint16, payload []byte) []byte { return tcpTo(t, dport, payload) }
	dgram := func(sport, dport uint16, payload []byte) []byte { return udpTo(t, sport, dport, payload) }
	connect := []byte{0x10, 0x11, 0, 4, 'M', 'Q', 'T', 'T', 4, 2, 0, 60, 0, 5, 'c', 'a', 'm', '-', '7'}
	publish := []byte{0x32, 0x09, 0, 3, 'a', '/', 'b', 0, 7, 'o', 'n'}
	ping := []byte{0xc0, 0}
	ntpServer := append([]byte{0x24, 2}, make([]byte, 46)...)
	padi := decodetest.Frame(t, &layers.Ethernet{SrcMAC: thingMAC, DstMAC: layers.EthernetBroadcast, EthernetType: layers.EthernetTypePPPoEDiscovery},
		&layers.PPPoE{Version: 1, Type: 1, Code: layers.PPPoECodePADI}, gopacket.Payload{0x01, 0x01, 0x00, 0x00})
	alert := []byte{0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x28}
	sslv2 := append([]byte{0x80, 9 + 3 + 16, 1, 3, 1, 0, 3, 0, 0, 0, 16, 0, 0, 0x2f}, make([]byte, 16)...)
	cases := []struct {
		name string
		b    []byte
		info string
	}{
		{"MQTT connect and publish in one segment", seg(1883, append(append(connect, publish...), ping...)),
			"Connect Command, Publish Message (id=7) [a/b], Ping Request"},
		{"NTP server", dgram(123, 40000, ntpServer), "NTP Version 4, server"},
		{"PPPoE discovery", padi, "Active Discovery Initiation (PADI)"},
		{"TLS alert in clear", seg(8883, alert), "Alert (Level: Fatal, Description: Handshake Failure)"},
		{"SSLv2-framed hello on any port", seg(8443, sslv2), "Client Hello"},
		{"the same bytes but one", seg(8443, sslv2[:len(sslv2)-1]), "50000 → 8443 [PSH, ACK] Seq=1 Ack=1 Win=502 Len=29"},
		{"HTTP body whose type Wireshark names", seg(80, []byte("HTTP/1.1 200 OK\r\nContent-Type: Text/HTML; charset=utf-8\r\nContent-Length: 2\r\n\r\nhi")),
			"HTTP/1.1 200 OK  (text/html)"},
		{"HTTP header whose body was not captured", seg(80, []byte("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 900\r\n\r\n")),
			"HTTP/1.1 200 OK"},
		{"HTTP chunked body", seg(80, []byte("POST /a HTTP/1.1\r\ncontent-type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n\r\n3\r\na=b\r\n0\r\n\r\n")),
			"POST /a HTTP/1.1  (application/x-www-form-urlencoded)"},
		{"HTTP empty body", seg(80, []byte("HTTP/1.1 304 Not Modified\r\nContent-Type: text/html\r\nContent-Length: 0\r\n\r\nHTTP/1.1")),
			"HTTP/1.1 304 Not Modified"},
		{"HTTP body for a dissector of its own", seg(80, []byte("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\r\n{}")),
			"HTTP/1.1 200 OK"},
		{"TLS record cut mid-way", seg(443, []byte{0x17, 0x03, 0x03, 0x40, 0x00, 1, 2, 3}), "[TLS segment of a reassembled PDU]"},
	}
	for _, c := range cases {
		var pkt decode.Packet
		pkt.OrigLen = len(c.b)
		decode.NewParser().Decode(c.b, layers.LinkTypeEthernet, &pkt)
		if got := decode.Summarize(&pkt, nil).Info; got != c.info {
			t.Errorf("%s:\n got %q\nwant %q", c.name, got, c.info)
		}
	}
}

// A QUIC Initial's row names its server where the ClientHello is whole
// in it (the Initial is written by quictest: RFC 9001 protection around
// a ClientHello from Go's TLS).
func TestInfoOfQUICInitial(t *testing.T) {
	b := udpTo(t, 50000, 443, quictest.Initial(t, "update.example.com"))
	var p decode.Packet
	decode.NewParser().Decode(b, layers.LinkTypeEthernet, &p)
	info := decode.Summarize(&p, nil).Info
	if p.Proto != decode.ProtoQUIC || !strings.HasPrefix(info, "Initial, DCID=0102030405060708, SCID=aabbcc, PKN: 0, CRYPTO") ||
		!strings.HasSuffix(info, "(SNI=update.example.com)") {
		t.Errorf("%v %q", p.Proto, info)
	}
}
