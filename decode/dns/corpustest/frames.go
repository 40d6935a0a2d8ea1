package corpustest

import (
	"encoding/binary"
	"os"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
)

// ngFrameNumbers walks the blocks of a pcapng file and returns, for each
// packet block in order, the frame number tshark 4.0 gives it: tshark also
// counts custom blocks (0xBAD, 0x40000BAD) as frames. It returns nil when
// the file cannot be walked, and the caller then numbers packets 1, 2, ...
func ngFrameNumbers(path string) []int {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil
	}
	var order binary.ByteOrder = binary.LittleEndian
	var out []int
	frame := 0
	for i := 0; i+12 <= len(b); {
		typ := order.Uint32(b[i:])
		if typ == 0x0a0d0d0a {
			switch binary.LittleEndian.Uint32(b[i+8:]) {
			case 0x1a2b3c4d:
				order = binary.LittleEndian
			case 0x4d3c2b1a:
				order = binary.BigEndian
			default:
				return out
			}
		}
		n := int(order.Uint32(b[i+4:]))
		if n < 12 || i+n > len(b) {
			return out
		}
		switch typ {
		case 2, 3, 6: // packet, simple packet, enhanced packet
			frame++
			out = append(out, frame)
		case 0xbad, 0x40000bad:
			frame++
		}
		i += n
	}
	return out
}

// nflogPayload returns the packet inside an NFLOG record (the
// NFULA_PAYLOAD attribute) and its decoder by address family.
func nflogPayload(b []byte) ([]byte, gopacket.Decoder, bool) {
	if len(b) < 4 {
		return nil, nil, false
	}
	var first gopacket.Decoder
	switch b[0] {
	case 2:
		first = layers.LayerTypeIPv4
	case 10:
		first = layers.LayerTypeIPv6
	default:
		return nil, nil, false
	}
	for i := 4; i+4 <= len(b); {
		n := int(binary.LittleEndian.Uint16(b[i:]))
		typ := binary.LittleEndian.Uint16(b[i+2:])
		if n < 4 || i+n > len(b) {
			return nil, nil, false
		}
		if typ == 9 {
			return b[i+4 : i+n], first, true
		}
		i += (n + 3) &^ 3
	}
	return nil, nil, false
}
