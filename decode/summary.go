package decode

import (
	"encoding/binary"
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
	case p.Proto == ProtoHTTP:
		b.WriteString(Printable(firstLine(p.Payload)) + httpMediaSuffix(p.Payload))
	case p.Proto == ProtoSSDP && LooksLikeHTTP(p.Payload):
		b.WriteString(Printable(firstLine(p.Payload)))
	case appInfo(&b, p):
	case p.IPProto == layers.IPProtocolTCP && p.Proto != ProtoIPv4 && p.Proto != ProtoIPv6:
		tcpInfo(&b, p, f)
	case p.IPProto == layers.IPProtocolUDP && p.Proto != ProtoIPv4 && p.Proto != ProtoIPv6:
		fmt.Fprintf(&b, "%d → %d Len=%d", p.SrcPort, p.DstPort, len(p.Payload))
	case p.Proto == ProtoICMP || p.Proto == ProtoICMPv6:
		icmpInfo(&b, p)
	case p.Proto == ProtoIGMP:
		s.Protocol = igmpSummary(&b, p.Payload)
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
	// Wireshark reads the protocol addresses as IPv4 only when the
	// packet says they are; other kinds it writes out in hex.
	sip, tip := fmt.Sprintf("%x", a.SourceProtAddress), fmt.Sprintf("%x", a.DstProtAddress)
	if a.Protocol == layers.EthernetTypeIPv4 {
		sip, tip = ipString(a.SourceProtAddress), ipString(a.DstProtAddress)
	}
	switch a.Operation {
	case layers.ARPRequest:
		switch {
		case sip == "0.0.0.0":
			fmt.Fprintf(b, "Who has %s? (ARP Probe)", tip)
		case sip == tip && allZero(a.DstHwAddress):
			fmt.Fprintf(b, "ARP Announcement for %s", sip)
		case sip == tip:
			fmt.Fprintf(b, "Gratuitous ARP for %s (Request)", sip)
		default:
			fmt.Fprintf(b, "Who has %s? Tell %s", tip, sip)
		}
	case layers.ARPReply:
		if sip == tip {
			fmt.Fprintf(b, "Gratuitous ARP for %s (Reply)", sip)
		} else {
			fmt.Fprintf(b, "%s is at %s", sip, net.HardwareAddr(a.SourceHwAddress))
		}
	case 0:
		b.WriteString("Reserved opcode 0")
	default:
		fmt.Fprintf(b, "Unknown ARP opcode 0x%04x", a.Operation)
	}
}

func ipString(b []byte) string {
	if a, ok := netip.AddrFromSlice(b); ok {
		return a.String()
	}
	return fmt.Sprintf("%x", b)
}

func tcpInfo(b *strings.Builder, p *Packet, f *Flow) {
	fmt.Fprintf(b, "%d → %d [%s]", p.SrcPort, p.DstPort, flagString(p.TCPFlags, p.TCP))
	seq, ack := p.Seq, p.Ack
	if f != nil {
		seq, ack = f.Relative(&p.Header)
	}
	fmt.Fprintf(b, " Seq=%d", seq)
	if p.TCPFlags.Has(TCPAck) {
		fmt.Fprintf(b, " Ack=%d", ack)
	}
	fmt.Fprintf(b, " Win=%d", f.WindowSize(&p.Header))
	if p.TCP != nil && p.TCP.URG {
		fmt.Fprintf(b, " Urg=%d", p.TCP.Urgent)
	}
	fmt.Fprintf(b, " Len=%d", p.SentLen) // what was sent, captured or not
	if p.TCP != nil {
		// SACK edges count from the same first byte as the ACK.
		tcpOptionsInfo(b, p.TCP.Options, p.Ack-ack)
	}
}

// tcpOptionsInfo appends the TCP options as Wireshark's Info ends with
// them, in the order the header carries them: "MSS=1460 SACK_PERM
// TSval=3178885056 TSecr=0 WS=128", a block "SLE=… SRE=…" for each
// selective acknowledgment (relative to ackBase), "TFO=R" or "TFO=C"
// for a Fast Open cookie request or cookie.
func tcpOptionsInfo(b *strings.Builder, opts []layers.TCPOption, ackBase uint32) {
	for _, o := range opts {
		d := o.OptionData
		switch o.OptionType {
		case layers.TCPOptionKindMSS:
			if len(d) == 2 {
				fmt.Fprintf(b, " MSS=%d", binary.BigEndian.Uint16(d))
			}
		case layers.TCPOptionKindWindowScale:
			if len(d) == 1 {
				fmt.Fprintf(b, " WS=%d", 1<<min(d[0], 14))
			}
		case layers.TCPOptionKindSACKPermitted:
			if len(d) == 0 {
				b.WriteString(" SACK_PERM")
			}
		case layers.TCPOptionKindTimestamps:
			if len(d) == 8 {
				fmt.Fprintf(b, " TSval=%d TSecr=%d", binary.BigEndian.Uint32(d), binary.BigEndian.Uint32(d[4:]))
			}
		case layers.TCPOptionKindSACK:
			for ; len(d) >= 8; d = d[8:] {
				fmt.Fprintf(b, " SLE=%d SRE=%d", binary.BigEndian.Uint32(d)-ackBase, binary.BigEndian.Uint32(d[4:])-ackBase)
			}
		case tcpOptionFastOpen:
			tfoInfo(b, d)
		case tcpOptionExperiment1, tcpOptionExperiment2:
			// RFC 6994: Fast Open before it had a kind of its own
			// carried the magic 0xF989 in an experimental option.
			if len(d) >= 2 && binary.BigEndian.Uint16(d) == 0xf989 {
				tfoInfo(b, d[2:])
			}
		}
	}
}

