package synth

import (
	"bufio"
	"bytes"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
)

func story(t *testing.T) ([]frame, []gopacket.Packet) {
	t.Helper()
	var buf bytes.Buffer
	if err := Story(&buf, DemoStart()); err != nil {
		t.Fatalf("Story: %v", err)
	}
	fs := readCapture(t, buf.Bytes())
	return fs, checkFrames(t, fs)
}

// TestDemoAssetIsCurrent keeps assets/demo.pcapng equal to what Story
// writes; after changing the story run `go generate ./assets`.
func TestDemoAssetIsCurrent(t *testing.T) {
	want, err := os.ReadFile(filepath.Join("..", "..", "assets", "demo.pcapng"))
	if err != nil {
		t.Fatalf("read the committed demo capture: %v", err)
	}
	var got bytes.Buffer
	if err := Story(&got, DemoStart()); err != nil {
		t.Fatalf("Story: %v", err)
	}
	if !bytes.Equal(got.Bytes(), want) {
		t.Fatalf("assets/demo.pcapng (%d bytes) is stale: Story writes %d bytes; run go generate ./assets", len(want), got.Len())
	}
}

func TestStoryDeterministic(t *testing.T) {
	var a, b bytes.Buffer
	if err := Story(&a, DemoStart()); err != nil {
		t.Fatal(err)
	}
	if err := Story(&b, DemoStart()); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Fatal("two stories from the same start differ")
	}
	fs := readCapture(t, a.Bytes())
	if got := fs[0].ci.Timestamp; got.Before(DemoStart()) || got.After(DemoStart().Add(time.Second)) {
		t.Errorf("first packet at %v, want within a second after %v", got, DemoStart())
	}
}

func TestStoryFrames(t *testing.T) {
	fs, ps := story(t)
	if len(fs) >= 2000 || len(fs) < 500 {
		t.Errorf("story has %d packets, want a flood and under 2000", len(fs))
	}
	checkTCP(t, ps)
}

// dhcpOf returns the DHCP layer of p, if any, and its message type.
func dhcpOf(p gopacket.Packet) (*layers.DHCPv4, layers.DHCPMsgType, map[layers.DHCPOpt][]byte) {
	d, ok := p.Layer(layers.LayerTypeDHCPv4).(*layers.DHCPv4)
	if !ok {
		return nil, 0, nil
	}
	opts := map[layers.DHCPOpt][]byte{}
	for _, o := range d.Options {
		opts[o.Type] = o.Data
	}
	var typ layers.DHCPMsgType
	if m := opts[layers.DHCPOptMessageType]; len(m) == 1 {
		typ = layers.DHCPMsgType(m[0])
	}
	return d, typ, opts
}

func TestStoryDHCPLease(t *testing.T) {
	_, ps := story(t)
	player, _ := net.ParseMAC("00:12:fb:3c:91:d4")
	var ackXid uint32
	var acked bool
	for _, p := range ps {
		d, typ, opts := dhcpOf(p)
		if d == nil || typ != layers.DHCPMsgTypeAck || !d.YourClientIP.Equal(net.IPv4(192, 168, 137, 23)) {
			continue
		}
		if !bytes.Equal(d.ClientHWAddr, player) {
			t.Errorf("ACK for .23 goes to %v", d.ClientHWAddr)
		}
		for opt, want := range map[layers.DHCPOpt][]byte{
			layers.DHCPOptRouter: {192, 168, 137, 1}, layers.DHCPOptDNS: {192, 168, 137, 1}, layers.DHCPOptServerID: {192, 168, 137, 1},
		} {
			if !bytes.Equal(opts[opt], want) {
				t.Errorf("ACK option %v = %v, want %v", opt, opts[opt], want)
			}
		}
		if len(opts[layers.DHCPOptLeaseTime]) != 4 {
			t.Error("ACK has no lease time")
		}
		ackXid, acked = d.Xid, true
	}
	if !acked {
		t.Fatal("no DHCP ACK for 192.168.137.23")
	}
	seen := map[layers.DHCPMsgType]bool{}
	for _, p := range ps {
		d, typ, opts := dhcpOf(p)
		if d == nil || d.Xid != ackXid {
			continue
		}
		seen[typ] = true
		if d.Operation != layers.DHCPOpRequest {
			continue
		}
		if string(opts[layers.DHCPOptHostname]) != "BD-5500" || string(opts[layers.DHCPOptClassID]) != "SAMSUNG BD-5500" {
			t.Errorf("%v: hostname %q, vendor class %q", typ, opts[layers.DHCPOptHostname], opts[layers.DHCPOptClassID])
		}
		if len(opts[layers.DHCPOptParamsRequest]) == 0 || !bytes.Equal(opts[layers.DHCPOptClientID], append([]byte{1}, player...)) {
			t.Errorf("%v: parameter list %v, client id %v", typ, opts[layers.DHCPOptParamsRequest], opts[layers.DHCPOptClientID])
		}
		if !net.IP(opts[layers.DHCPOptRequestIP]).Equal(net.IPv4(192, 168, 137, 23)) {
			t.Errorf("%v: requested address %v", typ, opts[layers.DHCPOptRequestIP])
		}
	}
	for _, typ := range []layers.DHCPMsgType{layers.DHCPMsgTypeDiscover, layers.DHCPMsgTypeOffer, layers.DHCPMsgTypeRequest, layers.DHCPMsgTypeAck} {
		if !seen[typ] {
			t.Errorf("lease has no %v", typ)
		}
	}
}

