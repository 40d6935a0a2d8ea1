package tls

import "encoding/binary"

// HandshakeTypes appends to out the type of each handshake message that
// starts in one packet's TCP payload b, as a display filter's
// tls.handshake.type sees them. It walks the records that start at b's
// first byte; a message must fit its record unless the record runs past
// the packet, so the encrypted Finished after ChangeCipherSpec, whose
// first bytes are random, is not taken for a message. It stops at the
// first byte that is not a record header.
func HandshakeTypes(b []byte, out []uint8) []uint8 {
	for len(b) >= 5 {
		typ, ver := b[0], binary.BigEndian.Uint16(b[1:])
		n := int(binary.BigEndian.Uint16(b[3:]))
		if typ < ContentChangeCipherSpec || typ > ContentHeartbeat || ver>>8 != 3 || n > maxRecord {
			return out
		}
		if typ == ContentChangeCipherSpec {
			return out // what follows in this packet is encrypted
		}
		rec := b[5:]
		cut := len(rec) < n
		if !cut {
			rec = rec[:n]
		}
		if typ == ContentHandshake {
			out = handshakeMessages(rec, cut, out)
		}
		if cut {
			return out
		}
		b = b[5+n:]
	}
	return out
}

// handshakeMessages appends the types of the messages in one record's
// bytes; cut says the record continues in a later packet.
func handshakeMessages(rec []byte, cut bool, out []uint8) []uint8 {
	for len(rec) >= 4 {
		m := int(rec[1])<<16 | int(rec[2])<<8 | int(rec[3])
		if 4+m > len(rec) && !cut {
			return out
		}
		out = append(out, rec[0])
		if 4+m >= len(rec) {
			return out
		}
		rec = rec[4+m:]
	}
	return out
}
