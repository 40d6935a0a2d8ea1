package device_test

import (
	"bufio"
	"bytes"
	"os/exec"
	"strconv"
	"strings"
	"testing"

	"thingsniff/decode/device"
	"thingsniff/decode/dns/corpustest"
)

// ipBytesByMAC sums, by tshark, the IP lengths (ip.len; IPv6's payload
// length + 40) of a capture's Ethernet frames by source and by
// destination MAC; ok is false when the capture has no Ethernet frames.
// In a tunnel (VXLAN) the innermost Ethernet header's MACs count, with
// the first IP header after it, as thingsniff counts them.
func ipBytesByMAC(t *testing.T, path string) (out, in map[string]uint64, ok bool) {
	t.Helper()
	cmd := exec.Command("tshark", "-n", "-r", path, "-T", "fields", "-E", "occurrence=a", "-E", "aggregator=,",
		"-e", "eth.src", "-e", "eth.dst", "-e", "ip.len", "-e", "ipv6.plen", "-e", "frame.protocols")
	var stdout bytes.Buffer
	cmd.Stdout = &stdout
	if err := cmd.Run(); err != nil && stdout.Len() == 0 {
		return nil, nil, false // a file tshark cannot read (truncated, fuzzed)
	}
	out, in = map[string]uint64{}, map[string]uint64{}
	sc := bufio.NewScanner(&stdout)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		f := strings.Split(sc.Text(), "\t")
		if len(f) < 5 || f[0] == "" {
			continue
		}
		ok = true
		srcs, dsts := strings.Split(f[0], ","), strings.Split(f[1], ",")
		lens4, lens6 := strings.Split(f[2], ","), strings.Split(f[3], ",")
		// Walk the layers: after the last Ethernet header, the first IP
		// header's length counts.
		var n uint64
		n4, n6 := 0, 0
		for _, p := range strings.Split(f[4], ":") {
			switch p {
			case "eth":
				n = 0
			case "ip":
				if n == 0 && n4 < len(lens4) {
					n, _ = strconv.ParseUint(lens4[n4], 10, 64)
				}
				n4++
			case "ipv6":
				if n == 0 && n6 < len(lens6) {
					n, _ = strconv.ParseUint(lens6[n6], 10, 64)
					n += 40
				}
				n6++
			}
		}
		out[srcs[len(srcs)-1]] += n
		in[dsts[len(dsts)-1]] += n
	}
	return out, in, ok
}

// knownBytes explains, by capture, why thingsniff's IP bytes of a device
// differ from tshark's; those captures are counted apart, not failed.
var knownBytes = map[string]string{
	"tcpdump/tests/ipv6-bad-version.pcap": "an IPv6 header whose version field is not 6: tshark does not read it as IPv6, thingsniff (gopacket) reads it by its ethertype",
	"zeek/testing/btest/Traces/trunc/ip4-trunc.pcap": "the IPv4 header itself is cut by the snap length (20 bytes captured): tshark reads a length from the part there is, " +
		"thingsniff reads no header it does not have whole",
}

// TestCorpusDeviceBytes: on every corpus capture of Ethernet frames,
// each device's IP bytes sent and received (by the IP headers) are what
// tshark sums of ip.len over the frames from and to its MAC.
func TestCorpusDeviceBytes(t *testing.T) {
	if _, err := exec.LookPath("tshark"); err != nil {
		t.Skip("tshark is not installed")
	}
	compared, explained := 0, 0
	for _, c := range corpustest.WithExpected(t, "frames.tsv") {
		out, in, ok := ipBytesByMAC(t, c.Path)
		if !ok {
			continue
		}
		r := reportWith(t, c.Path, device.Options{})
		for _, d := range r.Devices {
			if d.MAC() == nil {
				continue
			}
			compared++
			if d.BytesOut == out[d.Key] && d.BytesIn == in[d.Key] {
				continue
			}
			if why, known := knownBytes[c.Local]; known {
				explained++
				t.Logf("%s: %s: %d/%d, tshark %d/%d: %s", c.Local, d.Key, d.BytesOut, d.BytesIn, out[d.Key], in[d.Key], why)
				continue
			}
			t.Errorf("%s: device %s sent %d and received %d IP bytes; tshark %d and %d", c.Local, d.Key, d.BytesOut, d.BytesIn, out[d.Key], in[d.Key])
		}
	}
	t.Logf("%d devices compared, %d differ for the reasons given", compared, explained)
	if compared == 0 {
		t.Error("no device compared")
	}
}
