package app

import (
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"

	"thingsniff/capture"
	"thingsniff/capture/synth"
	"thingsniff/decode/decodetest"
)

// seg describes one TCP segment of a test conversation.
type seg struct {
	fromClient bool
	flags      string // letters S, A, F, R, P
	seq, ack   uint32
	payload    string
	at         time.Duration
}

var (
	testClientMAC = net.HardwareAddr{0x00, 0x12, 0xfb, 0x01, 0x02, 0x03}
	testServerMAC = net.HardwareAddr{0x00, 0x15, 0x5d, 0xaa, 0xbb, 0xcc}
	testClientIP  = net.IPv4(192, 168, 137, 23).To4()
	testServerIP  = net.IPv4(192, 168, 137, 1).To4()
)

// writeTCPCapture writes one TCP conversation (client port 50000 to
// server port 80) as pcapng into dir and returns its path.
func writeTCPCapture(t testing.TB, dir string, segs []seg) string {
	t.Helper()
	path := filepath.Join(dir, "conv.pcapng")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	w, err := capture.NewPcapngWriter(f, []capture.Interface{{LinkType: layers.LinkTypeEthernet, Name: "eth0", Snaplen: 65535}})
	if err != nil {
		t.Fatal(err)
	}
	start := time.Date(2026, 11, 25, 20, 1, 2, 0, time.UTC)
	for _, s := range segs {
		eth := &layers.Ethernet{SrcMAC: testClientMAC, DstMAC: testServerMAC, EthernetType: layers.EthernetTypeIPv4}
		ip := &layers.IPv4{Version: 4, TTL: 64, Protocol: layers.IPProtocolTCP, SrcIP: testClientIP, DstIP: testServerIP}
		tcp := &layers.TCP{SrcPort: 50000, DstPort: 80, Seq: s.seq, Ack: s.ack, Window: 64240}
		if !s.fromClient {
			eth.SrcMAC, eth.DstMAC = eth.DstMAC, eth.SrcMAC
			ip.SrcIP, ip.DstIP = ip.DstIP, ip.SrcIP
			tcp.SrcPort, tcp.DstPort = tcp.DstPort, tcp.SrcPort
		}
		decodetest.SetTCPFlags(tcp, s.flags)
		if err := tcp.SetNetworkLayerForChecksum(ip); err != nil {
			t.Fatal(err)
		}
		b := decodetest.Frame(t, eth, ip, tcp, gopacket.Payload(s.payload))
		if err := w.WritePacket(0, start.Add(s.at).UnixNano(), b, uint32(len(b))); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	return path
}

// serverHangsUp is the log-off story: handshake, one request and answer,
// 42 s of silence, then the server sends FIN.
var serverHangsUp = []seg{
	{true, "S", 1000, 0, "", 0},
	{false, "SA", 5000, 1001, "", 10 * time.Millisecond},
	{true, "A", 1001, 5001, "", 20 * time.Millisecond},
	{true, "PA", 1001, 5001, "GET /liveupdate.jsp?model=BD-5500 HTTP/1.1\r\nHost: x\r\n\r\n", 30 * time.Millisecond},
	{false, "PA", 5001, 1056, "HTTP/1.1 200 OK\r\nContent-Length: 11\r\n\r\n[NO UPDATE]", 80 * time.Millisecond},
	{true, "A", 1056, 5051, "", 90 * time.Millisecond},
	{false, "FA", 5051, 1056, "", 42090 * time.Millisecond},
	{true, "FA", 1056, 5052, "", 42100 * time.Millisecond},
	{false, "A", 5052, 1057, "", 42110 * time.Millisecond},
}

// mixFile writes a generated mix with options o into a temporary folder
// and returns its path.
func mixFile(t testing.TB, o synth.Options) string {
	t.Helper()
	format := o.Format
	if format == "" {
		format = "pcapng"
	}
	path := filepath.Join(t.TempDir(), "mix."+format)
	if err := synth.WriteMixFile(path, o); err != nil {
		t.Fatal(err)
	}
	return path
}
