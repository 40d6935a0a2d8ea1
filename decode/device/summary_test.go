package device

import (
	"net"
	"strings"
	"testing"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"

	"thingsniff/decode"
	"thingsniff/decode/decodetest"
)

// tcpFrame builds an Ethernet frame of a TCP segment between a device
// (192.168.1.10, port 40000) and a server (203.0.113.5, port 8443).
func tcpFrame(t *testing.T, fromDevice bool, seq, ack uint32, flags string, payload string) []byte {
	t.Helper()
	dev, gw := net.HardwareAddr{2, 0, 0, 0, 0, 1}, net.HardwareAddr{2, 0, 0, 0, 0, 0xfe}
	devIP, srvIP := net.IP{192, 168, 1, 10}, net.IP{203, 0, 113, 5}
	eth := &layers.Ethernet{SrcMAC: gw, DstMAC: dev, EthernetType: layers.EthernetTypeIPv4}
	ip := &layers.IPv4{Version: 4, TTL: 64, Protocol: layers.IPProtocolTCP, SrcIP: srvIP, DstIP: devIP}
	tcp := &layers.TCP{SrcPort: 8443, DstPort: 40000, Seq: seq, Ack: ack, Window: 65535}
	if fromDevice {
		eth.SrcMAC, eth.DstMAC = dev, gw
		ip.SrcIP, ip.DstIP = devIP, srvIP
		tcp.SrcPort, tcp.DstPort = 40000, 8443
	}
	decodetest.SetTCPFlags(tcp, flags)
	if err := tcp.SetNetworkLayerForChecksum(ip); err != nil {
		t.Fatal(err)
	}
	return decodetest.Frame(t, eth, ip, tcp, gopacket.Payload(payload))
}

// A connection is summed up as it closes and again at the end: bytes that
// came after the close change its words.
func TestConnectionSummaryCountsBytesAfterItsClose(t *testing.T) {
	frames := [][]byte{
		tcpFrame(t, true, 100, 0, "S", ""),
		tcpFrame(t, false, 500, 101, "SA", ""),
		tcpFrame(t, true, 101, 501, "A", ""),
		tcpFrame(t, true, 101, 501, "PA", "hello"),
		tcpFrame(t, false, 501, 106, "FA", ""),
		tcpFrame(t, true, 106, 502, "FA", ""),
		tcpFrame(t, false, 502, 107, "A", ""),
	}
	b := NewBuilder(Options{})
	e := decode.NewEngine(b)
	add := func(i int, f []byte) {
		e.Add(f, layers.LinkTypeEthernet, decode.Meta{Time: int64(i) * 1e9, CapLen: uint32(len(f)), OrigLen: uint32(len(f))})
	}
	for i, f := range frames {
		add(i, f)
	}
	conn := func() *Event {
		for _, ev := range b.byMAC[macKey64([6]byte{2, 0, 0, 0, 0, 1})].Events {
			if ev.Kind == KindTCP {
				return ev
			}
		}
		t.Fatal("no connection event")
		return nil
	}
	if s := conn().Summary; !strings.Contains(s, "5 B out, 0 B in") {
		t.Fatalf("summed up as it closed: %q", s)
	}
	// The server sends more after the close (a late segment).
	add(len(frames), tcpFrame(t, false, 502, 107, "PA", "late bytes"))
	b.Finish(e.Flow)
	if s := conn().Summary; !strings.Contains(s, "5 B out, 10 B in") {
		t.Errorf("summed up at the end: %q; want the 10 bytes that came after the close", s)
	}
}
