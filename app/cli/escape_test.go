package cli

import (
	"bytes"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"

	"thingsniff/capture"
	"thingsniff/decode/decodetest"
)

// hostile is text a terminal would act on: clear the screen, set the
// window title, and turn the rest of the line around.
const hostile = "evil\x1b[2J\x1b]0;pwned\x07\u202egnp.exe\u0085"

// hostileCapture writes a capture whose DHCP host name, HTTP request line
// and Host header carry hostile text.
func hostileCapture(t *testing.T) string {
	t.Helper()
	mac := net.HardwareAddr{0x00, 0x12, 0xfb, 1, 2, 3}
	gw := net.HardwareAddr{0x0a, 0, 0x27, 0, 0, 1}
	thing, server := net.IP{192, 168, 137, 23}, net.IP{198, 51, 100, 7}
	var frames [][]byte
	{
		eth := &layers.Ethernet{SrcMAC: mac, DstMAC: net.HardwareAddr{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, EthernetType: layers.EthernetTypeIPv4}
		ip := &layers.IPv4{Version: 4, TTL: 64, Protocol: layers.IPProtocolUDP, SrcIP: net.IPv4zero, DstIP: net.IPv4bcast}
		udp := &layers.UDP{SrcPort: 68, DstPort: 67}
		udp.SetNetworkLayerForChecksum(ip)
		dhcp := &layers.DHCPv4{Operation: layers.DHCPOpRequest, HardwareType: layers.LinkTypeEthernet, HardwareLen: 6, Xid: 7,
			ClientHWAddr: mac, Options: layers.DHCPOptions{
				layers.NewDHCPOption(layers.DHCPOptMessageType, []byte{byte(layers.DHCPMsgTypeRequest)}),
				layers.NewDHCPOption(layers.DHCPOptHostname, []byte(hostile)),
				layers.NewDHCPOption(layers.DHCPOptEnd, nil)}}
		frames = append(frames, decodetest.Frame(t, eth, ip, udp, dhcp))
	}
	tcp := func(src, dst net.IP, sp, dp uint16, seq uint32, flags string, payload []byte) []byte {
		a, b := mac, gw
		if src.Equal(server) {
			a, b = gw, mac
		}
		eth := &layers.Ethernet{SrcMAC: a, DstMAC: b, EthernetType: layers.EthernetTypeIPv4}
		ip := &layers.IPv4{Version: 4, TTL: 64, Protocol: layers.IPProtocolTCP, SrcIP: src, DstIP: dst}
		tc := &layers.TCP{SrcPort: layers.TCPPort(sp), DstPort: layers.TCPPort(dp), Seq: seq, Window: 1000}
		decodetest.SetTCPFlags(tc, flags)
		tc.SetNetworkLayerForChecksum(ip)
		return decodetest.Frame(t, eth, ip, tc, gopacket.Payload(payload))
	}
	req := []byte("GET /" + hostile + " HTTP/1.1\r\nHost: " + hostile + "\r\n\r\n")
	resp := []byte("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 12\r\n\r\n" + hostile[:12])
	frames = append(frames,
		tcp(thing, server, 40000, 80, 100, "S", nil),
		tcp(server, thing, 80, 40000, 500, "SA", nil),
		tcp(thing, server, 40000, 80, 101, "PA", req),
		tcp(server, thing, 80, 40000, 501, "PA", resp),
		tcp(thing, server, 40000, 80, 101+uint32(len(req)), "FA", nil))
	var buf bytes.Buffer
	w, err := capture.NewPcapWriter(&buf, layers.LinkTypeEthernet, 65535)
	if err != nil {
		t.Fatal(err)
	}
	for i, f := range frames {
		if err := w.WritePacket(int64(i+1)*1e9, f, 0); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "hostile.pcap")
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestTextOutputsEscapeControlCharacters runs every command that prints
// text from a capture on hostile text: no control character or direction
// override may reach the terminal, and the text must still be there,
// escaped.
func TestTextOutputsEscapeControlCharacters(t *testing.T) {
	path := hostileCapture(t)
	for _, args := range [][]string{
		{"packets", path},
		{"report", path, "--md"},
		{"objects", path, "--list"},
		{"follow", path, "--flow", "2"},
	} {
		var out, errOut bytes.Buffer
		code := Run(args[0], Env{Args: args[1:], Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errOut})
		if code != 0 {
			t.Errorf("%v: exit %d: %s", args, code, errOut.String())
		}
		text := out.String() + errOut.String()
		for i, r := range text {
			// follow shows a stream's line ends and tabs as tshark does.
			kept := r == '\n' || args[0] == "follow" && (r == '\r' || r == '\t')
			if r < 0x20 && !kept || r >= 0x7f && r < 0xa0 || r == '\u202e' {
				t.Errorf("%v: character %U at byte %d reaches the terminal: %q", args, r, i, text[max(0, i-20):min(len(text), i+20)])
				break
			}
		}
		if (args[0] == "packets" || args[0] == "report") && !strings.Contains(text, `evil\x1b[2J`) {
			t.Errorf("%v: the hostile text is not shown escaped:\n%s", args, text)
		}
	}
}