func TestStoryLiveUpdate(t *testing.T) {
	fs, ps := story(t)
	var conn *tcpConn
	for _, c := range checkTCP(t, ps) {
		if strings.HasPrefix(c.key, "192.168.137.23:") && strings.HasSuffix(c.key, ">203.0.113.80:80") {
			conn = c
		}
	}
	if conn == nil {
		t.Fatal("no connection from the player to 203.0.113.80:80")
	}
	// The name was resolved first, through the gateway.
	resolved := false
	for _, p := range ps[:conn.packets[0]-1] {
		if d, ok := p.Layer(layers.LayerTypeDNS).(*layers.DNS); ok && d.QR {
			for _, a := range d.Answers {
				if a.Type == layers.DNSTypeA && a.IP.Equal(net.IPv4(203, 0, 113, 80)) && string(d.Questions[0].Name) == "liveupdate.samsung.example" {
					resolved = true
				}
			}
		}
	}
	if !resolved {
		t.Error("liveupdate.samsung.example is not resolved to 203.0.113.80 before the connection")
	}

	req, err := http.ReadRequest(bufio.NewReader(bytes.NewReader(conn.half[0].stream)))
	if err != nil {
		t.Fatalf("read the player's request: %v", err)
	}
	q := req.URL.Query()
	if req.Method != "GET" || req.URL.Path != "/liveupdate.jsp" || q.Get("model") != "BD-5500" || q.Get("ver") != "1.2" ||
		q.Get("region") != "EU" || !strings.HasPrefix(q.Get("mac"), "0012FB") || q.Get("serial") == "" {
		t.Errorf("request %s %s", req.Method, req.URL)
	}
	if req.Host != "liveupdate.samsung.example" || req.UserAgent() == "" || req.Header.Get("Cookie") == "" {
		t.Errorf("request headers: host %q, %v", req.Host, req.Header)
	}

	resp, err := http.ReadResponse(bufio.NewReader(bytes.NewReader(conn.half[1].stream)), req)
	if err != nil {
		t.Fatalf("read the response: %v", err)
	}
	body := make([]byte, 64)
	n, _ := resp.Body.Read(body)
	if resp.StatusCode != 200 || string(body[:n]) != "[NO UPDATE]" || resp.Header.Get("Content-Type") != "text/plain" {
		t.Errorf("response %d %q %q", resp.StatusCode, body[:n], resp.Header.Get("Content-Type"))
	}
	date, err := http.ParseTime(resp.Header.Get("Date"))
	if err != nil {
		t.Fatalf("response Date: %v", err)
	}
	cookies := resp.Cookies()
	if len(cookies) != 1 {
		t.Fatalf("want one Set-Cookie, got %v", cookies)
	}
	age := date.Sub(cookies[0].Expires)
	if years := age.Hours() / 24 / 365.25; years < 3.4 || years > 3.6 {
		t.Errorf("cookie expires %v, %.2f years before Date %v; want 3.5", cookies[0].Expires, years, date)
	}

	// The server hangs up first, after seconds of silence.
	cli, srv := conn.half[0], conn.half[1]
	if srv.firstFIN == 0 || cli.firstFIN == 0 || srv.firstFIN > cli.firstFIN {
		t.Fatalf("first FIN from server at packet %d, from client at %d", srv.firstFIN, cli.firstFIN)
	}
	last := max(cli.lastData, srv.lastData)
	if idle := at(fs, srv.firstFIN).Sub(at(fs, last)); idle < 10*time.Second {
		t.Errorf("server FIN after %v idle, want seconds", idle)
	}
}

