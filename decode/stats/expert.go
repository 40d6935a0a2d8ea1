package stats

import (
	"fmt"
	"slices"

	"thingsniff/decode"
)

// ExpertItem is one line of the expert information, as Wireshark's
// Expert Info dialog and tshark -z expert give it: what the packets it
// counts share, how serious it is, and the display filter that lists
// them.
type ExpertItem struct {
	Severity Severity
	Group    string // Sequence, Malformed
	Protocol string
	Summary  string // Wireshark's words
	Filter   string
	Packets  uint64
	// First and Last are the numbers of the first and last packet counted.
	First, Last uint32
}

// Severity orders expert items as Wireshark does: errors first.
type Severity uint8

// The severities, most serious first.
const (
	SeverityError Severity = iota
	SeverityWarning
	SeverityNote
	SeverityChat
)

func (s Severity) String() string {
	return [...]string{"Error", "Warning", "Note", "Chat"}[s]
}

// maxExpertItems caps the distinct items: a port scan would otherwise
// make one per server port.
const maxExpertItems = 1024

// expertMarks are the TCP analysis marks as expert items, in Wireshark's
// words and order of severity. A fast or spurious retransmission is also
// a retransmission, as it is to Wireshark.
var expertMarks = []struct {
	mark     decode.Analysis
	severity Severity
	summary  string
}{
	{decode.AnalysisLostSegment, SeverityWarning, "Previous segment(s) not captured (common at capture start)"},
	{decode.AnalysisAckedUnseen, SeverityWarning, "ACKed segment that wasn't captured (common at capture start)"},
	{decode.AnalysisOutOfOrder, SeverityWarning, "This frame is a (suspected) out-of-order segment"},
	{decode.AnalysisZeroWindow, SeverityWarning, "TCP Zero Window segment"},
	{decode.AnalysisWindowFull, SeverityWarning, "TCP window specified by the receiver is now completely full"},
	{decode.AnalysisRetransmission, SeverityNote, "This frame is a (suspected) retransmission"},
	{decode.AnalysisFastRetransmission, SeverityNote, "This frame is a (suspected) fast retransmission"},
	{decode.AnalysisSpuriousRetransmission, SeverityNote, "This frame is a (suspected) spurious retransmission"},
	{decode.AnalysisDupAck, SeverityNote, "Duplicate ACK"},
	{decode.AnalysisKeepAlive, SeverityNote, "TCP keep-alive segment"},
	{decode.AnalysisKeepAliveAck, SeverityNote, "ACK to a TCP keep-alive segment"},
	{decode.AnalysisZeroWindowProbe, SeverityNote, "TCP Zero Window Probe"},
	{decode.AnalysisZeroWindowProbeAck, SeverityNote, "ACK to a TCP Zero Window Probe"},
	{decode.AnalysisPortsReused, SeverityNote, "A new tcp session is started with the same ports as an earlier session in this trace"},
	{decode.AnalysisWindowUpdate, SeverityChat, "TCP window update"},
}

// markField is the display filter field of a TCP analysis mark.
func markField(m decode.Analysis) string {
	for _, a := range decode.AnalysisMarks {
		if a.Mark == m {
			return a.Field
		}
	}
	return "tcp.analysis.flags"
}

// expertKey tells expert items apart: a handshake item is one per
// server port (port -1 for the others).
type expertKey struct {
	protocol, summary string
	port              int32
}

// expert counts packets into expert items.
type expert struct {
	items map[expertKey]*ExpertItem
	left  uint64 // packets of items beyond maxExpertItems
}

// add counts packet p (whose analysis marks the engine set) in its items.
func (e *expert) add(p *decode.Packet) {
	if p.Malformed {
		e.count(p.Num, SeverityError, "Malformed", p.Proto.String(), "Malformed packet", "malformed", -1)
	}
	if p.TCPFlags == 0 && p.Analysis == 0 {
		return // not TCP, or nothing to tell
	}
	if p.Analysis != 0 {
		for _, m := range expertMarks {
			if p.Analysis.Has(m.mark) {
				e.count(p.Num, m.severity, "Sequence", "TCP", m.summary, markField(m.mark), -1)
			}
		}
	}
	fl := p.TCPFlags
	switch {
	case fl.Has(decode.TCPSyn | decode.TCPAck):
		e.count(p.Num, SeverityChat, "Sequence", "TCP", "Connection establish acknowledge (SYN+ACK)",
			"tcp.flags.syn == 1 && tcp.flags.ack == 1 && tcp.srcport == %d", int32(p.SrcPort))
	case fl.Has(decode.TCPSyn):
		e.count(p.Num, SeverityChat, "Sequence", "TCP", "Connection establish request (SYN)",
			"tcp.flags.syn == 1 && tcp.flags.ack == 0 && tcp.dstport == %d", int32(p.DstPort))
	}
	if fl.Has(decode.TCPFin) {
		e.count(p.Num, SeverityChat, "Sequence", "TCP", "Connection finish (FIN)", "tcp.flags.fin == 1", -1)
	}
	if fl.Has(decode.TCPRst) {
		e.count(p.Num, SeverityWarning, "Sequence", "TCP", "Connection reset (RST)", "tcp.flags.reset == 1", -1)
	}
}

// count counts packet num in its item. A handshake item (port not -1)
// names its server port in its words and its filter (a format for it);
// they are made once, when the item is.
func (e *expert) count(num uint32, sev Severity, group, protocol, summary, filter string, port int32) {
	k := expertKey{protocol, summary, port}
	it := e.items[k]
	if it == nil {
		if len(e.items) >= maxExpertItems {
			e.left++
			return
		}
		if port >= 0 {
			summary, filter = fmt.Sprintf("%s: server port %d", summary, port), fmt.Sprintf(filter, port)
		}
		it = &ExpertItem{Severity: sev, Group: group, Protocol: protocol, Summary: summary, Filter: filter, First: num}
		e.items[k] = it
	}
	it.Packets++
	it.Last = num
}

// list returns the items, most serious first, then most frequent.
func (e *expert) list() []ExpertItem {
	out := make([]ExpertItem, 0, len(e.items))
	for _, it := range e.items {
		out = append(out, *it)
	}
	slices.SortFunc(out, func(a, b ExpertItem) int {
		switch {
		case a.Severity != b.Severity:
			return int(a.Severity) - int(b.Severity)
		case a.Packets != b.Packets:
			return int(min(max(int64(b.Packets)-int64(a.Packets), -1), 1))
		case a.Summary < b.Summary:
			return -1
		case a.Summary > b.Summary:
			return 1
		}
		return 0
	})
	return out
}

func (r *Result) expertTable() *Table {
	t := &Table{Title: "Expert information", Columns: cols("severity", "group", "protocol", "summary", "#packets", "filter")}
	for _, it := range r.Expert {
		t.Rows = append(t.Rows, []string{it.Severity.String(), it.Group, it.Protocol, it.Summary, u(it.Packets), it.Filter})
		t.Packets = append(t.Packets, []uint32{it.First, it.Last})
	}
	return t
}
