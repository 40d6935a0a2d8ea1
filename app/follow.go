package app

import (
	"context"
	"fmt"
	"iter"

	"github.com/gopacket/gopacket/layers"

	"thingsniff/capture"
	"thingsniff/decode"
	"thingsniff/decode/httpmsg"
	"thingsniff/decode/stream"
)

// ctxEvery is how many index entries a flow scan reads between checks of
// its context.
const ctxEvery = 4096

// FlowPackets returns the 0-based indexes of the packets of flow id among
// the first n index entries (n beyond Len means Len).
func (l *Loaded) FlowPackets(id uint32, n int) []int {
	n = min(n, l.Index.Len())
	var out []int
	for i := range n {
		if l.Index.At(i).Flow == id {
			out = append(out, i)
		}
	}
	return out
}

// flowReader re-reads the packets of one flow from a loaded capture's
// store and decodes them, one at a time, into one reused Packet.
type flowReader struct {
	ctx    context.Context
	l      *Loaded
	f      decode.Flow
	parser *decode.Parser
	pkt    decode.Packet
	buf    []byte
	err    error
}

func newFlowReader(ctx context.Context, l *Loaded, f decode.Flow) *flowReader {
	if ctx == nil {
		ctx = context.Background()
	}
	return &flowReader{ctx: ctx, l: l, f: f, parser: decode.NewParser()}
}

// packets yields the flow's packets in capture order, from its first
// packet to the last index entry readable now (a live capture's flow copy
// may be older than the index). The Packet is only valid during yield.
// A read error or a cancelled context ends the sequence and sets r.err.
func (r *flowReader) packets(yield func(*decode.Packet) bool) {
	n := r.l.Index.Len()
	start := max(int(r.f.FirstPacket)-1, 0)
	for i := start; i < n; i++ {
		if (i-start)%ctxEvery == 0 {
			if err := r.ctx.Err(); err != nil {
				r.err = fmt.Errorf("follow flow %d: %w", r.f.ID, err)
				return
			}
		}
		ix := r.l.Index.At(i)
		if ix.Flow != r.f.ID {
			continue
		}
		if !r.decode(i, ix) {
			return
		}
		if !yield(&r.pkt) {
			return
		}
	}
}

// decode reads and decodes entry i into r.pkt.
func (r *flowReader) decode(i int, ix decode.Index) bool {
	b, err := r.l.Store.ReadPacket(ix.Offset(), ix.CapLen, r.buf)
	if err != nil {
		r.err = fmt.Errorf("follow flow %d: read packet %d: %w", r.f.ID, i+1, err)
		return false
	}
	r.buf = b
	r.pkt.Num, r.pkt.Time, r.pkt.OrigLen = uint32(i+1), ix.Time, int(ix.OrigLen)
	r.parser.Decode(b, r.l.linkType(ix.Iface()), &r.pkt)
	r.pkt.Flow = ix.Flow
	r.pkt.ToServer = r.f.FromClient(&r.pkt)
	return true
}

// segmentOf turns a decoded TCP packet of a flow into a stream segment;
// its payload points into the packet's bytes.
func segmentOf(p *decode.Packet) stream.Segment {
	s := stream.Segment{Seq: p.Seq, Ack: p.Ack, Payload: p.Payload, Packet: uint64(p.Num)}
	if !p.ToServer {
		s.Dir = stream.ServerToClient
	}
	if p.TCPFlags.Has(decode.TCPSyn) {
		s.Flags |= stream.SYN
	}
	if p.TCPFlags.Has(decode.TCPFin) {
		s.Flags |= stream.FIN
	}
	if p.TCPFlags.Has(decode.TCPRst) {
		s.Flags |= stream.RST
	}
	if p.TCPFlags.Has(decode.TCPAck) {
		s.Flags |= stream.ACK
	}
	// A packet cut by the snap length lost the end of its payload: say how
	// long it was so the reassembler marks the rest as missing.
	if cut := p.OrigLen - p.CapLen; cut > 0 && p.CapLen > 0 {
		s.WireLen = len(p.Payload) + cut
	}
	return s
}

// follower feeds the packets of one flow to a TCP reassembler or a UDP
// datagram follower, chosen by the flow's protocol.
type follower struct {
	proto decode.Proto
	r     *stream.Reassembler
	u     *stream.Datagrams
}

func newFollower(proto decode.Proto, cfg stream.Config, emit stream.Emit) (*follower, error) {
	fw := &follower{proto: proto}
	switch proto {
	case decode.ProtoTCP:
		fw.r = stream.NewReassembler(cfg, emit)
	case decode.ProtoUDP:
		fw.u = stream.NewDatagrams(emit)
	default:
		return nil, fmt.Errorf("a %s flow has no stream to follow (TCP or UDP only)", proto)
	}
	return fw, nil
}

// add takes one packet of the flow. A packet of another transport (an IP
// fragment re-read alone, for one) is skipped.
func (fw *follower) add(p *decode.Packet) error {
	if p.Fragment {
		return nil
	}
	switch {
	case fw.r != nil && p.IPProto == layers.IPProtocolTCP:
		return fw.r.Add(segmentOf(p))
	case fw.u != nil && p.IPProto == layers.IPProtocolUDP:
		d := stream.ClientToServer
		if !p.ToServer {
			d = stream.ServerToClient
		}
		return fw.u.Add(d, p.Payload, uint64(p.Num))
	}
	return nil
}

// close hands on what the reassembler still holds.
func (fw *follower) close() error {
	if fw.r != nil {
		return fw.r.Close()
	}
	return nil
}

