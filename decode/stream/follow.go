package stream

import (
	"fmt"
	"io"
	"iter"
)

// FollowTCP runs the segments of one flow, in capture order, through a
// Reassembler with cfg and hands every chunk to emit. It returns the
// reassembler's counters.
func FollowTCP(segs iter.Seq[Segment], cfg Config, emit Emit) (Stats, error) {
	r := NewReassembler(cfg, emit)
	for s := range segs {
		if err := r.Add(s); err != nil {
			return r.Stats(), fmt.Errorf("follow tcp: %w", err)
		}
	}
	if err := r.Close(); err != nil {
		return r.Stats(), fmt.Errorf("follow tcp: %w", err)
	}
	return r.Stats(), nil
}

// Datagram is one UDP payload of a conversation.
type Datagram struct {
	Dir     Dir
	Payload []byte
	Packet  uint64
}

// FollowUDP hands every datagram, in order, to emit as one chunk.
func FollowUDP(dgrams iter.Seq[Datagram], emit Emit) error {
	u := NewDatagrams(emit)
	for d := range dgrams {
		if err := u.Add(d.Dir, d.Payload, d.Packet); err != nil {
			return fmt.Errorf("follow udp: %w", err)
		}
	}
	return nil
}

// WriteTCP follows a TCP flow straight into w in the given format and
// directions, and returns the per-direction counts.
func WriteTCP(w io.Writer, segs iter.Seq[Segment], cfg Config, f Format, show Show) (Counts, error) {
	p := NewPrinter(w, f, show)
	_, err := FollowTCP(segs, cfg, p.Write)
	if ferr := p.Flush(); err == nil {
		err = ferr
	}
	return p.Counts(), err
}

// WriteUDP follows a UDP conversation straight into w.
func WriteUDP(w io.Writer, dgrams iter.Seq[Datagram], f Format, show Show) (Counts, error) {
	p := NewPrinter(w, f, show)
	err := FollowUDP(dgrams, p.Write)
	if ferr := p.Flush(); err == nil {
		err = ferr
	}
	return p.Counts(), err
}
