package decode

import (
	"bytes"
	"fmt"
	"net"
	"reflect"
	"strings"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
)

// Node is one line of a packet's details tree. Start and End are the
// byte range of the packet it describes (End 0 when it has none).
type Node struct {
	Title      string
	Start, End int
	Children   []Node
	// Filter is a display filter that matches this line's value in this
	// packet ("ip.src == 10.0.0.1"); "" when no filter field holds it.
	Filter string
	// Open asks the window to show the line's children at once (a
	// packet's comments), where other lines start folded.
	Open bool
}

// Details decodes one packet fully (gopacket.NewPacket, every layer gopacket
// knows) into a tree for the details pane. It is for the one packet on
// screen, not the hot path, and never panics.
func Details(data []byte, link layers.LinkType) []Node { return DetailsOf(data, link, Context{}) }

// Context is what the capture around a packet knows of it, for DetailsOf.
type Context struct {
	// Flow is the packet's flow (nil if none or unknown).
	Flow *Flow
	// Analysis is the packet's TCP analysis, and DupAck which duplicate
	// ACK it is (see Packet).
	Analysis Analysis
	DupAck   DupAck
	// OrigLen is the packet's length on the wire (0: as captured).
	OrigLen int
}

// DetailsOf is Details with what only the capture around the packet
// knows (ctx): its flow (relative TCP sequence numbers, raw ones
// beside), its TCP analysis marks, shown as Wireshark's [SEQ/ACK
// analysis], and its length on the wire (what a cut frame's headers
// say was sent). The application protocols thingsniff reads itself (DNS,
// DHCP, TLS, NTP, MQTT, QUIC) get trees whose every line marks exactly
// its own bytes.
func DetailsOf(data []byte, link layers.LinkType, ctx Context) (nodes []Node) {
	defer func() {
		if r := recover(); r != nil {
			nodes = append(nodes, Node{Title: fmt.Sprintf("[Malformed: decoder failed: %v]", r)})
		}
	}()
	var dec gopacket.Decoder = link
	if link == LinkTypePPPSerial {
		dec = layers.LinkTypePPP // gopacket's PPP decoder skips ff 03
	}
	off := 0
	if link == LinkTypeNFLOG {
		// gopacket has no NFLOG decoder: show the header, then decode the
		// carried IP packet.
		var n nflog
		if err := n.DecodeFromBytes(data, gopacket.NilDecodeFeedback); err != nil {
			return []Node{{Title: "NFLOG [Malformed: " + err.Error() + "]", End: len(data)}}
		}
		nodes = append(nodes, Node{Title: fmt.Sprintf("Linux netfilter log (NFLOG), family %d", n.Family), End: len(n.Contents)})
		off = len(n.Contents)
		dec = n.NextLayerType()
	}
	// Our own parser says what the application protocol is (by bytes and
	// port, as the packet list does) and where its payload starts.
	var ours Packet
	ours.OrigLen = max(ctx.OrigLen, len(data))
	NewParser().Decode(data, link, &ours)
	appBase := indexOf(data, ours.Payload, 0)
	pkt := gopacket.NewPacket(data[off:], dec, gopacket.DecodeOptions{NoCopy: true})
	kinds := map[gopacket.LayerType]int{}
	for _, l := range pkt.Layers() {
		kinds[l.LayerType()]++
	}
	for _, l := range pkt.Layers() {
		contents := l.LayerContents()
		start := off
		if i := indexOf(data, contents, off); i >= 0 {
			start = i
		}
		end := start + len(contents)
		off = end
		switch l := l.(type) {
		case *gopacket.DecodeFailure:
			title := "[Malformed: " + l.Error().Error() + "]"
			if ours.Cut {
				title = "[Packet size limited during capture: " + l.Error().Error() + "]"
			}
			nodes = append(nodes, Node{Title: title, Start: start, End: len(data)})
			continue
		case *gopacket.Payload:
			// The filter reads HTTP over TCP only (SSDP speaks it over
			// UDP), and a message once: not again in a retransmission.
			retransmitted := ctx.Analysis.Any(AnalysisRetransmission | AnalysisFastRetransmission | AnalysisSpuriousRetransmission)
			nodes = append(nodes, payloadNode(l.Payload(), start, ours.Proto == ProtoHTTP && ours.IPProto == layers.IPProtocolTCP && !retransmitted))
			continue
		}
		n := Node{Title: layerTitle(l), Start: start, End: end}
		n.Children = fieldNodes(reflect.ValueOf(l), start, end, 0)
		describeFields(l, n.Children, start, end, filterReads(l, &ours, kinds[l.LayerType()] == 1))
		if tcp, ok := l.(*layers.TCP); ok {
			relativeTCP(&n, tcp, &ours, ctx)
		}
		nodes = append(nodes, n)
		if t := l.LayerType(); (t == layers.LayerTypeTCP || t == layers.LayerTypeUDP) && appBase >= 0 && len(ours.Payload) > 0 {
			if app, ok := appDetails(&ours, appBase); ok {
				return append(nodes, app)
			}
		}
	}
	return nodes
}

