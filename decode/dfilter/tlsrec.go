package dfilter

import (
	"encoding/binary"
	"net/netip"

	"thingsniff/decode"
)

// A packet is TLS, as Wireshark tells it, when a TLS record ends in it:
// the segments before, which carry the start of a long record, are TCP.
// records follows the record boundaries of each TCP direction of TLS
// flows in the packets a Matcher sees, in order: at most maxTLSDirs
// directions, a few bytes each.
type records struct {
	dirs map[dirKey]*recordState
}

const maxTLSDirs = 1 << 16

type recordState struct {
	need int     // bytes of the current record still to come
	head [5]byte // a record header cut by the segment's end
	got  int     // bytes of head held
}

// see takes the next segment of a direction and reports whether a
// record ends in it.
func (t *records) see(p *decode.Packet, flow uint32, start bool) bool {
	b := p.Payload
	if len(b) == 0 {
		return false
	}
	if t.dirs == nil {
		t.dirs = map[dirKey]*recordState{}
	}
	k := dirKey{flow, netip.AddrPortFrom(p.Src, p.SrcPort)}
	st := t.dirs[k]
	if st == nil {
		if !start || !recordHeader(b) {
			return false
		}
		if len(t.dirs) >= maxTLSDirs {
			clear(t.dirs)
		}
		st = &recordState{}
		t.dirs[k] = st
	}
	ended := false
	for len(b) > 0 {
		if st.need > 0 {
			n := min(st.need, len(b))
			st.need -= n
			b = b[n:]
			ended = ended || st.need == 0
			continue
		}
		n := copy(st.head[st.got:], b)
		st.got += n
		b = b[n:]
		if st.got < len(st.head) {
			break
		}
		if !recordHeader(st.head[:]) {
			delete(t.dirs, k) // lost the boundaries: start again at a header
			return ended
		}
		st.need, st.got = int(binary.BigEndian.Uint16(st.head[3:])), 0
		ended = ended || st.need == 0
	}
	return ended
}

// recordHeader reports whether b starts with a plausible TLS record header.
func recordHeader(b []byte) bool {
	return len(b) >= 5 && b[0] >= 20 && b[0] <= 24 && b[1] == 3 && b[2] <= 4 &&
		int(binary.BigEndian.Uint16(b[3:])) <= 1<<14+2048
}
