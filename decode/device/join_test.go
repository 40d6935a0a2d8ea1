package device_test

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"thingsniff/decode"
	"thingsniff/decode/decodetest"
	"thingsniff/decode/device"
)

// dlinkSetup is an IoT-Sentinel capture of a camera's setup: tshark reads
// its frames 1 to 4 as the WPA 4-way handshake between the access point
// 28:b2:bd:c3:41:79 and the camera b0:c5:54:25:5b:0e.
func dlinkSetup(t *testing.T) string {
	return filepath.Join(decodetest.CorpusDir(t), "iot-sentinel", "captures_IoT_Sentinel", "captures_IoT-Sentinel", "D-LinkCam", "Setup-A-1-STA.pcap")
}

// The camera's story starts with its joining the Wi-Fi: one event, on
// the camera, holding the handshake's four packets.
func TestJoinTold(t *testing.T) {
	r := reportWith(t, dlinkSetup(t), device.Options{})
	joins := eventsOf(r, device.KindJoin)
	if len(joins) != 1 {
		t.Fatalf("%d join events, want 1", len(joins))
	}
	e := joins[0]
	if e.Device != "b0:c5:54:25:5b:0e" || e.AccessPoint != "28:b2:bd:c3:41:79" || !slices.Equal(e.Packets, []uint32{1, 2, 3, 4}) ||
		!strings.HasPrefix(e.Summary, "joined the network: WPA key handshake with access point 28:b2:bd:c3:41:79") {
		t.Errorf("join event %+v", e)
	}
	for _, d := range r.Devices {
		for _, f := range d.Findings {
			if f.Kind == "join-failed" {
				t.Errorf("a completed handshake is a failed join on %s: %s", d.Key, f.Text)
			}
		}
	}
}

// A handshake the station never finishes (here the capture is read up
// to message 2) is told where it stopped, with a finding on the station.
func TestJoinThatStopped(t *testing.T) {
	b := device.NewBuilder(device.Options{})
	eng := loadFile(t, dlinkSetup(t), observerFunc(func(p *decode.Packet, f *decode.Flow) {
		if p.Num <= 2 {
			b.Observe(p, f)
		}
	}))
	b.Finish(eng.Flow)
	r := b.Report()
	joins := eventsOf(r, device.KindJoin)
	if len(joins) != 1 || !strings.Contains(joins[0].Summary, "stopped after message 2 of 4") || !slices.Equal(joins[0].Packets, []uint32{1, 2}) {
		t.Fatalf("join events %+v", joins)
	}
	found := false
	for _, d := range r.Devices {
		for _, f := range d.Findings {
			if f.Kind == "join-failed" {
				found = d.Key == "b0:c5:54:25:5b:0e" && f.Severity == device.Warning
			}
		}
	}
	if !found {
		t.Error("no warning that the camera did not join")
	}
}