// relativeTCP shows a TCP layer's numbers as Wireshark does: sequence
// and acknowledgment numbers relative to the flow's first, the raw ones
// beside them, and the analysis of the segment.
func relativeTCP(n *Node, tcp *layers.TCP, p *Packet, ctx Context) {
	f := ctx.Flow
	if f == nil {
		return
	}
	d := 1
	if f.FromClient(p) {
		d = 0
	}
	h := p.Header
	h.ToServer = d == 0
	seq, ack := f.Relative(&h)
	n.Title = fmt.Sprintf("Transmission Control Protocol, Src Port: %d, Dst Port: %d, Seq: %d, Ack: %d, Len: %d",
		tcp.SrcPort, tcp.DstPort, seq, ack, p.SentLen)
	var kids []Node
	for _, c := range n.Children {
		switch {
		case strings.HasPrefix(c.Title, "Sequence Number (raw):"):
			kids = append(kids, Node{Title: fmt.Sprintf("Sequence Number: %d    (relative sequence number)", seq), Start: c.Start, End: c.End, Filter: fmt.Sprint("tcp.seq == ", seq)},
				Node{Title: fmt.Sprintf("Sequence Number (raw): %d", tcp.Seq), Start: c.Start, End: c.End, Filter: fmt.Sprint("tcp.seq_raw == ", tcp.Seq)})
			continue
		case strings.HasPrefix(c.Title, "Acknowledgment Number (raw):") && tcp.ACK:
			kids = append(kids, Node{Title: fmt.Sprintf("Acknowledgment Number: %d    (relative ack number)", ack), Start: c.Start, End: c.End, Filter: fmt.Sprint("tcp.ack == ", ack)},
				Node{Title: fmt.Sprintf("Acknowledgment Number (raw): %d", tcp.Ack), Start: c.Start, End: c.End, Filter: fmt.Sprint("tcp.ack_raw == ", tcp.Ack)})
			continue
		case strings.HasPrefix(c.Title, "Window:"):
			factor := "-1 (unknown)"
			if s, ok := f.WindowShift(d); ok {
				factor = fmt.Sprint(1 << s)
			}
			if tcp.SYN {
				factor = "not used on a SYN"
			}
			kids = append(kids, Node{Title: fmt.Sprintf("Window: %d", tcp.Window), Start: c.Start, End: c.End, Filter: c.Filter},
				Node{Title: fmt.Sprintf("[Calculated window size: %d]", f.WindowSize(&h)), Start: c.Start, End: c.End},
				Node{Title: "[Window size scaling factor: " + factor + "]", Start: c.Start, End: c.End})
			continue
		}
		kids = append(kids, c)
	}
	if a := ctx.Analysis; a != 0 {
		seqAck := Node{Title: "[SEQ/ACK analysis]"}
		for _, t := range AnalysisMarks {
			if a.Has(t.Mark) {
				seqAck.Children = append(seqAck.Children, Node{Title: "[TCP Analysis Flags: TCP " + t.Tag + "]", Filter: t.Field})
			}
		}
		if dup := ctx.DupAck; a.Has(AnalysisDupAck) && dup.N > 0 {
			seqAck.Children = append(seqAck.Children, Node{Title: fmt.Sprintf("[Duplicate ACK #: %d]", dup.N), Filter: fmt.Sprint("tcp.analysis.duplicate_ack_num == ", dup.N)},
				Node{Title: fmt.Sprintf("[Duplicate to the ACK in frame: %d]", dup.Of), Filter: fmt.Sprint("tcp.analysis.duplicate_ack_frame == ", dup.Of)})
		}
		kids = append(kids, seqAck)
	}
	n.Children = kids
}

