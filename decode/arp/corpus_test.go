package arp

import (
	"fmt"
	"strconv"
	"testing"

	"thingsniff/decode/dns/corpustest"
)

// knownARP explains differences from tshark by "capture#frame field".
var knownARP = map[string]string{
	"wireshark/test/captures/arp.pcap#1 opcode":    frameRelay,
	"wireshark/test/captures/arp.pcap#1 sender ip": frameRelay,
	"wireshark/test/captures/arp.pcap#1 target ip": frameRelay,
}

const frameRelay = "InARP over a Frame Relay link, which gopacket (and so the test reader and thingsniff) does not decode"

// TestCorpusARP compares every ARP frame of the corpus with tshark's
// arp.tsv: opcode, sender and target addresses, and the gratuitous flag.
func TestCorpusARP(t *testing.T) {
	tally := corpustest.NewTally("opcode", "sender mac", "sender ip", "target mac", "target ip", "gratuitous")
	for _, c := range corpustest.WithExpected(t, "arp.tsv") {
		rows, err := corpustest.ReadTSV(c.Expected)
		if err != nil {
			t.Fatal(err)
		}
		pkts, _ := corpustest.Read(c.Path)
		byFrame := map[int][]byte{}
		for _, p := range pkts {
			if p.ARP != nil {
				byFrame[p.Frame] = p.ARP
			}
		}
		for _, r := range rows {
			fr := corpustest.Atoi(r["frame.number"])
			b, found := byFrame[fr]
			p, perr := Parse(b)
			got := map[string]string{}
			if found && len(b) >= 8 {
				got["opcode"] = strconv.Itoa(int(p.Op)) // read even when the addresses are cut
			}
			if found && perr == nil {
				if p.SenderMAC != nil {
					got["sender mac"], got["target mac"] = p.SenderMAC.String(), p.TargetMAC.String()
				}
				if p.SenderIP.IsValid() {
					got["sender ip"], got["target ip"] = p.SenderIP.String(), p.TargetIP.String()
				}
				if p.IsGratuitous() {
					got["gratuitous"] = "1"
				}
			}
			want := map[string]string{
				"opcode": r["arp.opcode"], "sender mac": r["arp.src.hw_mac"], "sender ip": r["arp.src.proto_ipv4"],
				"target mac": r["arp.dst.hw_mac"], "target ip": r["arp.dst.proto_ipv4"], "gratuitous": r["arp.isgratuitous"],
			}
			for _, f := range tally.Fields {
				key := fmt.Sprintf("%s#%d %s", c.Local, fr, f)
				why, known := knownARP[key]
				agree := got[f] == want[f]
				tally.Add(f, agree, known)
				if !agree && !known {
					t.Errorf("%s: got %q, tshark %q (found %v, error %v)", key, got[f], want[f], found, perr)
				}
				if agree && known {
					t.Errorf("%s: listed as a known difference (%s) but agrees now", key, why)
				}
			}
		}
	}
	tally.Report(t, 0.99)
}
