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
// marks and, for a duplicate ACK, which one it is; then it moves the
// direction's state on. It follows the order and rules of Wireshark's
// tcp_analyze_sequence_number, so that the marks agree with tshark's
// tcp.analysis fields; the segment's length is the one its IP header
// gives (SentLen), so cut frames count what was sent. It costs a few
// comparisons and no memory beyond the flow.
func analyseTCP(f *Flow, p *Header, d int) (Analysis, DupAck) {
	fwd, rev := &f.side[d], &f.side[1-d]
	fl := p.TCPFlags
	seq, ack, seglen := p.Seq, p.Ack, uint32(p.SentLen)
	control := fl.Any(TCPSyn | TCPFin | TCPRst)
	var a Analysis
	var dup DupAck

	if seglen == 1 && fwd.seen && seq == fwd.nextSeq && rev.seen && rev.window == 0 {
		// A zero window probe is only that: it neither moves the side on
		// nor counts as anything else.
		a |= AnalysisZeroWindowProbe
	} else {
		if p.Window == 0 && !control {
			a |= AnalysisZeroWindow
		}
		if fwd.seen && seqAfter(seq, fwd.nextSeq) && !fl.Has(TCPRst) {
			a |= AnalysisLostSegment
		}
		if fwd.seen && seglen <= 1 && !control && seq == fwd.nextSeq-1 {
			a |= AnalysisKeepAlive
		}
		// An empty segment that sends and acknowledges nothing new is a
		// window update, the answer to a probe, or a duplicate ACK.
		same := fwd.seen && seglen == 0 && !control && seq == fwd.nextSeq && ack == fwd.lastAck
		if same && p.Window != 0 && p.Window != fwd.window {
			a |= AnalysisWindowUpdate
		}
		if shift, ok := f.fullShift(1 - d); ok && rev.seen && seglen > 0 && !control &&
			seq+seglen == rev.lastAck+uint32(rev.window)<<shift {
			a |= AnalysisWindowFull
		}
		switch {
		case same && p.Window != 0 && p.Window == fwd.window && rev.last.Has(AnalysisKeepAlive):
			a |= AnalysisKeepAliveAck
		case same && p.Window == 0 && fwd.window == 0 && rev.last.Has(AnalysisZeroWindowProbe):
			a |= AnalysisZeroWindowProbeAck
		case same && p.Window != 0 && p.Window == fwd.window:
			fwd.dupAcks++
			a |= AnalysisDupAck
			dup = DupAck{Of: fwd.lastNonDup, N: fwd.dupAcks}
		}
	}
	ackMoved := ack != fwd.lastAck
	if ackMoved {
		fwd.lastNonDup, fwd.dupAcks = p.Num, 0
	}
	if rev.maxToBeAcked != 0 && seqAfter(ack, rev.maxToBeAcked) && fl.Has(TCPAck) {
		// Told once per acknowledgement: the same one repeated is not told
		// again, and the bound moves on to what the other side sent.
		if ackMoved {
			a |= AnalysisAckedUnseen
		}
		rev.maxToBeAcked = rev.nextSeq
	}

	next := seq + seglen // where the side's next segment starts
	if fl.Any(TCPSyn | TCPFin) {
		next++
	}
	if (seglen > 0 || fl.Any(TCPSyn|TCPFin)) && !a.Has(AnalysisKeepAlive) {
		// Data that starts before what the side sent next is sent again,
		// unless it starts one byte early after a probe of one byte.
		resent := fwd.seen && seqAfter(fwd.nextSeq, seq) && !(seglen > 1 && seq == fwd.nextSeq-1)
		threshold := int64(outOfOrderTime)
		if f.irtt > 0 {
			threshold = f.irtt
		}
		switch {
		case seglen > 0 && rev.seen && rev.lastAck != 0 && !seqAfter(seq+seglen, rev.lastAck):
			// (Wireshark tells it even of data that does not go back.)
			a |= AnalysisRetransmission | AnalysisSpuriousRetransmission
		case resent && rev.dupAcks >= 2 && rev.lastAck == seq && p.Time-rev.lastAckTime < fastRetransmitTime:
			a |= AnalysisRetransmission | AnalysisFastRetransmission
		case resent && p.Time-fwd.lastSegTime < threshold && fwd.nextSeq != next:
			// (The last segment sent again is a retransmission however soon.)
			a |= AnalysisOutOfOrder
		case resent:
			a |= AnalysisRetransmission
		}
	}

	// Move this direction on.
	if !a.Has(AnalysisZeroWindowProbe) {
		if !fwd.seen || seqAfter(next, fwd.nextSeq) {
			fwd.nextSeq, fwd.lastSegTime = next, p.Time
		}
		if fwd.maxToBeAcked == 0 || seq == fwd.maxToBeAcked {
			fwd.maxToBeAcked = fwd.nextSeq
		}
	}
	fwd.seen = true
	fwd.window = p.Window
	fwd.lastAck, fwd.lastAckTime = ack, p.Time
	fwd.last = a
	return a, dup
}
