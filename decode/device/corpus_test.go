package device_test

import (
	"strings"
	"testing"

	"thingsniff/decode/device"
	"thingsniff/decode/dns/corpustest"
)

// knownARP explains, by capture, why tshark sees ARP fields that the
// device timeline does not, or the other way round. Their differing
// fields are counted as out of scope rather than failed.
var knownARP = map[string]string{
	"wireshark/test/captures/arp.pcap":              "InARP over Frame Relay (link type 107), a link type thingsniff does not decode",
	"zeek/testing/btest/Traces/linux_dlt_sll2.pcap": "RARP (ethertype 0x8035), which tshark's arp filter includes; thingsniff shows ARP only",
	"tcpdump/tests/arp-oobr.pcap":                   malformedARP,
	"zeek/testing/btest/Traces/arp-leak.pcap":       malformedARP,
	"tcpdump/tests/arp-too-long-tha.pcap":           malformedARP,
}

// malformedARP is the difference on the corpus's fuzzed ARP captures.
const malformedARP = "malformed ARP: the timeline shows the addresses of any hardware and protocol type and length " +
	"(a MAC of 200 bytes, \"invalid IP\"), where tshark leaves them out; a header longer than the packet makes no event"

// arpOpcode is the ARP operation an event's Op names.
func arpOpcode(op string) string {
	switch op {
	case "request", "probe", "announcement":
		return "1"
	case "reply":
		return "2"
	case "":
		return ""
	}
	return strings.TrimPrefix(op, "op ")
}

// TestCorpusARP runs every corpus capture with ARP through the engine and
// the builder and compares each ARP event with tshark's arp.tsv: opcode,
// sender MAC and IP, target IP and the gratuitous flag (the event keeps no
// target MAC).
func TestCorpusARP(t *testing.T) {
	tally := corpustest.NewTally("opcode", "sender mac", "sender ip", "target ip", "gratuitous")
	for _, c := range corpustest.WithExpected(t, "arp.tsv") {
		rows, err := corpustest.ReadTSV(c.Expected)
		if err != nil {
			t.Fatal(err)
		}
		byFrame := map[int]*device.Event{}
		for _, e := range eventsOf(reportWith(t, c.Path, device.Options{}), device.KindARP) {
			byFrame[int(e.Packets[0])] = e
		}
		why, known := knownARP[c.Local]
		differ := 0
		for _, r := range rows {
			fr := corpustest.Atoi(r["frame.number"])
			got := map[string]string{}
			if e := byFrame[fr]; e != nil {
				got["opcode"], got["sender mac"] = arpOpcode(e.Op), e.SenderMAC
				got["sender ip"], got["target ip"] = e.SenderIP, e.TargetIP
				if e.Gratuitous {
					got["gratuitous"] = "1"
				}
			}
			want := map[string]string{
				"opcode": r["arp.opcode"], "sender mac": r["arp.src.hw_mac"], "sender ip": r["arp.src.proto_ipv4"],
				"target ip": r["arp.dst.proto_ipv4"], "gratuitous": r["arp.isgratuitous"],
			}
			for _, f := range tally.Fields {
				agree := got[f] == want[f]
				switch {
				case agree:
					tally.Add(f, true, false)
				case known:
					tally.Skip(f)
					differ++
				default:
					tally.Add(f, false, false)
					t.Errorf("%s#%d %s: got %q, tshark %q", c.Local, fr, f, got[f], want[f])
				}
			}
		}
		if known {
			if differ == 0 {
				t.Errorf("%s: listed as a known difference (%s) but agrees now", c.Local, why)
			}
			t.Logf("%s: %d fields differ: %s", c.Local, differ, why)
		}
	}
	tally.Report(t, 0.99)
}

// TestCorpusSSDP checks that every SSDP message of the corpus (UDP port
// 1900 with a payload; the large perf/ captures aside) becomes an SSDP
// event of the device that sent it, and logs the SERVER headers named.
func TestCorpusSSDP(t *testing.T) {
	servers := map[string]bool{}
	n := 0
	for _, c := range corpustest.WithExpected(t, "frames.tsv") {
		if strings.HasPrefix(c.Local, "perf/") {
			continue
		}
		pkts, _ := corpustest.Read(c.Path)
		var frames []int
		for _, p := range pkts {
			if !p.TCP && p.Port(1900) && len(p.Payload) > 0 {
				frames = append(frames, p.Frame)
			}
		}
		if len(frames) == 0 {
			continue
		}
		n += len(frames)
		byFrame := map[int]*device.Event{}
		for _, e := range eventsOf(reportWith(t, c.Path, device.Options{}), device.KindSSDP) {
			byFrame[int(e.Packets[0])] = e
		}
		for _, fr := range frames {
			e := byFrame[fr]
			if e == nil {
				t.Errorf("%s#%d: no SSDP event", c.Local, fr)
				continue
			}
			if e.ServerID != "" && !servers[e.ServerID] {
				servers[e.ServerID] = true
				t.Logf("%s#%d: %s names server %q", c.Local, fr, e.Device, e.ServerID)
			}
		}
	}
	if n == 0 {
		t.Skip("no SSDP in the corpus")
	}
	t.Logf("%d SSDP messages, %d servers", n, len(servers))
}
