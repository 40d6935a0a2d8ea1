package app

import (
	"fmt"
	"strconv"

	"github.com/gopacket/gopacket/layers"

	"thingsniff/capture"
	"thingsniff/decode"
)

// Row is one packet-list row, every column preformatted.
type Row struct {
	No, Time, Source, Destination, Protocol, Length, Info string
	Flags                                                 decode.Flags
	Flow                                                  uint32
}

// Rows formats packet rows and details of one loaded capture, decoding
// each packet again from its bytes on disk. It caches recent rows so that
// scrolling costs one decode per new row. It belongs to one goroutine
// (the UI's).
type Rows struct {
	l      *Loaded
	parser *decode.Parser
	pkt    decode.Packet
	flows  map[uint32]decode.Flow
	ifaces []capture.Interface
	cache  map[int]Row
	buf    []byte
}

const rowCacheSize = 4096

// NewRows returns a row formatter for l.
func NewRows(l *Loaded) *Rows {
	return &Rows{l: l, parser: decode.NewParser(), flows: map[uint32]decode.Flow{}, cache: map[int]Row{}}
}

// SetFlow records a flow's latest copy (relative TCP numbers need it).
func (r *Rows) SetFlow(f decode.Flow) { r.flows[f.ID] = f }

// SetInterfaces records the capture's interfaces (their link types); by
// default Rows asks the Loaded capture.
func (r *Rows) SetInterfaces(ifs []capture.Interface) {
	r.ifaces = ifs
	clear(r.cache)
}

func (r *Rows) link(iface uint16) layers.LinkType {
	if int(iface) < len(r.ifaces) {
		return r.ifaces[iface].LinkType
	}
	return r.l.linkType(iface)
}

// decodeAt decodes packet i into r.pkt and returns its index entry.
func (r *Rows) decodeAt(i int) (decode.Index, []byte, error) {
	ix := r.l.Index.At(i)
	b, err := r.l.Store.ReadPacket(ix.Offset, ix.CapLen, r.buf)
	if err != nil {
		return ix, nil, fmt.Errorf("read packet %d: %w", i+1, err)
	}
	r.buf = b
	r.pkt.Num, r.pkt.Time, r.pkt.OrigLen = uint32(i+1), ix.Time, int(ix.OrigLen)
	r.parser.Decode(b, r.link(ix.Iface), &r.pkt)
	r.pkt.Flow = ix.Flow
	return ix, b, nil
}

// Row returns the formatted row of packet i (0-based).
func (r *Rows) Row(i int) Row {
	if row, ok := r.cache[i]; ok {
		return row
	}
	ix, _, err := r.decodeAt(i)
	row := Row{No: strconv.Itoa(i + 1), Length: strconv.Itoa(int(ix.OrigLen)), Flags: ix.Flags, Flow: ix.Flow}
	if r.l.Index.Len() > 0 {
		row.Time = strconv.FormatFloat(float64(ix.Time-r.l.Index.At(0).Time)/1e9, 'f', 6, 64)
	}
	if err != nil {
		row.Info = err.Error()
		row.Flags |= decode.FlagMalformed
	} else {
		var fp *decode.Flow
		if f, ok := r.flows[ix.Flow]; ok {
			fp = &f
			r.pkt.ToServer = f.FromClient(&r.pkt)
		}
		s := Describe(&r.pkt, fp)
		row.Source, row.Destination, row.Protocol, row.Info = s.Source, s.Destination, s.Protocol, s.Info
	}
	if len(r.cache) >= rowCacheSize {
		clear(r.cache)
	}
	r.cache[i] = row
	return row
}

// Details returns the details tree and the bytes of packet i.
func (r *Rows) Details(i int) ([]decode.Node, []byte, error) {
	ix, b, err := r.decodeAt(i)
	if err != nil {
		return nil, nil, err
	}
	data := append([]byte(nil), b...)
	frame := decode.Node{Title: fmt.Sprintf("Frame %d: %d bytes on wire, %d bytes captured", i+1, ix.OrigLen, ix.CapLen), End: len(data)}
	frame.Children = []decode.Node{
		{Title: "Arrival time: " + formatStamp(ix.Time)},
		{Title: fmt.Sprintf("Interface: %d (%s)", ix.Iface, r.link(ix.Iface))},
		{Title: "Flow: " + flowTitle(ix.Flow)},
	}
	if ix.Flags.Has(decode.FlagMalformed) {
		frame.Children = append(frame.Children, decode.Node{Title: "[Malformed packet]"})
	}
	return append([]decode.Node{frame}, decode.Details(data, r.link(ix.Iface))...), data, nil
}

func flowTitle(id uint32) string {
	if id == 0 {
		return "none"
	}
	return strconv.Itoa(int(id))
}
