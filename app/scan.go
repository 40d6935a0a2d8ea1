package app

import (
	"context"
	"errors"
	"fmt"
	"io"

	"thingsniff/capture"
	"thingsniff/decode"
)

// ScanFunc sees each packet of a Scan in order, with its index entry, the
// decoded packet (valid only during the call) and its flow (nil if none).
type ScanFunc func(ix decode.Index, p *decode.Packet, f *decode.Flow) error

// Scan reads a whole capture with a cursor of its own through a decode
// engine, without keeping an index: the headless commands use it. It
// returns the engine, for its flows, and the reason the capture ended
// early, if it did (a *capture.TruncatedError: every packet before the
// cut was seen).
func Scan(c *capture.Capture, observers []decode.Observer, fn ScanFunc) (*decode.Engine, error) {
	eng := decode.NewEngine(observers...)
	err := eachFrame(context.Background(), c, func(cur *capture.Cursor, fr *capture.Frame) error {
		ix := addFrame(eng, cur.Interfaces(), fr)
		if fn == nil {
			return nil
		}
		p := eng.Last()
		return fn(ix, p, eng.Flow(p.Flow))
	})
	var stop stopped
	if errors.As(err, &stop) {
		return eng, stop.err
	}
	if err != nil {
		return eng, fmt.Errorf("read %s: %w", c.Name(), err)
	}
	return eng, nil
}

// stopped carries an error of a frame function out of eachFrame, so
// that it is not taken for a reading error.
type stopped struct{ err error }

func (s stopped) Error() string { return s.err.Error() }

// eachFrame moves a new cursor of c through the whole capture, waiting
// for a growing one, and calls fn with every frame. It returns nil at
// the end, the error that cut the capture short, ctx's error, or fn's
// error wrapped in stopped.
func eachFrame(ctx context.Context, c *capture.Capture, fn func(cur *capture.Cursor, fr *capture.Frame) error) error {
	cur := c.Cursor()
	for {
		fr, err := cur.NextWait(ctx)
		switch {
		case err == nil:
			if err := fn(cur, &fr); err != nil {
				return stopped{err}
			}
		case errors.Is(err, io.EOF):
			return nil
		default:
			return err
		}
	}
}

// addFrame runs one frame through the engine with its interface's link type.
func addFrame(eng *decode.Engine, ifs []capture.Interface, fr *capture.Frame) decode.Index {
	return eng.Add(fr.Data, linkOf(ifs, fr.Iface), decode.Meta{
		Offset: fr.Offset, Time: fr.Time, CapLen: fr.CapLen, OrigLen: fr.OrigLen, Iface: fr.Iface})
}

// ReadFlows reads a capture file on every core, as the window loads it,
// and returns the engine that holds its flows, and the reason the
// capture ended early, if it did.
func ReadFlows(c *capture.Capture) (*decode.Engine, error) {
	if c.Growing() {
		return Scan(c, nil, nil)
	}
	eng := decode.NewEngine()
	err := readPieces(context.Background(), c, eng, pieceSize, discard{})
	if err != nil {
		err = fmt.Errorf("read %s: %w", c.Name(), err)
	}
	return eng, err
}

// discard is an indexSink that keeps nothing.
type discard struct{}

func (discard) add(decode.Index)               {}
func (discard) interfaces([]capture.Interface) {}
func (discard) progress(int64)                 {}
