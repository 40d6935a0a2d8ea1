package app

import (
	"net"
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
		field := "ip"
		if p.Src.Is6() && !p.Src.Is4In6() {
			field = "ipv6"
		}
		f.Source = field + ".src == " + p.Src.String()
		f.Destination = field + ".dst == " + p.Dst.String()
		f.Conversation = pairFilter(field+".addr", p.Src.String(), p.Dst.String())
		if port := portField(p); port != "" && !p.Fragment {
			f.Conversation += " && " + pairFilter(port, strconv.Itoa(int(p.SrcPort)), strconv.Itoa(int(p.DstPort)))
		}
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

// pairFilter matches packets between a and b in either direction.
func pairFilter(field, a, b string) string {
	if a == b {
		return field + " == " + a
	}
	return field + " == " + a + " && " + field + " == " + b
}

// portField is the field of a packet's ports, "" when it has none.
func portField(p *decode.Packet) string {
	switch p.IPProto {
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
