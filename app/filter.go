package app

import (
	"context"
	"fmt"
	"net"
	"net/netip"
	"strconv"
	"strings"

	"thingsniff/capture"
	"thingsniff/decode"
)

// A term is one word of a filter expression. Terms that need only the
// index (protocol, flow, flags) are cheap; the others decode the packet.
type term struct {
	negate   bool
	proto    decode.Proto
	hasProto bool
	flow     uint32
	hasFlow  bool
	frames   [][2]int // 1-based packet number ranges, inclusive
	flags    decode.Flags
	host     netip.Addr
	port     uint16
	hasPort  bool
	mac      net.HardwareAddr
	text     string
}

func (t *term) needsBytes() bool {
	return t.host.IsValid() || t.hasPort || t.mac != nil || t.text != ""
}

// parseFilter reads words ANDed together: protocol names, `host ADDR`,
// `port N`, `flow N` (or `stream N`), `frame 19,21-30`, `mac ADDR`, flag words (syn, fin,
// rst, retrans, malformed, broadcast, multicast), `!word` to negate, and
// any other word as text to find in the row.
func parseFilter(expr string) ([]term, error) {
	words := strings.Fields(expr)
	var terms []term
	for i := 0; i < len(words); i++ {
		w := words[i]
		var t term
		if strings.HasPrefix(w, "!") && len(w) > 1 {
			t.negate, w = true, w[1:]
		} else if w == "not" && i+1 < len(words) {
			i++
			t.negate, w = true, words[i]
		}
		arg := func() (string, error) {
			if i+1 >= len(words) {
				return "", fmt.Errorf("filter: %q needs a value", w)
			}
			i++
			return words[i], nil
		}
		lw := strings.ToLower(w)
		switch lw {
		case "host", "ip", "addr":
			v, err := arg()
			if err != nil {
				return nil, err
			}
			a, err := netip.ParseAddr(v)
			if err != nil {
				return nil, fmt.Errorf("filter: %q is not an IP address", v)
			}
			t.host = a
		case "port":
			v, err := arg()
			if err != nil {
				return nil, err
			}
			n, err := strconv.ParseUint(v, 10, 16)
			if err != nil {
				return nil, fmt.Errorf("filter: %q is not a port number", v)
			}
			t.port, t.hasPort = uint16(n), true
		case "flow", "stream":
			v, err := arg()
			if err != nil {
				return nil, err
			}
			n, err := strconv.ParseUint(v, 10, 32)
			if err != nil {
				return nil, fmt.Errorf("filter: %q is not a flow number", v)
			}
			t.flow, t.hasFlow = uint32(n), true
		case "frame", "packet", "packets":
			v, err := arg()
			if err != nil {
				return nil, err
			}
			if t.frames, err = parseRanges(v); err != nil {
				return nil, err
			}
		case "mac", "ether":
			v, err := arg()
			if err != nil {
				return nil, err
			}
			m, err := net.ParseMAC(v)
			if err != nil {
				return nil, fmt.Errorf("filter: %q is not a MAC address", v)
			}
			t.mac = m
		case "syn":
			t.flags = decode.FlagTCPSyn
		case "fin":
			t.flags = decode.FlagTCPFin
		case "rst", "reset":
			t.flags = decode.FlagTCPRst
		case "retrans", "retransmission":
			t.flags = decode.FlagRetransmission
		case "malformed", "error":
			t.flags = decode.FlagMalformed
		case "broadcast":
			t.flags = decode.FlagBroadcast
		case "multicast":
			t.flags = decode.FlagMulticast
		default:
			if p, ok := decode.ParseProto(lw); ok {
				t.proto, t.hasProto = p, true
			} else {
				t.text = lw
			}
		}
		terms = append(terms, t)
	}
	return terms, nil
}

// parseRanges reads packet numbers and ranges: "19", "19,21", "19-30,40".
func parseRanges(v string) ([][2]int, error) {
	var out [][2]int
	for _, part := range strings.Split(v, ",") {
		lo, hi, isRange := strings.Cut(part, "-")
		a, err := strconv.Atoi(lo)
		b := a
		if err == nil && isRange {
			b, err = strconv.Atoi(hi)
		}
		if err != nil || a < 1 || b < a {
			return nil, fmt.Errorf("filter: %q is not a packet number or range", part)
		}
		out = append(out, [2]int{a, b})
	}
	return out, nil
}

