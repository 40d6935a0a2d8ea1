package ui

import (
	"bytes"
	"image/color"
	"net"
	"os"
	"path/filepath"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/test"
	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"

	"thingsniff/app"
	"thingsniff/app/apptest"
	"thingsniff/capture"
	"thingsniff/decode/decodetest"
)

// harness is a window with a UI whose dispatch the test controls.
type harness struct {
	t *testing.T
	a fyne.App
	w fyne.Window
	u *UI
	q *apptest.Queue
}

func newHarness(t *testing.T, size fyne.Size) *harness {
	return newHarnessWith(t, size, app.Options{})
}

func newHarnessWith(t *testing.T, size fyne.Size, opts app.Options) *harness {
	t.Helper()
	a := test.NewTempApp(t)
	w := test.NewTempWindow(t, nil)
	q := &apptest.Queue{}
	opts.Dispatch, opts.SpoolDir = q.Dispatch, t.TempDir()
	u := Create(a, w, Config{Session: opts,
		Demo: func() []byte { return buildCapture(t, false) }})
	w.Resize(size)
	t.Cleanup(u.Shutdown)
	return &harness{t: t, a: a, w: w, u: u, q: q}
}

// settle waits for the load, any background work and the row worker,
// and runs what they dispatched.
func (h *harness) settle() {
	for range 10 {
		if l := h.u.session.Current(); l != nil {
			l.Wait()
		}
		h.u.work.Wait()
		if src := h.u.packets.src; src != nil {
			src.Wait()
		}
		h.q.Drain()
	}
}

// open opens a capture file and lets it load completely.
func (h *harness) open(path string) {
	h.t.Helper()
	if err := h.u.Open(path); err != nil {
		h.t.Fatal(err)
	}
	h.settle()
}

// Addresses of the test network: a thing, its gateway, an update server
// and another server.
func macThing() net.HardwareAddr   { return net.HardwareAddr{0x02, 0, 0, 0, 0, 0x10} }
func macGateway() net.HardwareAddr { return net.HardwareAddr{0x02, 0, 0, 0, 0, 0x01} }
func ipThing() net.IP              { return net.IP{192, 168, 137, 20} }
func ipGateway() net.IP            { return net.IP{192, 168, 137, 1} }
func ipServer() net.IP             { return net.IP{203, 0, 113, 80} }
func ipOther() net.IP              { return net.IP{198, 51, 100, 7} }

// packetSpec describes one test packet.
type packetSpec struct {
	fromThing bool
	dst       net.IP
	tcp       *layers.TCP
	udp       *layers.UDP
	arp       *layers.ARP
	payload   string
	cut       int // keep only this many bytes (a malformed packet)
}

// testPackets is a short story: an ARP, a DNS query and answer, an HTTP
// update check that the server closes with FIN, a connection that the
// server resets, and one packet cut in the middle of its IP header.
func testPackets() []packetSpec {
	tcp := func(sport, dport uint16, seq, ack uint32, flags string) *layers.TCP {
		t := &layers.TCP{SrcPort: layers.TCPPort(sport), DstPort: layers.TCPPort(dport), Seq: seq, Ack: ack, Window: 64240}
		decodetest.SetTCPFlags(t, flags)
		return t
	}
	get := "GET /liveupdate.jsp?model=CAM1&ver=1.0.3&region=EU HTTP/1.1\r\nHost: update.example.com\r\nCookie: sid=abc; expires=Thu, 01 Jan 2015 00:00:00 GMT\r\n\r\n"
	resp := "HTTP/1.1 200 OK\r\nContent-Length: 11\r\n\r\n[NO UPDATE]"
	return []packetSpec{
		{fromThing: true, arp: &layers.ARP{AddrType: layers.LinkTypeEthernet, Protocol: layers.EthernetTypeIPv4,
			HwAddressSize: 6, ProtAddressSize: 4, Operation: layers.ARPRequest,
			SourceHwAddress: macThing(), SourceProtAddress: ipThing(), DstHwAddress: make([]byte, 6), DstProtAddress: ipGateway()}},
		{fromThing: true, dst: ipGateway(), udp: &layers.UDP{SrcPort: 40000, DstPort: 53}, payload: "\x12\x34\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00\x06update\x07example\x03com\x00\x00\x01\x00\x01"},
		{fromThing: false, dst: ipGateway(), udp: &layers.UDP{SrcPort: 53, DstPort: 40000}, payload: "\x12\x34\x81\x80\x00\x01\x00\x01\x00\x00\x00\x00\x06update\x07example\x03com\x00\x00\x01\x00\x01\xc0\x0c\x00\x01\x00\x01\x00\x00\x00\x3c\x00\x04\xcb\x00\x71\x50"},
		{fromThing: true, dst: ipServer(), tcp: tcp(50000, 80, 1000, 0, "S")},
		{fromThing: false, dst: ipServer(), tcp: tcp(80, 50000, 5000, 1001, "SA")},
		{fromThing: true, dst: ipServer(), tcp: tcp(50000, 80, 1001, 5001, "A")},
		{fromThing: true, dst: ipServer(), tcp: tcp(50000, 80, 1001, 5001, "PA"), payload: get},
		{fromThing: false, dst: ipServer(), tcp: tcp(80, 50000, 5001, 1001+uint32(len(get)), "PA"), payload: resp},
		{fromThing: false, dst: ipServer(), tcp: tcp(80, 50000, 5001+uint32(len(resp)), 1001+uint32(len(get)), "FA")},
		{fromThing: true, dst: ipServer(), tcp: tcp(50000, 80, 1001+uint32(len(get)), 5002+uint32(len(resp)), "FA")},
		{fromThing: true, dst: ipOther(), tcp: tcp(50001, 8443, 7000, 0, "S")},
		{fromThing: false, dst: ipOther(), tcp: tcp(8443, 50001, 0, 7001, "RA")},
		{fromThing: true, dst: ipServer(), udp: &layers.UDP{SrcPort: 40001, DstPort: 123}, payload: "0123456789abcdef0123456789abcdef", cut: 14 + 12},
	}
}

