package device_test

import (
	"path/filepath"
	"strings"
	"testing"

	"thingsniff/capture/synth"
	"thingsniff/decode/device"
)

// hostileFile writes one of the project's hostile captures.
func hostileFile(tb testing.TB, kind string, n int) string {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), kind+".pcap")
	if err := synth.WriteHostileFile(path, kind, n); err != nil {
		tb.Fatal(err)
	}
	return path
}

// More MACs than the cap: the first are followed, the rest counted and
// said so; the report is the same as an uncapped one for those it tells.
func TestMaxDevices(t *testing.T) {
	path := hostileFile(t, synth.HostileMACs, 50)
	r := reportWith(t, path, device.Options{MaxDevices: 20})
	if len(r.Devices) != 20 {
		t.Fatalf("%d devices, want the first 20", len(r.Devices))
	}
	if r.Dropped == nil || r.Dropped.Devices != 30 {
		t.Fatalf("dropped %+v, want 30 devices", r.Dropped)
	}
	if len(r.Notes) != 1 || !strings.Contains(r.Notes[0], "first 20 devices") || !strings.Contains(r.Notes[0], "30 more") {
		t.Errorf("notes %q", r.Notes)
	}
	if md := r.Markdown(); !strings.Contains(md, "> Only the first 20 devices") {
		t.Errorf("the Markdown report does not say what it left out:\n%s", md[:min(len(md), 300)])
	}
	all := reportWith(t, path, device.Options{})
	if len(all.Devices) != 50 || all.Dropped != nil || all.Notes != nil {
		t.Fatalf("uncapped: %d devices, dropped %+v, notes %q", len(all.Devices), all.Dropped, all.Notes)
	}
	for i, d := range r.Devices {
		if d.Key != all.Devices[i].Key || len(d.Events) != len(all.Devices[i].Events) {
			t.Errorf("device %d: %s with %d events, uncapped %s with %d", i, d.Key, len(d.Events), all.Devices[i].Key, len(all.Devices[i].Events))
		}
	}
}

// More connections than the caps on events: each device keeps the start
// of its story, no more than its cap, and the report counts the rest.
func TestMaxEvents(t *testing.T) {
	path := hostileFile(t, synth.HostileFlows, 400)
	r := reportWith(t, path, device.Options{MaxDeviceEvents: 100})
	var client *device.Device
	for _, d := range r.Devices {
		if len(d.Events) > 100 {
			t.Errorf("device %s keeps %d events, over its cap of 100", d.Key, len(d.Events))
		}
		if d.Dropped != nil {
			client = d
		}
	}
	if client == nil || client.Dropped.Events != 300 {
		t.Fatalf("no device counts the 300 connections left out: %+v", r.Dropped)
	}
	if last := client.Summary[len(client.Summary)-1]; !strings.Contains(last, "300 events left out") {
		t.Errorf("the device's summary does not say its story is cut: %q", last)
	}
	if first := client.Events[0]; first.Kind != device.KindTCP || first.Packets[0] != 1 {
		t.Errorf("the story does not keep its beginning: first event %s at packet %v", first.Kind, first.Packets)
	}

	r = reportWith(t, path, device.Options{MaxEvents: 150})
	total := 0
	for _, d := range r.Devices {
		total += len(d.Events)
	}
	if total != 150 || r.Dropped == nil || r.Dropped.Events != 250 {
		t.Errorf("with 150 events in all: %d kept, dropped %+v", total, r.Dropped)
	}
}

// Connections whose events the cap left out are not read for HTTP
// either; the ones kept are, whole.
func TestMaxEventsWithHTTP(t *testing.T) {
	path := hostileFile(t, synth.HostileBodies, 50)
	r := reportWith(t, path, device.Options{MaxDeviceEvents: 30})
	http := len(eventsOf(r, device.KindHTTP))
	if http == 0 || http > 30 {
		t.Errorf("%d HTTP events under a cap of 30 events a device", http)
	}
}

// MaxHTTPFlows bounds the flows parsed at once, not in all: a capture of
// many HTTP connections, one after another, has every request told.
func TestMaxHTTPFlowsIsAtOnce(t *testing.T) {
	path := mixFile(t, 20_000, 3)
	want := len(eventsOf(reportWith(t, path, device.Options{}), device.KindHTTP))
	got := len(eventsOf(reportWith(t, path, device.Options{MaxHTTPFlows: 40}), device.KindHTTP))
	if want < 50 || got < want*9/10 {
		t.Errorf("%d HTTP events with 8 flows parsed at once, %d with 4096", got, want)
	}
}