func TestStoryAnnouncesAndTLS(t *testing.T) {
	_, ps := story(t)
	ssdp, mdns := false, false
	for _, p := range ps {
		u, ok := p.Layer(layers.LayerTypeUDP).(*layers.UDP)
		if !ok {
			continue
		}
		if u.DstPort == 1900 && bytes.Contains(u.Payload, []byte("BD-5500")) {
			ssdp = true
		}
		if u.DstPort == 5353 && bytes.Contains(u.Payload, []byte("BD-5500")) {
			mdns = true
		}
	}
	if !ssdp || !mdns {
		t.Errorf("announcements naming the model: ssdp %v, mdns %v", ssdp, mdns)
	}
	var tls *tcpConn
	for _, c := range checkTCP(t, ps) {
		if strings.HasSuffix(c.key, ":443") {
			tls = c
		}
	}
	if tls == nil {
		t.Fatal("no TLS connection")
	}
	hello := tls.half[0].stream
	if len(hello) < 6 || hello[0] != tlsHandshake || hello[5] != 1 {
		t.Fatalf("client stream does not start with a ClientHello: % x", hello[:min(len(hello), 8)])
	}
	for _, want := range []string{"api.samsung.example", "h2", "http/1.1"} {
		if !bytes.Contains(hello, []byte(want)) {
			t.Errorf("ClientHello lacks %q", want)
		}
	}
	sh := tls.half[1].stream
	if len(sh) < 6 || sh[0] != tlsHandshake || sh[5] != 2 {
		t.Errorf("server stream does not start with a ServerHello")
	}
}

func TestStoryFloodSilencesLogger(t *testing.T) {
	fs, ps := story(t)
	logger := net.IPv4(192, 168, 137, 40)
	var floodFirst, floodLast, loggerLast, laterSYNs int
	for i, p := range ps {
		no := i + 1
		if ip, ok := p.Layer(layers.LayerTypeIPv4).(*layers.IPv4); ok {
			if ip.DstIP.IsMulticast() && ip.DstIP[0] == 239 && ip.DstIP[1] != 255 {
				if floodFirst == 0 {
					floodFirst = no
				}
				floodLast = no
			}
			if ip.SrcIP.Equal(logger) {
				loggerLast = no
			}
			if tcp, ok := p.Layer(layers.LayerTypeTCP).(*layers.TCP); ok && ip.DstIP.Equal(logger) && tcp.SYN && floodFirst != 0 {
				laterSYNs++
			}
		}
		if a, ok := p.Layer(layers.LayerTypeARP).(*layers.ARP); ok && net.IP(a.SourceProtAddress).Equal(logger) {
			loggerLast = no
		}
	}
	if floodFirst == 0 {
		t.Fatal("no multicast flood")
	}
	n := floodLast - floodFirst + 1
	dur := at(fs, floodLast).Sub(at(fs, floodFirst))
	if rate := float64(n) / dur.Seconds(); n < 500 || rate < 200 {
		t.Errorf("flood of %d packets in %v (%.0f/s), want a high rate", n, dur, rate)
	}
	if loggerLast == 0 || loggerLast > floodFirst {
		t.Errorf("logger last heard at packet %d, flood starts at %d", loggerLast, floodFirst)
	}
	if laterSYNs < 2 {
		t.Errorf("%d SYNs to the logger after the flood began, want unanswered polls", laterSYNs)
	}
}
