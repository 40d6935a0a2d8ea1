package app

import (
	"errors"
	"fmt"
	"io"
	"runtime/debug"

	"github.com/gopacket/gopacket/layers"

	"thingsniff/capture"
	"thingsniff/decode"
)

// ScanFunc sees each packet of a Scan in order, with its index entry, the
// decoded packet (valid only during the call) and its flow (nil if none).
type ScanFunc func(ix decode.Index, p *decode.Packet, f *decode.Flow) error

// Scan reads a whole capture through the decode engine without keeping an
// index: the headless commands use it. It returns the engine, for its
// flows, and the reason the capture ended early, if it did (a
// *capture.TruncatedError: every packet before the cut was seen).
func Scan(c *capture.Capture, observers []decode.Observer, fn ScanFunc) (eng *decode.Engine, err error) {
	eng = decode.NewEngine(observers...)
	lendPayloads(c, observers)
	defer holdGC()()
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer func() {
		if cut := cutByFault(c, recover()); cut != nil {
			err = fmt.Errorf("read %s: %w", c.Name(), cut)
		}
	}()
	for {
		fr, err := c.Next()
		if errors.Is(err, io.EOF) {
			return eng, nil
		}
		if err != nil {
			return eng, fmt.Errorf("read %s: %w", c.Name(), err)
		}
		ix := addFrame(eng, c.Interfaces(), &fr)
		if fn != nil {
			p := eng.Last()
			if err := fn(ix, p, eng.Flow(p.Flow)); err != nil {
				return eng, err
			}
		}
	}
}

// cutByFault turns r, recovered on a goroutine that decodes c's packets
// with debug.SetPanicOnFault on, into the error that ends the read: a
// memory fault there means c's mapped file was shortened under it (see
// capture.IsFault). It returns nil when there was no panic, and panics
// again with anything else.
func cutByFault(c *capture.Capture, r any) error {
	if r == nil {
		return nil
	}
	if !capture.IsFault(r) {
		panic(r)
	}
	return c.Shortened()
}

// noLink stands for the link type of a record whose interface was never
// described: the engine marks such a packet malformed instead of dropping it.
const noLink = layers.LinkType(0xffff)

// addFrame runs one frame through the engine with its interface's link type.
func addFrame(eng *decode.Engine, ifs []capture.Interface, fr *capture.Frame) decode.Index {
	link := noLink
	if int(fr.Iface) < len(ifs) {
		link = ifs[fr.Iface].LinkType
	}
	return eng.Add(fr.Data, link, decode.Meta{
		Offset: fr.Offset, Time: fr.Time, CapLen: fr.CapLen, OrigLen: fr.OrigLen, Iface: fr.Iface})
}
