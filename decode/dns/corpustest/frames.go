package corpustest

import (
	"encoding/binary"
	"os"
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
