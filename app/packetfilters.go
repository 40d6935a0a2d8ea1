package app

import (
	"net"
	"net/netip"
	"strconv"

	"github.com/gopacket/gopacket/layers"

	"thingsniff/decode"
)

// PacketFilters are the display filters a packet's context menu offers,
// as Wireshark's Conversation Filter and Apply as Filter write them: its
// conversation (both addresses, and both ports for TCP and UDP), its
// source and its destination. An empty one means the packet has no such
// address.
type PacketFilters struct {
	Conversation, Source, Destination string
}

// Filters decodes packet i (0-based) on the calling goroutine and writes
// its filters: the innermost IP addresses when it has them, otherwise its
// MAC addresses.
func (r *Rows) Filters(i int) (PacketFilters, error) {
	env := r.env()
	if _, _, err := r.fmt.decodeAt(i, env); err != nil {
		return PacketFilters{}, err
	}
	return filtersOf(&r.fmt.pkt), nil
}

func filtersOf(p *decode.Packet) PacketFilters {
	var f PacketFilters
	switch {
	case p.HasIP && p.Src.IsValid() && p.Dst.IsValid():
		field := ipField(p.Src)
		f.Source = field + ".src == " + p.Src.String()
		f.Destination = field + ".dst == " + p.Dst.String()
		port := portField(p.IPProto)
		if p.Fragment {
			port = ""
		}
		f.Conversation = conversationFilter(netip.AddrPortFrom(p.Src, p.SrcPort), netip.AddrPortFrom(p.Dst, p.DstPort), port)
	case p.HasMAC && macSet(p.SrcMAC):
		src, dst := net.HardwareAddr(p.SrcMAC), net.HardwareAddr(p.DstMAC)
		f.Source = "eth.src == " + src.String()
		if macSet(dst) {
			f.Destination = "eth.dst == " + dst.String()
			f.Conversation = pairFilter("eth.addr", src.String(), dst.String())
		}
	}
	return f
}

// FlowFilter is the display filter of a flow's conversation, as
// Wireshark writes it: both addresses, and both ports for TCP and UDP.
func FlowFilter(f decode.Flow) string {
	port := ""
	switch f.Proto {
	case decode.ProtoTCP:
		port = portField(layers.IPProtocolTCP)
	case decode.ProtoUDP:
		port = portField(layers.IPProtocolUDP)
	}
	return conversationFilter(f.Client, f.Server, port)
}

// conversationFilter matches packets between a and b, by their ports too
// when port names the ports' field.
func conversationFilter(a, b netip.AddrPort, port string) string {
	field := ipField(a.Addr()) + ".addr"
	expr := pairFilter(field, a.Addr().String(), b.Addr().String())
	if port != "" {
		expr += " && " + pairFilter(port, strconv.Itoa(int(a.Port())), strconv.Itoa(int(b.Port())))
	}
	return expr
}

// ipField is the filter protocol of an address: "ip" or "ipv6".
func ipField(a netip.Addr) string {
	if a.Is6() && !a.Is4In6() {
		return "ipv6"
	}
	return "ip"
}

// pairFilter matches packets between a and b in either direction.
func pairFilter(field, a, b string) string {
	if a == b {
		return field + " == " + a
	}
	return field + " == " + a + " && " + field + " == " + b
}

// portField is the field of a transport protocol's ports, "" when it
// has none.
func portField(proto layers.IPProtocol) string {
	switch proto {
	case layers.IPProtocolTCP:
		return "tcp.port"
	case layers.IPProtocolUDP:
		return "udp.port"
	}
	return ""
}

// macSet says a packet's MAC address was there to read (an SLL capture
// has the sender's only).
func macSet(m []byte) bool { return len(m) == 6 }