// indexOf finds where sub lies inside data at or after from, by identity
// of the backing array when possible.
func indexOf(data, sub []byte, from int) int {
	if len(sub) == 0 || len(data) == 0 {
		return -1
	}
	base := reflect.ValueOf(data).Pointer()
	p := reflect.ValueOf(sub).Pointer()
	if p >= base && p < base+uintptr(len(data)) {
		return int(p - base)
	}
	if from <= len(data) {
		if i := bytes.Index(data[from:], sub); i >= 0 {
			return from + i
		}
	}
	return -1
}

func layerTitle(l gopacket.Layer) string {
	name := l.LayerType().String()
	switch v := l.(type) {
	case *layers.Ethernet:
		return fmt.Sprintf("Ethernet II, Src: %s, Dst: %s", v.SrcMAC, v.DstMAC)
	case *layers.IPv4:
		return fmt.Sprintf("Internet Protocol Version 4, Src: %s, Dst: %s", v.SrcIP, v.DstIP)
	case *layers.IPv6:
		return fmt.Sprintf("Internet Protocol Version 6, Src: %s, Dst: %s", v.SrcIP, v.DstIP)
	case *layers.TCP:
		return fmt.Sprintf("Transmission Control Protocol, Src Port: %d, Dst Port: %d, Seq: %d, Ack: %d, Len: %d",
			v.SrcPort, v.DstPort, v.Seq, v.Ack, len(v.Payload))
	case *layers.UDP:
		return fmt.Sprintf("User Datagram Protocol, Src Port: %d, Dst Port: %d", v.SrcPort, v.DstPort)
	case *layers.ARP:
		return "Address Resolution Protocol (" + map[uint16]string{1: "request", 2: "reply"}[v.Operation] + ")"
	case *layers.DNS:
		return "Domain Name System (" + map[bool]string{false: "query", true: "response"}[v.QR] + ")"
	case *layers.DHCPv4:
		return "Dynamic Host Configuration Protocol (" + dhcpType(v) + ")"
	case *layers.Dot1Q:
		return fmt.Sprintf("802.1Q Virtual LAN, ID: %d", v.VLANIdentifier)
	}
	return name
}

func dhcpType(d *layers.DHCPv4) string {
	for _, o := range d.Options {
		if o.Type == layers.DHCPOptMessageType && len(o.Data) == 1 {
			return layers.DHCPMsgType(o.Data[0]).String()
		}
	}
	return d.Operation.String()
}

// payloadNode shows application bytes; text protocols (HTTP, SSDP) get a
// line per header line.
func payloadNode(b []byte, start int, httpFilters bool) Node {
	n := Node{Title: fmt.Sprintf("Data (%d bytes)", len(b)), Start: start, End: start + len(b)}
	if LooksLikeHTTP(b) {
		n.Title = "Hypertext Transfer Protocol"
		pos := start
		for k, line := range strings.SplitAfter(string(b), "\n") {
			if strings.TrimSpace(line) == "" {
				break
			}
			text := strings.TrimRight(line, "\r\n")
			n.Children = append(n.Children, Node{Title: text, Start: pos, End: pos + len(line)})
			if httpFilters {
				n.Children[len(n.Children)-1].Filter = httpLineFilter(text, k == 0)
			}
			pos += len(line)
			if len(n.Children) > 200 {
				break
			}
		}
	}
	return n
}

var skipFields = map[string]bool{"BaseLayer": true, "Contents": true, "Payload": true}

// fieldNodes lists a layer's exported fields, recursing into structs and
// slices a few levels deep.
func fieldNodes(v reflect.Value, start, end, depth int) []Node {
	for v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface {
		if v.IsNil() {
			return nil
		}
		v = v.Elem()
	}
	if v.Kind() != reflect.Struct || depth > 3 {
		return nil
	}
	var out []Node
	t := v.Type()
	for i := 0; i < t.NumField(); i++ {
		sf := t.Field(i)
		if !sf.IsExported() || skipFields[sf.Name] {
			continue
		}
		out = append(out, valueNode(sf.Name, v.Field(i), start, end, depth))
		if len(out) > 500 {
			break
		}
	}
	return out
}