// matchIndex tests the terms that need no bytes; ok is false when the
// answer depends on bytes.
func (t *term) matchIndex(i int, ix decode.Index) (match, ok bool) {
	switch {
	case t.frames != nil:
		for _, r := range t.frames {
			if i+1 >= r[0] && i+1 <= r[1] {
				return true, true
			}
		}
		return false, true
	case t.hasFlow:
		return ix.Flow == t.flow, true
	case t.flags != 0:
		return ix.Flags.Has(t.flags), true
	case t.hasProto:
		return protoMatches(t.proto, ix.Proto), true
	}
	return false, false
}

// protoMatches lets a lower-layer name match packets of the protocols on
// top of it: "udp" matches DNS, "tcp" matches HTTP and TLS.
func protoMatches(want, got decode.Proto) bool {
	if want == got {
		return true
	}
	switch want {
	case decode.ProtoUDP:
		switch got {
		case decode.ProtoDNS, decode.ProtoMDNS, decode.ProtoLLMNR, decode.ProtoNBNS, decode.ProtoDHCP,
			decode.ProtoDHCPv6, decode.ProtoSSDP, decode.ProtoNTP, decode.ProtoVXLAN:
			return true
		}
	case decode.ProtoTCP:
		return got == decode.ProtoHTTP || got == decode.ProtoTLS
	case decode.ProtoDNS:
		return got == decode.ProtoMDNS || got == decode.ProtoLLMNR
	}
	return false
}

func (t *term) matchPacket(p *decode.Packet, row func() string) bool {
	switch {
	case t.host.IsValid():
		return p.HasIP && (p.Src == t.host || p.Dst == t.host)
	case t.hasPort:
		return (p.SrcPort == t.port || p.DstPort == t.port) && p.Proto != decode.ProtoICMP
	case t.mac != nil:
		return p.HasMAC && (string(p.SrcMAC) == string(t.mac) || string(p.DstMAC) == string(t.mac))
	}
	return strings.Contains(row(), t.text)
}

// Filter returns the indexes (0-based) of the first n packets of l that
// match expr. Terms that need a packet's bytes read them with a cursor of
// the filter's own, which moves through the capture beside the index; it
// stops early with ctx's error when ctx is cancelled. Run it off the UI
// goroutine.
func Filter(ctx context.Context, l *Loaded, expr string, n int) ([]int, error) {
	terms, err := parseFilter(expr)
	if err != nil {
		return nil, err
	}
	n = min(n, l.Index.Len())
	var cur *capture.Cursor
	for k := range terms {
		if terms[k].needsBytes() {
			cur = l.Store.Cursor()
			break
		}
	}
	parser := decode.NewParser()
	var pkt decode.Packet
	var out []int
	for i := 0; i < n; i++ {
		if i&4095 == 0 && ctx.Err() != nil {
			return nil, ctx.Err()
		}
		ix := l.Index.At(i)
		if cur != nil {
			// An unreadable packet is matched on what the decoder
			// left: nothing, so address terms fail.
			pkt = decode.Packet{}
			if fr, err := cur.NextWait(ctx); err == nil {
				pkt.Num, pkt.Time, pkt.OrigLen = uint32(i+1), ix.Time, int(ix.OrigLen)
				parser.Decode(fr.Data, linkOf(cur.Interfaces(), fr.Iface), &pkt)
			}
			pkt.Flow = ix.Flow
		}
		if matchAll(terms, i, ix, &pkt) {
			out = append(out, i)
		}
	}
	return out, nil
}

// matchAll reports whether packet i, with index entry ix and decoded as
// p (when a term needs its bytes), passes every term.
func matchAll(terms []term, i int, ix decode.Index, p *decode.Packet) bool {
	for k := range terms {
		t := &terms[k]
		m, known := t.matchIndex(i, ix)
		if !known {
			m = t.matchPacket(p, func() string {
				s := Describe(p, nil)
				return strings.ToLower(s.Source + " " + s.Destination + " " + s.Protocol + " " + s.Info)
			})
		}
		if m == t.negate {
			return false
		}
	}
	return true
}
