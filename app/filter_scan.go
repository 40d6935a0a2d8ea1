package app

import (
	"thingsniff/capture"
	"thingsniff/decode"
	"thingsniff/decode/device"
	"thingsniff/decode/dfilter"
)

// ScanFilter returns fn behind the display filter expr: the returned
// ScanFunc calls fn only for packets that pass. The headless commands
// scan with it, so they select what the window's filter selects. An
// empty expr passes everything.
func ScanFilter(expr string, fn ScanFunc) (ScanFunc, error) {
	f, err := dfilter.Compile(expr, dfilter.Options{})
	if err != nil {
		return nil, err
	}
	m := f.Matcher()
	var pkt dfilter.Packet
	first := true
	return func(ix decode.Index, p *decode.Packet, fl *decode.Flow) error {
		if first {
			pkt.Start, first = ix.Time, false
		}
		pkt.Num, pkt.Index, pkt.Link, pkt.Flow, pkt.Decoded, pkt.DupAck = int(p.Num), ix, p.Link, fl, p, p.DupAck
		if !m.Match(&pkt) {
			return nil
		}
		return fn(ix, p, fl)
	}, nil
}

// SelectFile runs expr over a whole capture file (see ScanFilter) and
// returns what it selected; the error is the reason the capture ended
// early, if it did, or the filter's.
func SelectFile(c *capture.Capture, expr string) (*Selection, error) {
	s := &Selection{flows: map[uint32]bool{}}
	fn, err := ScanFilter(expr, func(ix decode.Index, p *decode.Packet, _ *decode.Flow) error {
		s.Packets = append(s.Packets, int(p.Num)-1)
		if ix.Flow != 0 {
			s.flows[ix.Flow] = true
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	_, err = Scan(c, nil, fn)
	return s, err
}

// FilterReport returns r with only the events and findings told from
// selected packets, and only the devices left with one of them.
func FilterReport(r device.Report, s *Selection) device.Report {
	out := device.Report{Dropped: r.Dropped, Notes: r.Notes}
	for _, d := range r.Devices {
		c := *d
		c.Events, c.Findings = nil, nil
		for _, e := range d.Events {
			if s.HasEvent(e.Packets, e.Flow) {
				c.Events = append(c.Events, e)
			}
		}
		for _, f := range d.Findings {
			if s.HasEvent(f.Packets, f.Flow) {
				c.Findings = append(c.Findings, f)
			}
		}
		if len(c.Events) > 0 || len(c.Findings) > 0 {
			out.Devices = append(out.Devices, &c)
		}
	}
	return out
}