// TCP option kinds that gopacket does not name.
const (
	tcpOptionFastOpen    layers.TCPOptionKind = 34
	tcpOptionExperiment1 layers.TCPOptionKind = 253
	tcpOptionExperiment2 layers.TCPOptionKind = 254
)

// tfoInfo tells a TCP Fast Open option: a request carries no cookie.
func tfoInfo(b *strings.Builder, cookie []byte) {
	if len(cookie) == 0 {
		b.WriteString(" TFO=R")
	} else {
		b.WriteString(" TFO=C")
	}
}

// flagNames are the TCP flags as Wireshark 4.0's Info names them, by
// bit: bit 8 (once NS) is Accurate ECN's "AE".
var flagNames = [...]string{"FIN", "SYN", "RST", "PSH", "ACK", "URG", "ECE", "CWR", "AE"}

// flagString names a segment's flags in bit order, as Wireshark does
// ("FIN, SYN, …"), then "Reserved" when tcp sets any of the three bits
// no flag owns.
func flagString(f TCPFlags, tcp *layers.TCP) string {
	var parts []string
	for i, name := range flagNames {
		if f&(1<<i) != 0 {
			parts = append(parts, name)
		}
	}
	if tcp != nil && len(tcp.Contents) > 12 && tcp.Contents[12]&0x0e != 0 {
		parts = append(parts, "Reserved")
	}
	if len(parts) == 0 {
		return "<None>"
	}
	return strings.Join(parts, ", ")
}

// neighborInfo tells what an IPv6 neighbor discovery message (after
// its first four bytes) is about, as Wireshark's Info does: the target
// of a solicitation or advertisement, an advertisement's flags, and the
// link-layer address its options give ("from" the sender, "is at" the
// target's).
func neighborInfo(b *strings.Builder, typ uint8, msg []byte) {
	var options []byte
	switch {
	case typ == 133 && len(msg) >= 4: // router solicitation
		options = msg[4:]
	case typ == 134 && len(msg) >= 12: // router advertisement
		options = msg[12:]
	case (typ == 135 || typ == 136) && len(msg) >= 20:
		target, _ := netip.AddrFromSlice(msg[4:20])
		if typ == 135 {
			b.WriteString(" for")
		}
		b.WriteString(" " + target.String())
		if typ == 136 {
			var flags []string
			for i, f := range []string{"rtr", "sol", "ovr"} {
				if msg[0]&(0x80>>i) != 0 {
					flags = append(flags, f)
				}
			}
			if len(flags) == 0 {
				flags = []string{"none"}
			}
			b.WriteString(" (" + strings.Join(flags, ", ") + ")")
		}
		options = msg[20:]
	default:
		return
	}
	// Options: a type, a length in units of 8 bytes, and the value.
	for len(options) >= 8 && options[1] > 0 && int(options[1])*8 <= len(options) {
		switch kind, mac := options[0], net.HardwareAddr(options[2:8]); {
		case kind == 1 && options[1] == 1:
			b.WriteString(" from " + mac.String())
		case kind == 2 && options[1] == 1:
			b.WriteString(" is at " + mac.String())
		}
		options = options[int(options[1])*8:]
	}
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
	if p.Proto == ProtoICMP {
		fmt.Fprintf(b, "%-20s", name) // Wireshark lines ICMP's names up
	} else {
		b.WriteString(name)
	}
	if c, ok := codes[p.ICMPCode]; ok {
		b.WriteString(" (" + c + ")")
	}
	switch {
	case isEcho(&p.Header) && p.Proto == ProtoICMP:
		fmt.Fprintf(b, " id=0x%04x, seq=%d/%d", p.ICMPID, p.ICMPSq, p.ICMPSq>>8|p.ICMPSq<<8)
		if p.IP.Version == 4 {
			fmt.Fprintf(b, ", ttl=%d", p.IP.TTL)
		}
	case isEcho(&p.Header):
		fmt.Fprintf(b, " id=0x%04x, seq=%d", p.ICMPID, p.ICMPSq)
		if p.IP.Version == 6 {
			fmt.Fprintf(b, ", hop limit=%d", p.IP.TTL)
		}
	case p.Proto == ProtoICMPv6:
		neighborInfo(b, p.ICMPType, p.Payload)
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

// allZero reports whether every byte of b is zero.
func allZero(b []byte) bool {
	for _, c := range b {
		if c != 0 {
			return false
		}
	}
	return true
}
