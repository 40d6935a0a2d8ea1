package device_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"thingsniff/decode/decodetest"
	"thingsniff/decode/device"
)

// sentinelRoutines are the periodic peers of each IoT-Sentinel device,
// as its setup capture shows them (checked by hand with tshark): the
// D-Link camera broadcasts two datagrams to port 62976 every 30 s; the
// Hue bridge looks up bridge.meethue.com and polls it over HTTP every
// 2 s. The others connect to no peer on a fixed period while they are
// set up (the Lightify gateway polls its server at irregular
// sub-second intervals, then every 2 s only near the end; the D-Link
// hub's five connections to its cloud come 0.4 to 9.6 s apart; the
// Hue bridge's time servers are asked in bursts half a minute apart).
var sentinelRoutines = map[string][]string{
	"D-LinkCam": {"broadcast to 255.255.255.255:62976"},
	"HueBridge": {"lookup of bridge.meethue.com", "tcp bridge.meethue.com:80"},
}

// TestSentinelRoutines: every IoT-Sentinel device's periodic peers are
// listed, and no others; the period of each connection routine agrees
// with tshark's times of the device's SYNs (or datagrams) to that peer.
func TestSentinelRoutines(t *testing.T) {
	dir := filepath.Join(decodetest.CorpusDir(t), "iot-sentinel", "captures_IoT_Sentinel", "captures_IoT-Sentinel")
	caps, _ := filepath.Glob(filepath.Join(dir, "*", "*.pcap"))
	if len(caps) == 0 {
		t.Skip("no IoT-Sentinel captures")
	}
	_, tsharkErr := exec.LookPath("tshark")
	for _, path := range caps {
		name := filepath.Base(filepath.Dir(path))
		macText, err := os.ReadFile(filepath.Join(filepath.Dir(path), "_iotdevice-mac.txt"))
		if err != nil {
			t.Fatal(err)
		}
		mac := strings.ToLower(strings.TrimSpace(string(macText)))
		r := reportWith(t, path, device.Options{})
		d := r.Device(mac)
		if d == nil {
			t.Errorf("%s: device %s not in the report", name, mac)
			continue
		}
		var got []string
		for _, rt := range d.Routines {
			got = append(got, rt.Key)
		}
		want := sentinelRoutines[name]
		sort.Strings(got)
		if !slices.Equal(got, want) {
			t.Errorf("%s: routines %q, want %q", name, got, want)
		}
		// The Hue bridge looks its portal up before each poll: one cycle.
		if name == "HueBridge" && (len(d.Routines) != 2 || d.Routines[1].Cycle != 1 ||
			!strings.HasSuffix(d.Routines[0].CycleSummary, ": looks up bridge.meethue.com → connects to bridge.meethue.com:80 (~792 B up, ~254 B down)")) {
			t.Errorf("%s: cycle %+v", name, d.Routines)
		}
		if tsharkErr != nil {
			continue
		}
		for i, rt := range d.Routines {
			addr := routineAddress(d, i+1, rt)
			if addr == "" {
				continue
			}
			every := tsharkMedianInterval(t, path, mac, addr, strings.HasPrefix(rt.Key, "tcp "))
			if diff := every - rt.Every; diff < -rt.Every/10 || diff > rt.Every/10 {
				t.Errorf("%s: %s every %v; tshark's times to %s say %v", name, rt.Key, rt.Every, addr, every)
			}
		}
	}
}

// routineAddress is the address and port a routine's connections went
// to, or its group's; "" for routines of lookups.
func routineAddress(d *device.Device, n int, rt device.Routine) string {
	if strings.HasPrefix(rt.Key, "broadcast to ") {
		return rt.Peer
	}
	for _, e := range d.Events {
		if e.Routine == n && (e.Kind == device.KindTCP || e.Kind == device.KindUDP) {
			return e.Peer
		}
	}
	return ""
}

// tsharkMedianInterval is the median time between the device's SYNs
// (tcp) or datagrams to addr ("ip:port"), by tshark, those under 0.5 s
// apart taken as one.
func tsharkMedianInterval(t *testing.T, path, mac, addr string, tcp bool) time.Duration {
	t.Helper()
	i := strings.LastIndexByte(addr, ':')
	ip, port := addr[:i], addr[i+1:]
	filter := "eth.src==" + mac + " && ip.dst==" + ip + " && udp.dstport==" + port
	if tcp {
		filter = "eth.src==" + mac + " && ip.dst==" + ip + " && tcp.dstport==" + port + " && tcp.flags.syn==1 && tcp.flags.ack==0"
	}
	out, err := exec.Command("tshark", "-n", "-r", path, "-Y", filter, "-T", "fields", "-e", "frame.time_epoch").Output()
	if err != nil {
		t.Fatalf("tshark: %v", err)
	}
	var times []float64
	for _, l := range bytes.Fields(out) {
		v, err := strconv.ParseFloat(string(l), 64)
		if err != nil {
			t.Fatal(err)
		}
		if n := len(times); n == 0 || v-times[n-1] >= 0.5 {
			times = append(times, v)
		}
	}
	var gaps []float64
	for i := 1; i < len(times); i++ {
		gaps = append(gaps, times[i]-times[i-1])
	}
	if len(gaps) == 0 {
		return 0
	}
	sort.Float64s(gaps)
	m := gaps[len(gaps)/2]
	if len(gaps)%2 == 0 {
		m = (gaps[len(gaps)/2-1] + m) / 2
	}
	return time.Duration(m * float64(time.Second))
}
