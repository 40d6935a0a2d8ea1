package app

import (
	"fmt"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"thingsniff/capture"
	"thingsniff/decode/device"
	"thingsniff/decode/dhcp"
)

// fieldTally counts, per field, the tshark values our events agree with,
// and the differences explained (on purpose, or tshark's own doing).
type fieldTally struct {
	total, agree, explained map[string]int
	misses                  map[string][]string
	reasons                 map[string]map[string]int
}

// explain records a difference with its reason.
func (ft *fieldTally) explain(field, reason string) {
	ft.total[field]++
	ft.explained[field]++
	if ft.reasons[field] == nil {
		ft.reasons[field] = map[string]int{}
	}
	ft.reasons[field][reason]++
}

func (ft *fieldTally) check(field, where, ours, theirs string) {
	ft.checkWith(field, where, ours, theirs, func(a, b string) bool { return a == b })
}

func (ft *fieldTally) checkWith(field, where, ours, theirs string, agree func(ours, theirs string) bool) {
	if theirs == "" {
		return
	}
	ft.total[field]++
	if agree(ours, theirs) {
		ft.agree[field]++
		return
	}
	file := strings.Fields(where)[0]
	why, ok := knownFiles[file]
	if !ok {
		why, ok = knownFrames[where]
	}
	if ok {
		ft.total[field]--
		ft.explain(field, why)
		return
	}
	ft.misses[field] = append(ft.misses[field], fmt.Sprintf("%s: ours %q, tshark %q", where, ours, theirs))
}

// knownFrames are single packets where tshark sees fields that thingsniff
// does not, by "file frame".
var knownFrames = map[string]string{
	"zeek/testing/btest/Traces/http/methods.pcap 34": "the request line \"OPTIONS\\nHost: ...\" has no URI or version: tshark accepts it, thingsniff's parser wants a request line",
}

// knownFiles are captures where tshark sees fields that thingsniff does
// not, for a reason that holds for the whole file.
var knownFiles = map[string]string{
	"zeek/testing/btest/Traces/dns/max-compression-depth.pcap":                              "a hostile name with compression pointers nested deeper than thingsniff's parser follows (on purpose)",
	"tcpdump/tests/dns-badlabel.pcap":                                                       "tshark's placeholder <Name too long> for a label it could not read; thingsniff refuses the message",
	"tcpdump/tests/dns_fwdptr.pcap":                                                         "tshark's placeholder <Name too long> for a forward compression pointer; thingsniff refuses the message",
	"iot-sentinel/captures_IoT_Sentinel/captures_IoT-Sentinel/HueBridge/Setup-A-1-STA.pcap": "DHCP replies quoted inside ICMP errors: tshark dissects the quoted packet, thingsniff does not make events of quotes",
	"gopacket/pcapgo/tests/le/test301.pcapng":                                               "HTTP inside TLS: tshark decrypts it with the keys stored in the file; thingsniff does not decrypt",
	"wireshark/test/captures/challenge01_ooo_stream.pcapng":                                 "HTTP inside TLS: tshark decrypts it with the keys stored in the file; thingsniff does not decrypt",
	"tcpdump/tests/vxlan.pcap":                                                              "ARP inside VXLAN: thingsniff does not decode tunnelled frames yet",
	"wireshark/test/captures/arp.pcap":                                                      "ARP over Frame Relay (link type 107), a link type thingsniff does not decode",
	"zeek/testing/btest/Traces/linux_dlt_sll2.pcap":                                         "RARP (ethertype 0x8035), which tshark's arp filter includes; thingsniff shows ARP only",
}