func valueNode(name string, f reflect.Value, start, end, depth int) Node {
	n := Node{Title: name, Start: start, End: end}
	switch x := f.Interface().(type) {
	case net.IP:
		n.Title += ": " + x.String()
		return n
	case net.HardwareAddr:
		n.Title += ": " + x.String()
		return n
	case []byte:
		if len(x) <= 32 {
			n.Title += fmt.Sprintf(": %x", x)
		} else {
			n.Title += fmt.Sprintf(": %d bytes", len(x))
		}
		if isPrintable(x) && len(x) > 0 {
			n.Title = fmt.Sprintf("%s: %q", name, truncate(string(x), 200))
		}
		return n
	case fmt.Stringer:
		if f.Kind() != reflect.Struct {
			n.Title += ": " + x.String()
			return n
		}
	}
	switch f.Kind() {
	case reflect.Slice, reflect.Array:
		n.Title += fmt.Sprintf(" (%d)", f.Len())
		for j := 0; j < f.Len() && j < 200; j++ {
			n.Children = append(n.Children, valueNode(fmt.Sprintf("[%d]", j), f.Index(j), start, end, depth+1))
		}
	case reflect.Struct, reflect.Pointer:
		n.Children = fieldNodes(f, start, end, depth+1)
	default:
		n.Title += fmt.Sprintf(": %v", f.Interface())
	}
	return n
}