// followPackets follows the packets of a flow of the given protocol.
func followPackets(proto decode.Proto, pkts iter.Seq[*decode.Packet], emit stream.Emit) error {
	fw, err := newFollower(proto, stream.Config{}, emit)
	if err != nil {
		return err
	}
	for p := range pkts {
		if err := fw.add(p); err != nil {
			return err
		}
	}
	return fw.close()
}

// FollowChunks follows flow f of l (a copy the caller has; the flow's
// packets are found in the index from f.FirstPacket on) and hands every
// reassembled chunk to emit in order: TCP reassembled with gaps marked,
// UDP one chunk per datagram. Packets are re-read from the store one at a
// time, so a stream of any size costs little memory. It stops early when
// ctx is cancelled or emit fails.
func FollowChunks(ctx context.Context, l *Loaded, f decode.Flow, emit stream.Emit) error {
	r := newFlowReader(ctx, l, f)
	err := followPackets(f.Proto, r.packets, emit)
	if r.err != nil {
		return r.err
	}
	if err != nil {
		return fmt.Errorf("follow flow %d: %w", f.ID, err)
	}
	return nil
}

// followBodyBudget caps the bodies one followed HTTP flow keeps, all its
// messages together: a flow of many compressed bodies would otherwise
// unpack to many times the capture's size.
const followBodyBudget = 256 << 20

// HTTPMessages parses the HTTP messages of TCP flow f of l, in the order
// they complete; each keeps up to httpmsg.DefaultMaxBody body bytes, and
// all together up to 256 MB (Message.BodyLimited marks a body cut by it).
func HTTPMessages(ctx context.Context, l *Loaded, f decode.Flow) ([]*httpmsg.Message, error) {
	var msgs []*httpmsg.Message
	cfg := httpmsg.Config{Budget: stream.NewBudget(followBodyBudget)}
	conv := httpmsg.NewConversation(cfg, func(m *httpmsg.Message) error {
		msgs = append(msgs, m)
		return nil
	})
	if f.Proto != decode.ProtoTCP {
		return nil, fmt.Errorf("follow HTTP on flow %d: it is %s, not TCP", f.ID, f.Proto)
	}
	if err := FollowChunks(ctx, l, f, conv.Chunk); err != nil {
		return msgs, err
	}
	if err := conv.Close(); err != nil {
		return msgs, fmt.Errorf("follow HTTP on flow %d: %w", f.ID, err)
	}
	return msgs, nil
}

// FollowCapture reads c once, through a fresh engine (so flow IDs are those
// of `thingsniff flows` on the same file), and follows flow id: start is
// called with the flow at its first packet, before any chunk, then emit
// with each chunk in order. It works on a pipe, as nothing is read twice.
// It returns a copy of the flow as it ended (ID 0 when the capture had no
// such flow) and the first error; a *capture.TruncatedError means every
// packet before the cut was followed.
func FollowCapture(c *capture.Capture, id uint32, start func(*decode.Flow) error, emit stream.Emit) (decode.Flow, error) {
	return FollowPicked(c, FlowByID(id), start, emit)
}

// FlowPick chooses the flow to follow: it is asked about the flow of
// every packet in capture order, and the first flow it accepts is
// followed.
type FlowPick struct {
	// Name says which flow was asked for, for errors ("flow 3").
	Name   string
	accept func(f *decode.Flow) bool
}

// FlowByID picks the flow with the given ID, as `thingsniff flows` lists it.
func FlowByID(id uint32) FlowPick {
	return FlowPick{Name: fmt.Sprintf("flow %d", id), accept: func(f *decode.Flow) bool { return f.ID == id }}
}

// TCPStream picks tshark's tcp.stream n: the TCP conversations numbered
// from 0 in the order of their first packets. Flow IDs grow in that order
// too, so a TCP flow with an ID above the last one seen is the next stream.
func TCPStream(n int) FlowPick {
	seen, last := 0, uint32(0)
	return FlowPick{Name: fmt.Sprintf("TCP stream %d", n), accept: func(f *decode.Flow) bool {
		if f.Proto != decode.ProtoTCP || f.ID <= last {
			return false
		}
		last = f.ID
		seen++
		return seen-1 == n
	}}
}

// FollowPicked is FollowCapture for the flow that pick chooses.
func FollowPicked(c *capture.Capture, pick FlowPick, start func(*decode.Flow) error, emit stream.Emit) (decode.Flow, error) {
	var (
		flow decode.Flow
		fw   *follower
		id   uint32
	)
	_, err := Scan(c, nil, func(ix decode.Index, p *decode.Packet, f *decode.Flow) error {
		if f == nil || ix.Flow != f.ID {
			return nil
		}
		if id == 0 && pick.accept(f) {
			id = f.ID
		}
		if id == 0 || ix.Flow != id {
			return nil
		}
		if fw == nil {
			var err error
			if fw, err = newFollower(f.Proto, stream.Config{}, emit); err != nil {
				return fmt.Errorf("follow flow %d: %w", id, err)
			}
			if start != nil {
				if err := start(f); err != nil {
					return err
				}
			}
		}
		flow = *f
		if err := fw.add(p); err != nil {
			return fmt.Errorf("follow flow %d: %w", id, err)
		}
		return nil
	})
	if fw == nil {
		if err == nil {
			err = fmt.Errorf("follow %s: %s has no such flow (see thingsniff flows)", pick.Name, c.Name())
		}
		return flow, err
	}
	if cerr := fw.close(); cerr != nil && err == nil {
		err = fmt.Errorf("follow flow %d: %w", id, cerr)
	}
	return flow, err
}