// TestCorpusEventsAgreeWithTshark compares the fields of thingsniff's
// device events with tshark's over the whole corpus and prints the
// agreement per field (make accuracy shows it).
func TestCorpusEventsAgreeWithTshark(t *testing.T) {
	dir := corpusDir(t)
	ft := &fieldTally{total: map[string]int{}, agree: map[string]int{}, explained: map[string]int{},
		misses: map[string][]string{}, reasons: map[string]map[string]int{}}
	for _, rel := range corpusFiles(t, dir) {
		exp := filepath.Join(dir, "expected", rel+".tshark")
		rows := map[string][]map[string]string{}
		any := false
		for _, name := range []string{"dhcp", "arp", "dns", "http", "tls"} {
			rows[name] = readTSV(t, filepath.Join(exp, name+".tsv"))
			any = any || len(rows[name]) > 0
		}
		if !any {
			continue
		}
		c, err := capture.Open(filepath.Join(dir, rel))
		if err != nil {
			continue
		}
		r, _ := BuildReport(c)
		c.Close()
		byFrame := map[uint32][]*device.Event{}
		for _, d := range r.Devices {
			for _, e := range d.Events {
				for _, p := range e.Packets {
					byFrame[p] = append(byFrame[p], e)
				}
			}
		}
		find := func(frame string, kind device.Kind, ok func(*device.Event) bool) *device.Event {
			n := ourFrame(rel, frame)
			for _, e := range byFrame[uint32(n)] {
				if e.Kind == kind && (ok == nil || ok(e)) {
					return e
				}
			}
			return &device.Event{}
		}
		for _, row := range rows["dhcp"] {
			where := rel + " " + row["frame.number"]
			e := find(row["frame.number"], device.KindDHCP, nil)
			n, _ := strconv.Atoi(row["dhcp.option.dhcp"])
			want := ""
			if row["dhcp.option.dhcp"] != "" {
				want = dhcp.MessageType(n).String()
			}
			ft.check("dhcp message type", where, e.Message, want)
			if y := row["dhcp.ip.your"]; y != "0.0.0.0" {
				ft.check("dhcp assigned address", where, e.IP, y)
			}
			ft.check("dhcp hostname", where, e.Hostname, row["dhcp.option.hostname"])
		}
		for _, row := range rows["arp"] {
			where := rel + " " + row["frame.number"]
			e := find(row["frame.number"], device.KindARP, nil)
			ft.check("arp sender", where, e.SenderIP, row["arp.src.proto_ipv4"])
			ft.check("arp target", where, e.TargetIP, row["arp.dst.proto_ipv4"])
		}
		for _, row := range rows["dns"] {
			where := rel + " " + row["frame.number"]
			e := find(row["frame.number"], device.KindDNS, nil)
			ft.check("dns query name", where, e.Query, firstOf(row["dns.qry.name"]))
			if row["dns.flags.response"] == "1" && len(e.Answers) > 0 && answerSet(e.Answers) == "" && tsharkAnswers(row) != "" {
				ft.explain("dns answers", "the answer section holds only MX, NS, PTR or other records; tshark's dns.a lists the additional section's addresses")
			} else if row["dns.flags.response"] == "1" {
				// tshark's dns.a and dns.aaaa hold the records of every
				// section (authority and additional too); our answers
				// are the answer section: they agree when ours are
				// among tshark's.
				ft.checkWith("dns answers", where, answerSet(e.Answers), tsharkAnswers(row), subset)
			}
		}
		for _, row := range rows["http"] {
			where := rel + " " + row["frame.number"]
			if row["http.request.method"] != "" {
				e := findHTTP(find, row["frame.number"], func(e *device.Event) bool { return e.Method != "" })
				ft.check("http method", where, e.Method, row["http.request.method"])
				ft.check("http host", where, e.Host, row["http.host"])
				ft.check("http uri", where, e.URI, row["http.request.uri"])
			}
			if row["http.response.code"] != "" {
				e := findHTTP(find, row["frame.number"], func(e *device.Event) bool { return e.Status != 0 })
				ft.check("http status", where, strconv.Itoa(e.Status), row["http.response.code"])
			}
		}
		for _, row := range rows["tls"] {
			where := rel + " " + row["frame.number"]
			e := find(row["frame.number"], device.KindTLS, nil)
			ft.check("tls sni", where, e.SNI, row["tls.handshake.extensions_server_name"])
		}
	}
	var fields []string
	for f := range ft.total {
		fields = append(fields, f)
	}
	sort.Strings(fields)
	t.Logf("%-24s %8s %8s %8s %10s", "field", "tshark", "agree", "%", "explained")
	for _, f := range fields {
		pct := 100 * float64(ft.agree[f]) / float64(ft.total[f])
		t.Logf("%-24s %8d %8d %7.2f%% %10d", f, ft.total[f], ft.agree[f], pct, ft.explained[f])
		for why, n := range ft.reasons[f] {
			t.Logf("    %d explained: %s", n, why)
		}
		// Every difference must be explained; what is not explained must
		// stay under 1% of what tshark sees.
		if unexplained := len(ft.misses[f]); float64(unexplained) > 0.01*float64(ft.total[f]) {
			t.Errorf("%s: %d unexplained differences of %d", f, unexplained, ft.total[f])
		}
		for i, m := range ft.misses[f] {
			if i == 20 {
				t.Errorf("%s: and %d more unexplained differences", f, len(ft.misses[f])-20)
				break
			}
			t.Errorf("%s: unexplained: %s", f, m)
		}
	}
}

// ourFrame maps tshark's frame number to ours: tshark also numbers the
// pcapng custom blocks that we do not count as packets.
func ourFrame(rel, frame string) int {
	n, _ := strconv.Atoi(frame)
	skipped := 0
	for f := range tsharkCustomBlockFrames[rel] {
		if k, _ := strconv.Atoi(f); k < n {
			skipped++
		}
	}
	return n - skipped
}

// subset reports whether the comma-separated values of ours are all in
// theirs, and ours has at least one.
func subset(ours, theirs string) bool {
	if ours == "" {
		return false
	}
	have := map[string]bool{}
	for _, v := range strings.Split(theirs, ",") {
		have[v] = true
	}
	for _, v := range strings.Split(ours, ",") {
		if !have[v] {
			return false
		}
	}
	return true
}

// findHTTP finds an HTTP event, or an SSDP one (HTTP over UDP, which
// tshark's http filter includes).
func findHTTP(find func(string, device.Kind, func(*device.Event) bool) *device.Event, frame string, ok func(*device.Event) bool) *device.Event {
	if e := find(frame, device.KindHTTP, ok); e.Kind != "" {
		return e
	}
	return find(frame, device.KindSSDP, ok)
}

func firstOf(s string) string {
	first, _, _ := strings.Cut(s, ",")
	return first
}

// answerSet and tsharkAnswers put both sides' A, AAAA and CNAME answers
// in one sorted, comparable form.
func answerSet(answers []string) string {
	var out []string
	for _, a := range answers {
		a = strings.TrimPrefix(a, "CNAME ")
		if strings.Contains(a, " ") {
			continue // PTR, TXT, SRV: tshark's file lists only A, AAAA, CNAME
		}
		out = append(out, a)
	}
	sort.Strings(out)
	return strings.Join(out, ",")
}

func tsharkAnswers(row map[string]string) string {
	var out []string
	for _, k := range []string{"dns.a", "dns.aaaa", "dns.cname"} {
		if row[k] != "" {
			out = append(out, strings.Split(row[k], ",")...)
		}
	}
	sort.Strings(out)
	return strings.Join(out, ",")
}
