package decode

// outOfOrderTime is how soon after the segments it precedes a segment
// must come to be out of order rather than a retransmission, when the
// connection's round trip is unknown (Wireshark's default, 3 ms).
const outOfOrderTime = 3_000_000

// fastRetransmitTime: a retransmission within this long of the second
// duplicate ACK asking for it is a fast retransmission (Wireshark: 20 ms).
const fastRetransmitTime = 20_000_000

// analyseTCP reads segment p of flow f, sent in direction d, against what
// each side of the connection sent before, and returns its analysis
// marks; then it moves the direction's state on. It follows the order
// and rules of Wireshark's tcp_analyze_sequence_number, so that the marks
// agree with tshark's tcp.analysis fields; the segment's length is the
// one its IP header gives (SentLen), so cut frames count what was sent.
// It costs a few comparisons and no memory beyond the flow.
func analyseTCP(f *Flow, p *Header, d int) Flags {
	fwd, rev := &f.side[d], &f.side[1-d]
	fl := p.TCPFlags
	seq, seglen := p.Seq, uint32(p.SentLen)
	control := fl.Any(TCPSyn | TCPFin | TCPRst)
	var a Flags

	if p.Window == 0 && !control {
		a |= FlagZeroWindow
	}
	if fwd.seqKnown && seqAfter(seq, fwd.nextSeq) && !fl.Has(TCPRst) {
		a |= FlagLostSegment
	}
	if fwd.seqKnown && seglen <= 1 && !control && seq == fwd.nextSeq-1 {
		a |= FlagKeepAlive
	}
	// A window update and a duplicate ACK are both empty segments that
	// acknowledge nothing new; the window tells them apart, and the
	// answer to a keep-alive is neither.
	sameAck := fwd.seqKnown && fwd.ackKnown && seglen == 0 && !control && seq == fwd.nextSeq && p.Ack == fwd.lastAck && fl.Has(TCPAck)
	switch {
	case sameAck && p.Window != 0 && p.Window == fwd.window && rev.keepAlive:
	case sameAck && p.Window != 0 && p.Window != fwd.window:
		a |= FlagWindowUpdate
	case sameAck && p.Window != 0 && p.Window == fwd.window:
		a |= FlagDupAck
		fwd.dupAcks++
	}

	next := seq + seglen
	if fl.Any(TCPSyn | TCPFin) {
		next++
	}
	// A segment of new data that starts one byte early (after a probe
	// of one byte, as a zero window probe is) does not count as resent.
	probeBefore := seglen > 1 && seq == fwd.nextSeq-1
	if (seglen > 0 || fl.Any(TCPSyn|TCPFin)) && fwd.seqKnown && seqAfter(fwd.nextSeq, seq) && !a.Has(FlagKeepAlive) && !probeBefore {
		sinceSeg := p.Time - fwd.lastSegTime
		threshold := int64(outOfOrderTime)
		if f.irtt > 0 {
			threshold = f.irtt
		}
		switch {
		case rev.dupAcks >= 2 && rev.lastAck == seq && p.Time-rev.lastAckTime < fastRetransmitTime:
			a |= FlagRetransmission | FlagFastRetransmission
		case rev.ackKnown && seglen > 0 && !seqAfter(seq+seglen, rev.lastAck):
			a |= FlagRetransmission // spurious: the data was acknowledged already
		case sinceSeg < threshold && fwd.nextSeq != next:
			// (The last segment sent again is a retransmission however soon.)
			a |= FlagOutOfOrder
		default:
			a |= FlagRetransmission
		}
	}

	// Move this direction on.
	fwd.keepAlive = a.Has(FlagKeepAlive)
	if !fl.Has(TCPRst) && (!fwd.seqKnown || seqAfter(next, fwd.nextSeq)) {
		fwd.nextSeq, fwd.seqKnown = next, true
		fwd.lastSegTime = p.Time
	}
	if fl.Has(TCPAck) {
		if !fwd.ackKnown || p.Ack != fwd.lastAck {
			fwd.lastAck, fwd.ackKnown = p.Ack, true
			fwd.dupAcks = 0
		}
		fwd.lastAckTime = p.Time
	}
	fwd.window = p.Window
	return a
}
