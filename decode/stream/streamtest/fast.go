package streamtest

import (
	"errors"
	"fmt"
	"io"
	"net/netip"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"

	"thingsniff/decode/decodetest"
	"thingsniff/decode/stream"
)

// EachSegment reads the TCP segments of the first conversation of an
// Ethernet or raw-IP capture with a DecodingLayerParser (no per-packet
// allocation, as the real load path does) and calls fn for each. The
// payload passed to fn is only valid during the call. It is meant for
// benchmarks of the whole follow path.
func EachSegment(path string, fn func(stream.Segment) error) error {
	r, err := decodetest.OpenCapture(path, false)
	if err != nil {
		return err
	}
	defer r.Close()
	read, link := r.ReadNoCopy, r.Link
	var (
		eth     layers.Ethernet
		ip4     layers.IPv4
		ip6     layers.IPv6
		tcp     layers.TCP
		payload gopacket.Payload
	)
	first := layers.LayerTypeEthernet
	switch link {
	case layers.LinkTypeEthernet:
	case layers.LinkTypeRaw, 228:
		first = layers.LayerTypeIPv4
	default:
		return fmt.Errorf("read %s: link type %v not handled here", path, link)
	}
	parser := gopacket.NewDecodingLayerParser(first, &eth, &ip4, &ip6, &tcp, &payload)
	parser.IgnoreUnsupported = true
	decoded := make([]gopacket.LayerType, 0, 8)
	var client, server netip.AddrPort
	for n := uint64(1); ; n++ {
		data, _, err := read()
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("read %s packet %d: %w", path, n, err)
		}
		if parser.DecodeLayers(data, &decoded) != nil && len(decoded) == 0 {
			continue
		}
		var src, dst netip.Addr
		isTCP := false
		for _, lt := range decoded {
			switch lt {
			case layers.LayerTypeIPv4:
				src, _ = netip.AddrFromSlice(ip4.SrcIP)
				dst, _ = netip.AddrFromSlice(ip4.DstIP)
			case layers.LayerTypeIPv6:
				src, _ = netip.AddrFromSlice(ip6.SrcIP)
				dst, _ = netip.AddrFromSlice(ip6.DstIP)
			case layers.LayerTypeTCP:
				isTCP = true
			}
		}
		if !isTCP {
			continue
		}
		a := netip.AddrPortFrom(src, uint16(tcp.SrcPort))
		b := netip.AddrPortFrom(dst, uint16(tcp.DstPort))
		if !client.IsValid() {
			client, server = a, b
		}
		s := stream.Segment{Seq: tcp.Seq, Ack: tcp.Ack, Payload: tcp.Payload, Packet: n}
		switch {
		case a == client && b == server:
		case a == server && b == client:
			s.Dir = stream.ServerToClient
		default:
			continue
		}
		if tcp.SYN {
			s.Flags |= stream.SYN
		}
		if tcp.FIN {
			s.Flags |= stream.FIN
		}
		if tcp.RST {
			s.Flags |= stream.RST
		}
		if tcp.ACK {
			s.Flags |= stream.ACK
		}
		if err := fn(s); err != nil {
			return err
		}
	}
}