// buildCapture writes testPackets as a pcapng file in memory; cutTail
// drops the end of the last record, as an interrupted capture would.
func buildCapture(t testing.TB, cutTail bool) []byte {
	return buildCaptureN(t, cutTail, 1)
}

// buildCaptureN repeats the story n times.
func buildCaptureN(t testing.TB, cutTail bool, n int) []byte {
	t.Helper()
	var buf bytes.Buffer
	w, err := capture.NewPcapngWriter(&buf, []capture.Interface{{LinkType: layers.LinkTypeEthernet, Name: "eth0", Snaplen: 65535}})
	if err != nil {
		t.Fatal(err)
	}
	base := int64(1_700_000_000_000_000_000)
	specs := testPackets()
	for k := range n * len(specs) {
		// Each telling is a connection of its own: both sides pick new
		// initial sequence numbers, as real ones do.
		p := specs[k%len(specs)]
		if p.tcp != nil {
			tcp := *p.tcp
			shift := uint32(k/len(specs)) * 100_000
			tcp.Seq += shift
			if tcp.ACK {
				tcp.Ack += shift
			}
			p.tcp = &tcp
		}
		data := serialize(t, p)
		orig := uint32(len(data))
		if p.cut > 0 {
			data = data[:p.cut]
		}
		if err := w.WritePacket(0, base+int64(k)*12_500_000, data, orig); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	b := buf.Bytes()
	if cutTail {
		b = b[:len(b)-20]
	}
	return b
}

func serialize(t testing.TB, p packetSpec) []byte {
	t.Helper()
	eth := &layers.Ethernet{SrcMAC: macThing(), DstMAC: macGateway(), EthernetType: layers.EthernetTypeIPv4}
	if !p.fromThing {
		eth.SrcMAC, eth.DstMAC = macGateway(), macThing()
	}
	var ls []gopacket.SerializableLayer
	if p.arp != nil {
		eth.DstMAC = net.HardwareAddr{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}
		eth.EthernetType = layers.EthernetTypeARP
		ls = []gopacket.SerializableLayer{eth, p.arp}
	} else {
		ip := &layers.IPv4{Version: 4, TTL: 64, SrcIP: ipThing(), DstIP: p.dst}
		if !p.fromThing {
			ip.SrcIP, ip.DstIP = p.dst, ipThing()
		}
		ls = []gopacket.SerializableLayer{eth, ip}
		switch {
		case p.tcp != nil:
			ip.Protocol = layers.IPProtocolTCP
			if err := p.tcp.SetNetworkLayerForChecksum(ip); err != nil {
				t.Fatal(err)
			}
			ls = append(ls, p.tcp)
		case p.udp != nil:
			ip.Protocol = layers.IPProtocolUDP
			if err := p.udp.SetNetworkLayerForChecksum(ip); err != nil {
				t.Fatal(err)
			}
			ls = append(ls, p.udp)
		}
		if p.payload != "" {
			ls = append(ls, gopacket.Payload(p.payload))
		}
	}
	return decodetest.Frame(t, ls...)
}

// writeCapture writes a test capture to a file and returns its path.
func writeCapture(t *testing.T, cutTail bool) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "thing.pcapng")
	if err := os.WriteFile(path, buildCapture(t, cutTail), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func storageURI(path string) fyne.URI { return storage.NewFileURI(path) }

func fillOf(o fyne.CanvasObject) color.Color { return o.(*canvas.Rectangle).FillColor }
