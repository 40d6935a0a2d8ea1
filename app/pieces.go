package app

import (
	"bytes"
	"context"
	"errors"
	"io"
	"runtime"
	"sync/atomic"

	"thingsniff/capture"
	"thingsniff/decode"
)

// pieceSize is how much of a file one goroutine decodes at a time: big
// enough that finding where a piece's records begin costs nothing, small
// enough that the first rows show at once and little waits to be merged.
const pieceSize = 4 << 20

// indexSink takes what reading a capture yields, in capture order: the
// interfaces met so far, how far the reading got in bytes of the file,
// and each packet's index entry.
type indexSink interface {
	interfaces(ifs []capture.Interface)
	progress(read int64)
	add(ix decode.Index)
}

// decodedPiece is what decoding one piece yields: each packet's header
// and where its bytes lie, the payloads of IP fragments (joining them
// needs capture order), and where the piece's cursor began and stopped.
type decodedPiece struct {
	mark    capture.Mark
	packets []decode.Packed
	frags   [][]byte // one per packet that is a fragment, in order
	err     error    // why the cursor stopped; io.EOF at the piece's end
}

// readPieces reads a capture file on every core: goroutines decode
// pieces of it, each with its own cursor and parser, and this goroutine
// merges their packets in capture order through eng, which numbers them
// and tracks their flows as it would have reading the file alone (a
// piece that does not begin where the one before it ended is read again
// from there). Each packet's index entry goes to sink. It returns why
// reading stopped early: a *capture.TruncatedError that counts every
// packet before the cut, another read error, or ctx's error.
func readPieces(ctx context.Context, c *capture.Capture, eng *decode.Engine, size int64, sink indexSink) error {
	pieces := c.Pieces(size)
	workers := runtime.GOMAXPROCS(0)
	results := make([]chan *decodedPiece, len(pieces))
	for k := range results {
		results[k] = make(chan *decodedPiece, 1)
	}
	// A worker takes a slot before decoding a piece and the merge frees
	// it, so that at most this many pieces wait decoded.
	slots := make(chan struct{}, workers+1)
	stop := make(chan struct{})
	defer close(stop)
	var next atomic.Int64
	for range workers {
		go func() {
			var cur capture.Cursor
			dec := pieceDecoder{parser: decode.NewParser(), expect: 4096}
			for {
				select {
				case slots <- struct{}{}:
				case <-stop:
					return
				}
				k := int(next.Add(1) - 1)
				if k >= len(pieces) {
					return
				}
				cur.MoveTo(pieces[k])
				results[k] <- dec.decode(&cur)
			}
		}()
	}
	var prev capture.Mark
	merged := 0
	again := pieceDecoder{parser: decode.NewParser(), expect: 4096} // for pieces read again here
	for k, p := range pieces {
		var d *decodedPiece
		select {
		case d = <-results[k]:
		case <-ctx.Done():
			return ctx.Err()
		}
		<-slots
		if k > 0 && !d.mark.Continues(prev) {
			d = again.decode(c.Resume(prev, p.End))
		}
		sink.interfaces(d.mark.Interfaces())
		frags := d.frags
		for i := range d.packets {
			pk := &d.packets[i]
			var frag []byte
			if pk.Fragment() {
				frag, frags = frags[0], frags[1:]
			}
			sink.progress(pk.Offset)
			sink.add(eng.AddPacked(pk, frag))
		}
		merged += len(d.packets)
		prev = d.mark
		if d.err != io.EOF {
			return countedCut(d.err, merged)
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
	}
	return nil
}

// pieceDecoder decodes pieces on one goroutine.
type pieceDecoder struct {
	parser *decode.Parser
	pkt    decode.Packet
	// expect is about how many packets the next piece holds (as many as
	// the last), so that its slice is made once.
	expect int
}

// decode decodes the packets cur reads, to its end.
func (dec *pieceDecoder) decode(cur *capture.Cursor) *decodedPiece {
	d := &decodedPiece{packets: make([]decode.Packed, 0, dec.expect+dec.expect/8)}
	p := &dec.pkt
	for {
		fr, err := cur.Next()
		if err != nil {
			d.err, d.mark = err, cur.Mark()
			dec.expect = max(len(d.packets), 64)
			return d
		}
		p.Num, p.Time, p.OrigLen = 0, fr.Time, int(fr.OrigLen)
		dec.parser.Decode(fr.Data, linkOf(cur.Interfaces(), fr.Iface), p)
		d.packets = append(d.packets, p.Pack(decode.Meta{Offset: fr.Offset, Time: fr.Time, CapLen: fr.CapLen, OrigLen: fr.OrigLen, Iface: fr.Iface}))
		if p.Fragment {
			d.frags = append(d.frags, bytes.Clone(p.Payload))
		}
	}
}

// countedCut gives the error that ended a piece the count of packets
// delivered before it in the whole capture, not only in the piece.
func countedCut(err error, packets int) error {
	var te *capture.TruncatedError
	if errors.As(err, &te) {
		cut := *te
		cut.Packets = packets
		return &cut
	}
	return err
}
