package stream

import "fmt"

// Datagrams follows a UDP conversation: every datagram is one chunk, in
// capture order, with offsets counted per direction.
type Datagrams struct {
	emit Emit
	off  [2]int64
	err  error
}

// NewDatagrams returns a UDP follower that hands datagrams to emit.
func NewDatagrams(emit Emit) *Datagrams { return &Datagrams{emit: emit} }

// Add hands on one datagram. The payload is only used during the call.
func (u *Datagrams) Add(dir Dir, payload []byte, packet uint64) error {
	if u.err != nil {
		return u.err
	}
	dir &= 1
	if payload == nil {
		payload = []byte{}
	}
	c := Chunk{Dir: dir, Data: payload, Offset: u.off[dir], FirstPacket: packet, LastPacket: packet}
	u.off[dir] += int64(len(payload))
	if err := u.emit(c); err != nil {
		u.err = fmt.Errorf("hand on datagram of packet %d: %w", packet, err)
	}
	return u.err
}
