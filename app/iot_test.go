package app

import (
	"bufio"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"thingsniff/capture"
	"thingsniff/decode/device"
)

// TestIoTSentinelDevices reads the merged IoT-Sentinel capture: every
// device MAC of the data set must be a device with its vendor and a
// timeline, and its DHCP hostname where the device sent one.
func TestIoTSentinelDevices(t *testing.T) {
	dir := corpusDir(t)
	if testing.Short() {
		t.Skip("reads a 64 MB capture")
	}
	path := filepath.Join(dir, "perf", "iot-sentinel-all-devices-merged.pcap")
	r := mustReport(t)(capture.Open(path))
	f, err := os.Open(filepath.Join(dir, "perf", "iot-sentinel-device-macs.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	checked := 0
	for sc.Scan() {
		name, mac, ok := strings.Cut(sc.Text(), "\t")
		if !ok {
			continue
		}
		checked++
		d := r.Device(mac)
		if d == nil {
			t.Errorf("%s (%s) is not a device", name, mac)
			continue
		}
		if d.Vendor == "" && mac[1] != '2' && mac[1] != '6' && mac[1] != 'a' && mac[1] != 'e' {
			t.Errorf("%s (%s): no vendor", name, mac)
		}
		if len(d.Events) == 0 {
			t.Errorf("%s (%s): empty timeline", name, mac)
		}
		// A hostname the device sent in DHCP must be among its names.
		for _, e := range d.Events {
			if e.Kind == device.KindDHCP && e.Hostname != "" && e.ClientMAC == mac {
				found := false
				for _, n := range d.Names {
					found = found || n == e.Hostname
				}
				if !found {
					t.Errorf("%s (%s): DHCP hostname %q not among its names %v", name, mac, e.Hostname, d.Names)
				}
				break
			}
		}
		t.Logf("%-22s %s  %-32s names %v, %d events, %d findings", name, mac, d.Vendor, d.Names, len(d.Events), len(d.Findings))
	}
	if checked < 30 {
		t.Fatalf("read %d device MACs from the table", checked)
	}
}
