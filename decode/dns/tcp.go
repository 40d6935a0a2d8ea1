package dns

import "encoding/binary"

// SplitTCP takes the start of a DNS-over-TCP byte stream (one direction,
// in order) and returns its first message without the 2-byte length
// prefix, and the bytes after it. ok is false when buf does not yet hold a
// whole message; then msg and rest are nil and the caller waits for more.
// A zero length prefix yields an empty msg (which Parse refuses).
func SplitTCP(buf []byte) (msg, rest []byte, ok bool) {
	if len(buf) < 2 {
		return nil, nil, false
	}
	n := int(binary.BigEndian.Uint16(buf))
	if len(buf) < 2+n {
		return nil, nil, false
	}
	return buf[2 : 2+n : 2+n], buf[2+n:], true
}
