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
		narrowFields(l.LayerType(), n.Children, start, end)
		if filterReads(l, &ours, kinds[l.LayerType()] == 1) {
			setLayerFilters(l, n.Children)
		}
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
		case strings.HasPrefix(c.Title, "Seq:"):
			kids = append(kids, Node{Title: fmt.Sprintf("Sequence Number: %d    (relative sequence number)", seq), Start: c.Start, End: c.End, Filter: fmt.Sprint("tcp.seq == ", seq)},
				Node{Title: fmt.Sprintf("Sequence Number (raw): %d", tcp.Seq), Start: c.Start, End: c.End, Filter: fmt.Sprint("tcp.seq_raw == ", tcp.Seq)})
			continue
		case strings.HasPrefix(c.Title, "Ack:") && tcp.ACK:
			kids = append(kids, Node{Title: fmt.Sprintf("Acknowledgment Number: %d    (relative ack number)", ack), Start: c.Start, End: c.End, Filter: fmt.Sprint("tcp.ack == ", ack)},
				Node{Title: fmt.Sprintf("Acknowledgment number (raw): %d", tcp.Ack), Start: c.Start, End: c.End, Filter: fmt.Sprint("tcp.ack_raw == ", tcp.Ack)})
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
type fieldRange struct{ off, len int }

// fieldRanges places the fields of the fixed-layout headers, so that
// choosing a field marks its own bytes in the hex view, not the whole
// layer's. Fields not listed keep the layer's range.
var fieldRanges = map[gopacket.LayerType]map[string]fieldRange{
	layers.LayerTypeEthernet: {"DstMAC": {0, 6}, "SrcMAC": {6, 6}, "EthernetType": {12, 2}, "Length": {12, 2}},
	layers.LayerTypeIPv4: {"Version": {0, 1}, "IHL": {0, 1}, "TOS": {1, 1}, "Length": {2, 2}, "Id": {4, 2},
		"Flags": {6, 1}, "FragOffset": {6, 2}, "TTL": {8, 1}, "Protocol": {9, 1}, "Checksum": {10, 2},
		"SrcIP": {12, 4}, "DstIP": {16, 4}},
	layers.LayerTypeIPv6: {"Version": {0, 1}, "TrafficClass": {0, 2}, "FlowLabel": {1, 3}, "Length": {4, 2},
		"NextHeader": {6, 1}, "HopLimit": {7, 1}, "SrcIP": {8, 16}, "DstIP": {24, 16}},
	layers.LayerTypeTCP: {"SrcPort": {0, 2}, "DstPort": {2, 2}, "Seq": {4, 4}, "Ack": {8, 4}, "DataOffset": {12, 1},
		"NS": {12, 1}, "CWR": {13, 1}, "ECE": {13, 1}, "URG": {13, 1}, "ACK": {13, 1}, "PSH": {13, 1}, "RST": {13, 1},
		"SYN": {13, 1}, "FIN": {13, 1}, "Window": {14, 2}, "Checksum": {16, 2}, "Urgent": {18, 2}},
	layers.LayerTypeUDP:    {"SrcPort": {0, 2}, "DstPort": {2, 2}, "Length": {4, 2}, "Checksum": {6, 2}},
	layers.LayerTypeICMPv4: {"TypeCode": {0, 2}, "Checksum": {2, 2}, "Id": {4, 2}, "Seq": {6, 2}},
	layers.LayerTypeICMPv6: {"TypeCode": {0, 2}, "Checksum": {2, 2}},
	layers.LayerTypeARP: {"AddrType": {0, 2}, "Protocol": {2, 2}, "HwAddressSize": {4, 1}, "ProtAddressSize": {5, 1},
		"Operation": {6, 2}, "SourceHwAddress": {8, 6}, "SourceProtAddress": {14, 4}, "DstHwAddress": {18, 6},
		"DstProtAddress": {24, 4}},
	layers.LayerTypeDot1Q: {"Priority": {0, 1}, "DropEligible": {0, 1}, "VLANIdentifier": {0, 2}, "Type": {2, 2}},
}

// narrowFields gives the known fields of a layer their own byte range,
// within the layer's [start, end).
func narrowFields(t gopacket.LayerType, fields []Node, start, end int) {
	ranges := fieldRanges[t]
	if ranges == nil {
		return
	}
	for i := range fields {
		name, _, _ := strings.Cut(fields[i].Title, ":")
		name, _, _ = strings.Cut(name, " (")
		r, ok := ranges[name]
		if !ok || start+r.off+r.len > end {
			continue
		}
		fields[i].Start, fields[i].End = start+r.off, start+r.off+r.len
	}
}
