package app

import (
	"strings"
	"time"
)

func formatStamp(ns int64) string {
	return time.Unix(0, ns).UTC().Format("2006-01-02 15:04:05.000000000 UTC")
}

// HexDump formats b as lines of offset, 16 hex bytes and their ASCII.
func HexDump(b []byte) string {
	const hexdigits = "0123456789abcdef"
	var sb strings.Builder
	sb.Grow(len(b)/16*75 + 75)
	for off := 0; off < len(b); off += 16 {
		line := b[off:min(off+16, len(b))]
		for s := 12; s >= 0; s -= 4 {
			sb.WriteByte(hexdigits[(off>>s)&0xf])
		}
		sb.WriteString("  ")
		for i := 0; i < 16; i++ {
			if i < len(line) {
				sb.WriteByte(hexdigits[line[i]>>4])
				sb.WriteByte(hexdigits[line[i]&0xf])
			} else {
				sb.WriteString("  ")
			}
			sb.WriteByte(' ')
			if i == 7 {
				sb.WriteByte(' ')
			}
		}
		sb.WriteByte(' ')
		for _, c := range line {
			if c < 0x20 || c > 0x7e {
				c = '.'
			}
			sb.WriteByte(c)
		}
		sb.WriteByte('\n')
	}
	return sb.String()
}
