package dns

import (
	"errors"
	"fmt"
)

// Limits on names from hostile input.
const (
	maxNameWire = 255 // RFC 1035 3.1
	maxLabel    = 63
	maxHops     = 128 // pointer jumps per name; a loop hits this
)

// Errors for names, wrapped with their offset.
var (
	ErrNameTooLong   = errors.New("name longer than 255 bytes")
	ErrLabelType     = errors.New("reserved label type (length byte 0x40 or 0x80)")
	ErrPointerLoop   = errors.New("too many compression pointers (a loop)")
	ErrPointerRange  = errors.New("compression pointer beyond the message")
	ErrNameTruncated = errors.New("name runs past the end of the message")
)

// readName decodes the possibly compressed name at msg[off:] and returns
// it with the offset just after its wire form.
func readName(msg []byte, off int) (string, int, error) {
	var buf [4 * maxNameWire]byte // presentation form: at most \DDD per wire byte
	out := buf[:0]
	wire := 0
	next := -1
	hops := 0
	for i := off; ; {
		if i >= len(msg) {
			return string(out), 0, fmt.Errorf("at byte %d: %w", i, ErrNameTruncated)
		}
		c := int(msg[i])
		switch c & 0xc0 {
		case 0x00:
			if c == 0 {
				if next < 0 {
					next = i + 1
				}
				if len(out) == 0 {
					return ".", next, nil
				}
				return string(out), next, nil
			}
			if i+1+c > len(msg) {
				return string(out), 0, fmt.Errorf("label at byte %d: %w", i, ErrNameTruncated)
			}
			wire += 1 + c
			if wire+1 > maxNameWire {
				return string(out), 0, fmt.Errorf("at byte %d: %w", i, ErrNameTooLong)
			}
			if len(out) > 0 {
				out = append(out, '.')
			}
			out = appendLabel(out, msg[i+1:i+1+c])
			i += 1 + c
		case 0xc0:
			if i+1 >= len(msg) {
				return string(out), 0, fmt.Errorf("pointer at byte %d: %w", i, ErrNameTruncated)
			}
			if hops++; hops > maxHops {
				return string(out), 0, fmt.Errorf("at byte %d: %w", i, ErrPointerLoop)
			}
			p := (c&0x3f)<<8 | int(msg[i+1])
			if p >= len(msg) {
				return string(out), 0, fmt.Errorf("pointer at byte %d to %d: %w", i, p, ErrPointerRange)
			}
			if next < 0 {
				next = i + 2
			}
			i = p
		default:
			return string(out), 0, fmt.Errorf("length byte 0x%02x at byte %d: %w", c, i, ErrLabelType)
		}
	}
}

// appendLabel appends one label in presentation form: control bytes and
// DEL as \DDD, everything else (including UTF-8, common in mDNS instance
// names) as it is.
func appendLabel(out, l []byte) []byte {
	for _, b := range l {
		if b < 0x20 || b == 0x7f {
			out = append(out, '\\', '0'+b/100, '0'+b/10%10, '0'+b%10)
			continue
		}
		out = append(out, b)
	}
	return out
}
