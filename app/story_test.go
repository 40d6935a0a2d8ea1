package app

import (
	"bytes"
	"strings"
	"testing"

	"thingsniff/assets"
	"thingsniff/capture"
	"thingsniff/decode/device"
)

func demoReport(t *testing.T) device.Report {
	t.Helper()
	return mustReport(t)(capture.OpenStream(bytes.NewReader(assets.Demo()), "demo", ""))
}

// mustReport returns a function that builds the device report of the
// capture an open returned, failing the test on either's error.
func mustReport(t *testing.T) func(*capture.Capture, error) device.Report {
	return func(c *capture.Capture, err error) device.Report {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		r, err := BuildReport(c)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
}

// TestDemoTellsTheThingPhonesHomeStory reads the embedded demo capture and
// checks every sentence of the Blu-ray player's story.
func TestDemoTellsTheThingPhonesHomeStory(t *testing.T) {
	r := demoReport(t)
	d := r.Device("00:12:fb:3c:91:d4")
	if d == nil {
		t.Fatal("the player is not a device")
	}
	if !strings.Contains(d.Vendor, "Samsung") || len(d.Names) == 0 || d.Names[0] != "BD-5500" {
		t.Errorf("vendor %q names %v", d.Vendor, d.Names)
	}
	summary := strings.Join(d.Summary, "\n")
	for _, want := range []string{
		"00:12:fb:3c:91:d4 (Samsung Electronics Co.,Ltd), called BD-5500 was seen from 2016-10-23 20:01:00",
		"It took the address 192.168.137.23 from 192.168.137.1 at 20:01:02",
		"It looked up liveupdate.samsung.example, api.samsung.example.",
		"It talked to liveupdate.samsung.example (203.0.113.80:80), api.samsung.example (203.0.113.91:443).",
		"went in clear text (DNS, HTTP, MDNS, SSDP)",
		"encrypted (TLS)",
	} {
		if !strings.Contains(summary, want) {
			t.Errorf("summary lacks %q:\n%s", want, summary)
		}
	}
	kinds := map[device.Kind][]*device.Event{}
	for _, e := range d.Events {
		kinds[e.Kind] = append(kinds[e.Kind], e)
	}
	var ack *device.Event
	for _, e := range kinds[device.KindDHCP] {
		if e.Message == "ACK" {
			ack = e
		}
	}
	if ack == nil || ack.IP != "192.168.137.23" || ack.Time.Format("15:04:05") != "20:01:02" {
		t.Errorf("no DHCP ACK for 192.168.137.23 at 20:01:02: %+v", ack)
	}
	if len(kinds[device.KindDHCP]) != 4 {
		t.Errorf("%d DHCP events, want DORA", len(kinds[device.KindDHCP]))
	}
	arpForGateway := false
	for _, e := range kinds[device.KindARP] {
		arpForGateway = arpForGateway || e.Op == "request" && e.TargetIP == "192.168.137.1"
	}
	if !arpForGateway {
		t.Error("no ARP request for the gateway")
	}
	if q := kinds[device.KindDNS]; len(q) < 1 || q[0].Query != "liveupdate.samsung.example" || !strings.Contains(strings.Join(q[0].Answers, " "), "203.0.113.80") {
		t.Errorf("DNS events %+v", q)
	}
	h := kinds[device.KindHTTP]
	if len(h) != 1 {
		t.Fatalf("%d HTTP events, want 1", len(h))
	}
	if h[0].Method != "GET" || !strings.HasPrefix(h[0].URI, "/liveupdate.jsp?model=BD-5500&ver=1.2&region=EU") ||
		h[0].Status != 200 || h[0].BodyPreview != "[NO UPDATE]" || len(h[0].SetCookies) != 1 {
		t.Errorf("HTTP event %+v", h[0])
	}
	var httpConn *device.Event
	for _, e := range kinds[device.KindTCP] {
		if e.Flow == h[0].Flow {
			httpConn = e
		}
	}
	if httpConn == nil || httpConn.PeerName != "liveupdate.samsung.example" || httpConn.ClosedBy != "peer" ||
		httpConn.Close != "fin" || httpConn.IdleBeforeMs < 14000 || *httpConn.Encrypted {
		t.Errorf("HTTP connection %+v", httpConn)
	}
	if tl := kinds[device.KindTLS]; len(tl) != 1 || tl[0].SNI != "api.samsung.example" || tl[0].Version != "TLS 1.3" ||
		strings.Join(tl[0].ALPN, ",") != "h2,http/1.1" && strings.Join(tl[0].ALPN, ",") != "h2" {
		t.Errorf("TLS events %+v", tl)
	}
	findings := map[string]string{}
	for _, f := range d.Findings {
		findings[f.Kind] = f.Text
	}
	if f := findings["clear-text"]; !strings.Contains(f, "model=BD-5500") || !strings.Contains(f, "region=EU") || !strings.Contains(f, "serial=") {
		t.Errorf("clear-text finding %q", f)
	}
	if f := findings["expired-cookie"]; !strings.Contains(f, "3.5 years") {
		t.Errorf("expired-cookie finding %q", f)
	}
	if f := findings["server-closed"]; !strings.Contains(f, "liveupdate.samsung.example") {
		t.Errorf("server-closed finding %q", f)
	}

	logger := r.Device("3c:cd:5a:01:4b:2e")
	tv := r.Device("00:0e:59:7a:20:11")
	if logger == nil || tv == nil {
		t.Fatal("the logger or the TV is missing")
	}
	quiet := false
	for _, f := range logger.Findings {
		quiet = quiet || f.Kind == "quiet" && strings.Contains(f.Text, "flood from 00:0e:59:7a:20:11")
	}
	if !quiet {
		t.Errorf("the logger going quiet during the TV's flood is not found: %+v", logger.Findings)
	}
	flood := false
	for _, f := range tv.Findings {
		flood = flood || f.Kind == "flood"
	}
	if !flood {
		t.Errorf("the TV's flood is not found: %+v", tv.Findings)
	}
	laptop := r.Device("00:14:22:5e:a1:07")
	creds := false
	for _, f := range laptop.Findings {
		creds = creds || f.Kind == "clear-text" && strings.Contains(f.Text, `"admin:admin"`) && f.Severity == device.Alert
	}
	if !creds {
		t.Errorf("clear-text credentials of the logger's polls not found: %+v", laptop.Findings)
	}
	md := r.Markdown()
	for _, want := range []string{"## BD-5500 — 00:12:fb:3c:91:d4", "### Timeline", "[NO UPDATE]"} {
		if !strings.Contains(md, want) {
			t.Errorf("Markdown lacks %q", want)
		}
	}
}
