package dns

import "encoding/binary"

// LooksLikeDNS reports whether a UDP payload on ports that do not name a
// protocol is a DNS message, as Wireshark's heuristic takes it: a
// standard query or its response with one question of class IN or ANY,
// counts the payload can hold, and the whole message parsing cleanly.
// Random bytes fail the header tests, so the cost stays small on bulk
// traffic.
func LooksLikeDNS(b []byte) bool {
	if len(b) < headerLen+5 {
		return false
	}
	flags := binary.BigEndian.Uint16(b[2:])
	qd, an := binary.BigEndian.Uint16(b[4:]), binary.BigEndian.Uint16(b[6:])
	ns, ar := binary.BigEndian.Uint16(b[8:]), binary.BigEndian.Uint16(b[10:])
	response := flags&0x8000 != 0
	switch {
	case qd != 1, flags>>11&0xf != uint16(OpQuery), flags&0x0040 != 0: // one question, QUERY, Z clear
		return false
	case !response && (an != 0 || ns != 0 || flags&0xf != 0): // a query has no answers nor rcode
		return false
	case response && flags&0xf > 5: // rcodes of RFC 1035
		return false
	case (int(an)+int(ns)+int(ar))*11 > len(b)-headerLen-5: // a record takes 11 bytes at least
		return false
	}
	// The question's name is written out (nothing precedes it to point
	// to) in labels of 1 to 63 bytes.
	i := headerLen
	for b[i] != 0 {
		l := int(b[i])
		if l > 63 || i+1+l >= len(b) {
			return false
		}
		i += 1 + l
	}
	i++
	if i+4 > len(b) || binary.BigEndian.Uint16(b[i:]) == 0 {
		return false
	}
	if class := binary.BigEndian.Uint16(b[i+2:]) &^ 0x8000; class != uint16(ClassIN) && class != uint16(ClassANY) {
		return false
	}
	_, err := Parse(b)
	return err == nil
}