func isPrintable(b []byte) bool {
	for _, c := range b {
		if (c < 0x20 || c > 0x7e) && c != '\r' && c != '\n' && c != '\t' {
			return false
		}
	}
	return true
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// fieldRange is where a header field lies, from the start of its layer.
// layerField is what the details know of one field of a fixed-layout
// header that gopacket decodes: where its bytes lie in the header, the
// name Wireshark gives it, and the display filter field that holds its
// value ("" for none).
type layerField struct {
	off, len int
	name     string
	filter   string
}

// layerFields describes the fields of the fixed-layout headers, by
// gopacket's field names: choosing one marks its own bytes in the hex
// view (not the whole layer's), its line reads as in Wireshark, and it
// can become a filter (Apply as Filter). Fields not listed keep the
// layer's range and gopacket's name. Lengths offer no filter (the filter
// reads them from what was captured, the header's field says what was
// sent), nor does the EtherType (an 802.3 frame's length field is not
// one).
var layerFields = map[gopacket.LayerType]map[string]layerField{
	layers.LayerTypeEthernet: {"DstMAC": {0, 6, "Destination", "eth.dst"}, "SrcMAC": {6, 6, "Source", "eth.src"},
		"EthernetType": {12, 2, "Type", ""}, "Length": {12, 2, "Length", ""}},
	layers.LayerTypeIPv4: {"Version": {0, 1, "Version", ""}, "IHL": {0, 1, "Header Length (32-bit words)", ""},
		"TOS": {1, 1, "Differentiated Services Field", "ip.dsfield"}, "Length": {2, 2, "Total Length", ""},
		"Id": {4, 2, "Identification", "ip.id"}, "Flags": {6, 1, "Flags", ""}, "FragOffset": {6, 2, "Fragment Offset (8-byte units)", ""},
		"TTL": {8, 1, "Time to Live", "ip.ttl"}, "Protocol": {9, 1, "Protocol", "ip.proto"}, "Checksum": {10, 2, "Header Checksum", ""},
		"SrcIP": {12, 4, "Source Address", "ip.src"}, "DstIP": {16, 4, "Destination Address", "ip.dst"}},
	layers.LayerTypeIPv6: {"Version": {0, 1, "Version", ""}, "TrafficClass": {0, 2, "Traffic Class", "ipv6.tclass"},
		"FlowLabel": {1, 3, "Flow Label", ""}, "Length": {4, 2, "Payload Length", ""}, "NextHeader": {6, 1, "Next Header", "ipv6.nxt"},
		"HopLimit": {7, 1, "Hop Limit", "ipv6.hlim"}, "SrcIP": {8, 16, "Source Address", "ipv6.src"}, "DstIP": {24, 16, "Destination Address", "ipv6.dst"}},
	layers.LayerTypeTCP: {"SrcPort": {0, 2, "Source Port", "tcp.srcport"}, "DstPort": {2, 2, "Destination Port", "tcp.dstport"},
		"Seq": {4, 4, "Sequence Number (raw)", "tcp.seq_raw"}, "Ack": {8, 4, "Acknowledgment Number (raw)", ""}, // a filter only with the ACK flag (relativeTCP)
		"DataOffset": {12, 1, "Header Length (32-bit words)", ""}, "NS": {12, 1, "Accurate ECN", ""},
		"CWR": {13, 1, "Congestion Window Reduced", ""}, "ECE": {13, 1, "ECN-Echo", ""}, "URG": {13, 1, "Urgent", ""},
		"ACK": {13, 1, "Acknowledgment", "tcp.flags.ack"}, "PSH": {13, 1, "Push", "tcp.flags.push"}, "RST": {13, 1, "Reset", "tcp.flags.reset"},
		"SYN": {13, 1, "Syn", "tcp.flags.syn"}, "FIN": {13, 1, "Fin", "tcp.flags.fin"}, "Window": {14, 2, "Window", "tcp.window_size_value"},
		"Checksum": {16, 2, "Checksum", ""}, "Urgent": {18, 2, "Urgent Pointer", ""}},
	layers.LayerTypeUDP: {"SrcPort": {0, 2, "Source Port", "udp.srcport"}, "DstPort": {2, 2, "Destination Port", "udp.dstport"},
		"Length": {4, 2, "Length", ""}, "Checksum": {6, 2, "Checksum", ""}},
	layers.LayerTypeICMPv4: {"TypeCode": {0, 2, "Type and Code", ""}, "Checksum": {2, 2, "Checksum", ""},
		"Id": {4, 2, "Identifier", ""}, "Seq": {6, 2, "Sequence Number", ""}},
	layers.LayerTypeICMPv6: {"TypeCode": {0, 2, "Type and Code", ""}, "Checksum": {2, 2, "Checksum", ""}},
	layers.LayerTypeARP: {"AddrType": {0, 2, "Hardware Type", ""}, "Protocol": {2, 2, "Protocol Type", ""},
		"HwAddressSize": {4, 1, "Hardware Size", ""}, "ProtAddressSize": {5, 1, "Protocol Size", ""},
		"Operation": {6, 2, "Opcode", "arp.opcode"}, "SourceHwAddress": {8, 6, "Sender MAC Address", "arp.src.hw_mac"},
		"SourceProtAddress": {14, 4, "Sender IP Address", "arp.src.proto_ipv4"}, "DstHwAddress": {18, 6, "Target MAC Address", "arp.dst.hw_mac"},
		"DstProtAddress": {24, 4, "Target IP Address", "arp.dst.proto_ipv4"}},
	layers.LayerTypeDot1Q: {"Priority": {0, 1, "Priority", ""}, "DropEligible": {0, 1, "Drop Eligible", ""},
		"VLANIdentifier": {0, 2, "ID", ""}, "Type": {2, 2, "Type", ""}},
}

// describeFields gives the known fields of layer l (whose bytes are
// [start, end)) their own byte range and Wireshark's name, and, when
// filters is set, the display filter that matches each value in this
// packet. A port reads as its number, as Wireshark writes it.
func describeFields(l gopacket.Layer, fields []Node, start, end int, filters bool) {
	known := layerFields[l.LayerType()]
	if known == nil {
		return
	}
	v := reflect.ValueOf(l)
	for v.Kind() == reflect.Pointer {
		v = v.Elem()
	}
	for i := range fields {
		goName, rest, _ := strings.Cut(fields[i].Title, ":")
		goName, _, _ = strings.Cut(goName, " (")
		f, ok := known[goName]
		if !ok {
			continue
		}
		if start+f.off+f.len <= end {
			fields[i].Start, fields[i].End = start+f.off, start+f.off+f.len
		}
		value, ok := filterValue(v.FieldByName(goName))
		if filters && f.filter != "" && ok {
			fields[i].Filter = f.filter + " == " + value
		}
		if strings.HasSuffix(f.filter, "port") && ok {
			rest = " " + value
		}
		fields[i].Title = f.name + ":" + rest
	}
}
