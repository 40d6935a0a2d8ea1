package decode

import (
	"fmt"
	"net"
	"net/netip"
	"strings"

	"github.com/gopacket/gopacket/layers"
)

// Summary is one row of the packet list, formatted for display.
type Summary struct {
	Source, Destination string
	Protocol            string
	Info                string
}

// Summarize formats a decoded packet as a packet-list row. f is the
// packet's flow (nil if none); it gives relative TCP sequence numbers.
// Describers may add application-level text (DNS names, HTTP lines).
func Summarize(p *Packet, f *Flow) Summary {
	s := Summary{Protocol: p.Proto.String()}
	switch {
	case p.HasIP:
		s.Source, s.Destination = p.Src.String(), p.Dst.String()
	case p.HasMAC:
		s.Source = macString(p.SrcMAC)
		if len(p.DstMAC) == 6 {
			s.Destination = macString(p.DstMAC)
			if isBroadcastMAC(p.DstMAC) {
				s.Destination = "Broadcast"
			}
		}
	}
	var b strings.Builder
	analysisTags(&b, p.Analysis, p.DupAck)
	switch {
	case p.ARP != nil:
		arpInfo(&b, p.ARP)
	case p.Fragment:
		fmt.Fprintf(&b, "Fragmented IP protocol (proto=%s %d)", p.IPProto, int(p.IPProto))
	case p.Proto == ProtoHTTP || p.Proto == ProtoSSDP && LooksLikeHTTP(p.Payload):
		b.WriteString(Printable(firstLine(p.Payload)))
	case appInfo(&b, p):
	case p.IPProto == layers.IPProtocolTCP && p.Proto != ProtoIPv4 && p.Proto != ProtoIPv6:
		tcpInfo(&b, p, f)
	case p.IPProto == layers.IPProtocolUDP && p.Proto != ProtoIPv4 && p.Proto != ProtoIPv6:
		fmt.Fprintf(&b, "%d → %d Len=%d", p.SrcPort, p.DstPort, len(p.Payload))
	case p.Proto == ProtoICMP || p.Proto == ProtoICMPv6:
		icmpInfo(&b, p)
	case p.Proto == ProtoIGMP:
		b.WriteString("IGMP")
	case p.Proto == ProtoLLC:
		b.WriteString("Logical-Link Control")
	case p.HasIP:
		fmt.Fprintf(&b, "IP protocol %d", int(p.IPProto))
	case p.Proto == ProtoEthernet:
		b.WriteString("Ethernet frame")
	}
	switch {
	case p.Cut:
		// As Wireshark says it: the bytes stop where the capture stopped.
		if b.Len() > 0 {
			b.WriteString(" ")
		}
		b.WriteString("[Packet size limited during capture]")
	case p.Err != nil:
		if b.Len() > 0 {
			b.WriteString(" ")
		}
		fmt.Fprintf(&b, "[Malformed: %v]", p.Err)
	}
	s.Info = b.String()
	return s
}

// analysisTags writes the TCP analysis marks as Wireshark's Info starts
// with them: in the reverse of the order Wireshark tells them, since each
// goes in front of the last; a fast or spurious retransmission is named
// once, and a duplicate ACK with its number when dup knows it.
func analysisTags(b *strings.Builder, a Analysis, dup DupAck) {
	for _, t := range AnalysisMarks {
		if !a.Has(t.Mark) || t.Mark == AnalysisRetransmission && a.Any(AnalysisFastRetransmission|AnalysisSpuriousRetransmission) {
			continue
		}
		if t.Mark == AnalysisDupAck && dup.N > 0 {
			fmt.Fprintf(b, "[TCP Dup ACK %d#%d] ", dup.Of, dup.N)
			continue
		}
		b.WriteString("[TCP " + t.Tag + "] ")
	}
}

func macString(m []byte) string {
	if len(m) != 6 {
		return net.HardwareAddr(m).String()
	}
	return net.HardwareAddr(m).String()
}

func arpInfo(b *strings.Builder, a *layers.ARP) {
	sip, tip := ipString(a.SourceProtAddress), ipString(a.DstProtAddress)
	switch a.Operation {
	case layers.ARPRequest:
		switch {
		case sip == "0.0.0.0":
			fmt.Fprintf(b, "Who has %s? (ARP Probe)", tip)
		case sip == tip:
			fmt.Fprintf(b, "ARP Announcement for %s", sip)
		default:
			fmt.Fprintf(b, "Who has %s? Tell %s", tip, sip)
		}
	case layers.ARPReply:
		if sip == tip {
			fmt.Fprintf(b, "Gratuitous ARP for %s (Reply)", sip)
		} else {
			fmt.Fprintf(b, "%s is at %s", sip, net.HardwareAddr(a.SourceHwAddress))
		}
	default:
		fmt.Fprintf(b, "ARP opcode %d", a.Operation)
	}
}

func ipString(b []byte) string {
	if a, ok := netip.AddrFromSlice(b); ok {
		return a.String()
	}
	return fmt.Sprintf("%x", b)
}

