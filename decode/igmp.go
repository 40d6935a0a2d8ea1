package decode

import (
	"encoding/binary"
	"fmt"
	"net/netip"
	"strings"
)

// igmpSummary names an IGMP message and its version as Wireshark's
// Protocol and Info columns do ("IGMPv3", "Membership Report / Join
// group 224.0.0.251 for any sources"). msg is the IGMP message, from
// its type byte; what the capture cut from it is left out.
func igmpSummary(b *strings.Builder, msg []byte) (proto string) {
	if len(msg) < 1 {
		b.WriteString("IGMP")
		return "IGMP"
	}
	group := func(at int) string {
		if len(msg) < at+4 {
			return "?"
		}
		return netip.AddrFrom4([4]byte(msg[at : at+4])).String()
	}
	switch msg[0] {
	case 0x11:
		b.WriteString("Membership Query")
		switch {
		case len(msg) >= 12:
			proto = "IGMPv3"
		case len(msg) >= 2 && msg[1] == 0:
			return "IGMPv1" // a version 1 query has no maximum response time
		default:
			proto = "IGMPv2"
		}
		if g := group(4); g == "0.0.0.0" {
			b.WriteString(", general")
		} else {
			b.WriteString(", specific for group " + g)
		}
		if proto == "IGMPv3" {
			n := int(binary.BigEndian.Uint16(msg[10:]))
			if n > 0 {
				b.WriteString(", source" + plural(n) + " ")
				igmpSources(b, msg[12:], n)
			}
		}
		return proto
	case 0x12:
		b.WriteString("Membership Report")
		return "IGMPv1"
	case 0x16:
		b.WriteString("Membership Report group " + group(4))
		return "IGMPv2"
	case 0x17:
		b.WriteString("Leave Group " + group(4))
		return "IGMPv2"
	case 0x22:
		b.WriteString("Membership Report")
		if len(msg) >= 8 {
			igmpRecords(b, msg[8:], int(binary.BigEndian.Uint16(msg[6:])))
		}
		return "IGMPv3"
	}
	fmt.Fprintf(b, "Unknown Type:0x%02x", msg[0])
	return "IGMP"
}

// igmpRecords tells the group records of a version 3 report: whom a
// host joins or leaves, and for which sources.
func igmpRecords(b *strings.Builder, recs []byte, n int) {
	for ; n > 0 && len(recs) >= 8; n-- {
		kind, aux, sources := recs[0], int(recs[1])*4, int(binary.BigEndian.Uint16(recs[2:]))
		g := netip.AddrFrom4([4]byte(recs[4:8])).String()
		s, in := plural(sources), ""
		if sources > 1 {
			in = " in"
		}
		switch {
		case sources == 0 && (kind == 1 || kind == 3):
			b.WriteString(" / Leave group " + g)
		case sources == 0 && (kind == 2 || kind == 4):
			b.WriteString(" / Join group " + g + " for any sources")
		case sources == 0 && kind == 5:
			b.WriteString(" / Group " + g + ", ALLOW_NEW_SOURCES but no source specified (?)")
		case sources == 0 && kind == 6:
			b.WriteString(" / Group " + g + ", BLOCK_OLD_SOURCES but no source specified (?)")
		case sources == 0:
			b.WriteString(" / Group " + g + ", unknown record type (?)")
		case kind == 1 || kind == 3:
			b.WriteString(" / Join group " + g + " for source" + s + in + " ")
		case kind == 2 || kind == 4:
			b.WriteString(" / Join group " + g + ", for source" + s + " not" + in + " ")
		case kind == 5:
			b.WriteString(" / Group " + g + ", new source" + s + " ")
		case kind == 6:
			b.WriteString(" / Group " + g + ", block source" + s + " ")
		default:
			b.WriteString(" / Group " + g + ", unknown record type (?), sources ")
		}
		if sources > 0 {
			igmpSources(b, recs[8:], sources)
		}
		next := 8 + sources*4 + aux
		if next > len(recs) {
			return
		}
		recs = recs[next:]
	}
}

// igmpSources writes up to n IPv4 sources from b as "{a, b}".
func igmpSources(b *strings.Builder, addrs []byte, n int) {
	b.WriteString("{")
	for i := 0; i < n && len(addrs) >= 4; i, addrs = i+1, addrs[4:] {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(netip.AddrFrom4([4]byte(addrs[:4])).String())
	}
	b.WriteString("}")
}

// plural is "s" unless n is one.
func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