func tcpInfo(b *strings.Builder, p *Packet, f *Flow) {
	fmt.Fprintf(b, "%d → %d [%s]", p.SrcPort, p.DstPort, flagString(p.TCPFlags))
	seq, ack := p.Seq, p.Ack
	if f != nil {
		seq, ack = f.Relative(&p.Header)
	}
	fmt.Fprintf(b, " Seq=%d", seq)
	if p.TCPFlags.Has(TCPAck) {
		fmt.Fprintf(b, " Ack=%d", ack)
	}
	fmt.Fprintf(b, " Win=%d Len=%d", f.WindowSize(&p.Header), p.SentLen) // what was sent, captured or not
}

var flagNames = [...]string{"FIN", "SYN", "RST", "PSH", "ACK", "URG", "ECE", "CWR", "NS"}

func flagString(f TCPFlags) string {
	// Wireshark's order: SYN, FIN, RST, PSH, ACK, URG, ECE, CWR, NS.
	order := [...]int{1, 0, 2, 3, 4, 5, 6, 7, 8}
	var parts []string
	for _, i := range order {
		if f&(1<<i) != 0 {
			parts = append(parts, flagNames[i])
		}
	}
	if len(parts) == 0 {
		return "<None>"
	}
	return strings.Join(parts, ", ")
}

// icmpInfo names an ICMP message as Wireshark's Info does: "Echo (ping)
// request  id=0x0007, seq=1/256", "Destination unreachable (Port
// unreachable)", "Neighbor Solicitation for fe80::1".
func icmpInfo(b *strings.Builder, p *Packet) {
	var name string
	var codes map[uint8]string
	if p.Proto == ProtoICMP {
		name, codes = icmp4Names[p.ICMPType], icmp4Codes[p.ICMPType]
	} else {
		name, codes = icmp6Names[p.ICMPType], icmp6Codes[p.ICMPType]
	}
	if name == "" {
		fmt.Fprintf(b, "Type %d, code %d", p.ICMPType, p.ICMPCode)
		return
	}
	b.WriteString(name)
	if c, ok := codes[p.ICMPCode]; ok {
		b.WriteString(" (" + c + ")")
	}
	switch {
	case isEcho(&p.Header) && p.Proto == ProtoICMP:
		fmt.Fprintf(b, "  id=0x%04x, seq=%d/%d", p.ICMPID, p.ICMPSq, p.ICMPSq>>8|p.ICMPSq<<8)
	case isEcho(&p.Header):
		fmt.Fprintf(b, " id=0x%04x, seq=%d", p.ICMPID, p.ICMPSq)
	case p.Proto == ProtoICMPv6 && (p.ICMPType == 135 || p.ICMPType == 136) && len(p.Payload) >= 20:
		// Neighbor discovery: 4 bytes of flags, then the target.
		if a, ok := netip.AddrFromSlice(p.Payload[4:20]); ok {
			if p.ICMPType == 135 {
				b.WriteString(" for")
			}
			b.WriteString(" " + a.String())
		}
	}
}

var icmp4Names = map[uint8]string{0: "Echo (ping) reply", 3: "Destination unreachable", 4: "Source quench", 5: "Redirect",
	8: "Echo (ping) request", 9: "Router advertisement", 10: "Router solicitation", 11: "Time-to-live exceeded",
	12: "Parameter problem", 13: "Timestamp request", 14: "Timestamp reply", 17: "Address mask request", 18: "Address mask reply"}

var icmp4Codes = map[uint8]map[uint8]string{
	3: {0: "Network unreachable", 1: "Host unreachable", 2: "Protocol unreachable", 3: "Port unreachable",
		4: "Fragmentation needed", 5: "Source route failed", 6: "Destination network unknown", 7: "Destination host unknown",
		9: "Destination network administratively prohibited", 10: "Destination host administratively prohibited",
		13: "Communication administratively filtered"},
	5:  {0: "Redirect for network", 1: "Redirect for host", 2: "Redirect for TOS and network", 3: "Redirect for TOS and host"},
	11: {0: "Time to live exceeded in transit", 1: "Fragment reassembly time exceeded"},
}

var icmp6Names = map[uint8]string{1: "Destination Unreachable", 2: "Packet Too Big", 3: "Time Exceeded", 4: "Parameter Problem",
	128: "Echo (ping) request", 129: "Echo (ping) reply", 130: "Multicast Listener Query", 131: "Multicast Listener Report",
	132: "Multicast Listener Done", 133: "Router Solicitation", 134: "Router Advertisement", 135: "Neighbor Solicitation",
	136: "Neighbor Advertisement", 137: "Redirect", 143: "Multicast Listener Report Message v2"}

var icmp6Codes = map[uint8]map[uint8]string{
	1: {0: "no route to destination", 1: "Administratively prohibited", 3: "Address unreachable", 4: "Port unreachable"},
	3: {0: "hop limit exceeded in transit", 1: "fragment reassembly time exceeded"},
}

// firstLine returns the first line of a text protocol message, at most
// 200 bytes of it.
func firstLine(b []byte) string {
	end := len(b)
	for i, c := range b {
		if c == '\r' || c == '\n' {
			end = i
			break
		}
	}
	return truncate(string(b[:min(end, 200)]), 199)
}
