package app

import (
	"fmt"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"

	"github.com/gopacket/gopacket/layers"

	"thingsniff/capture"
	"thingsniff/decode"
	"thingsniff/decode/device"
)

// Row is one packet-list row, every column preformatted.
type Row struct {
	No, Time, Source, Destination, Protocol, Length, Info string
	Flags                                                 decode.Flags
	Analysis                                              decode.Analysis
	Flow                                                  uint32
}

// Text is the row's text in the packet-list column col: the window's
// cells and the sort keys of the text columns read a row through it.
func (r Row) Text(col SortColumn) string {
	switch col {
	case SortNo:
		return r.No
	case SortTime:
		return r.Time
	case SortSource:
		return r.Source
	case SortDestination:
		return r.Destination
	case SortProtocol:
		return r.Protocol
	case SortLength:
		return r.Length
	case SortInfo:
		return r.Info
	}
	return ""
}

// Rows formats packet rows and details of one loaded capture, decoding
// each packet again from its bytes on disk. Its methods belong to one
// goroutine (the UI's); the packet table gets its rows from a RowSource,
// which formats them on a worker goroutine with the flows and interfaces
// recorded here.
type Rows struct {
	l *Loaded
	// fmt formats on the UI goroutine (Row, Details); a RowSource's
	// worker has its own.
	fmt *rowFormatter

	// mu guards what a worker reads while the UI goroutine records news:
	// the UI goroutine writes under it and reads without it.
	mu     sync.RWMutex
	flows  map[uint32]decode.Flow
	ifaces []capture.Interface
	// timeFmt is how the Time column is written; multiDay says the
	// capture crosses midnight (its times of day carry dates).
	timeFmt  TimeFormat
	multiDay bool
	// ver counts what changes formatted rows (interfaces, the time
	// format, the capture crossing midnight): rows formatted under an
	// older version are formatted again.
	ver uint64

	decoded atomic.Int64
}

// NewRows returns a row formatter for l.
func NewRows(l *Loaded) *Rows {
	r := &Rows{l: l, flows: map[uint32]decode.Flow{}}
	r.fmt = newRowFormatter(l, &r.decoded)
	return r
}

// SetFlow records a flow's latest copy (relative TCP numbers need it).
// Rows already formatted keep the copy they were formatted with.
func (r *Rows) SetFlow(f decode.Flow) {
	r.mu.Lock()
	r.flows[f.ID] = f
	r.mu.Unlock()
}

// SetInterfaces records the capture's interfaces (their link types); by
// default Rows asks the Loaded capture. Rows formatted before are
// formatted again when next asked for.
func (r *Rows) SetInterfaces(ifs []capture.Interface) {
	r.mu.Lock()
	r.ifaces = ifs
	r.ver++
	r.mu.Unlock()
}

// SetTimeFormat makes the Time column's rows written in format tf; rows
// formatted before are formatted again when next asked for.
func (r *Rows) SetTimeFormat(tf TimeFormat) {
	r.mu.Lock()
	if r.timeFmt != tf {
		r.timeFmt = tf
		r.ver++
	}
	r.mu.Unlock()
}

// noteReadable takes the news that n packets are readable: once they
// cross midnight, every time of day needs its date, and rows formatted
// before are formatted again.
func (r *Rows) noteReadable(n int) {
	if r.multiDay || n < 2 || device.SameDay(r.l.Index.At(0).Time, r.l.Index.At(n-1).Time) {
		return
	}
	r.mu.Lock()
	r.multiDay = true
	r.ver++
	r.mu.Unlock()
}

// Decoded is how many packets Rows and its row sources have decoded, so
// that tests can tell that showing a formatted row decodes nothing.
func (r *Rows) Decoded() int64 { return r.decoded.Load() }

// env is what formatting needs from Rows on the UI goroutine, which
// writes the fields and so may read them without the lock.
func (r *Rows) env() *rowEnv {
	r.noteReadable(r.l.Index.Len())
	return &rowEnv{l: r.l, ifaces: r.ifaces, flows: r.flows, timeFmt: r.timeFmt, multiDay: r.multiDay}
}

// Row returns the formatted row of packet i (0-based), decoding it on the
// calling goroutine. The packet table does not use it (see RowSource);
// headless code and tests do.
func (r *Rows) Row(i int) Row { return r.fmt.row(i, r.env()) }

// Details returns the details tree and the bytes of packet i. It decodes
// the one packet on the calling goroutine: a selection shows one packet,
// read once.
func (r *Rows) Details(i int) ([]decode.Node, []byte, error) {
	env := r.env()
	ix, b, err := r.fmt.decodeAt(i, env)
	if err != nil {
		return nil, nil, err
	}
	data := append([]byte(nil), b...)
	t := env.times(i, ix.Time)
	frame := decode.Node{Title: fmt.Sprintf("Frame %d: %d bytes on wire, %d bytes captured", i+1, ix.OrigLen, ix.CapLen), End: len(data),
		Filter: fmt.Sprint("frame.number == ", i+1)}
	frame.Children = []decode.Node{
		{Title: "Arrival time: " + formatStamp(ix.Time)},
		{Title: "Epoch time: " + TimeEpoch.Format(t) + " seconds"},
		{Title: "[Time since the packet before: " + TimeSincePrevious.Format(t) + " seconds]"},
		{Title: "[Time since the first packet: " + TimeSinceStart.Format(t) + " seconds]"},
		{Title: fmt.Sprintf("Interface: %d (%s)", ix.Iface(), env.link(ix.Iface()))},
		{Title: fmt.Sprintf("Frame length: %d bytes", ix.OrigLen), Filter: fmt.Sprint("frame.len == ", ix.OrigLen)},
		{Title: fmt.Sprintf("Capture length: %d bytes", ix.CapLen), Filter: fmt.Sprint("frame.cap_len == ", ix.CapLen)},
		{Title: "Flow: " + flowTitle(ix.Flow)},
	}
	if ix.Flow != 0 {
		frame.Children[len(frame.Children)-1].Filter = fmt.Sprint("flow == ", ix.Flow)
	}
	if ix.Flags.Has(decode.FlagMalformed) {
		frame.Children = append(frame.Children, decode.Node{Title: "[Malformed packet]"})
	}
	var fp *decode.Flow
	if fl, ok := env.flows[ix.Flow]; ok {
		fp = &fl
	}
	var top []decode.Node
	if comments := r.l.Store.PacketComments(ix.Offset(), ix.CapLen); len(comments) > 0 {
		// Above the frame, as Wireshark shows what someone wrote of it.
		c := decode.Node{Title: "Packet comments", Open: true}
		for _, text := range comments {
			c.Children = append(c.Children, decode.Node{Title: text})
		}
		top = append(top, c)
	}
	return append(append(top, frame), decode.DetailsOf(data, env.link(ix.Iface()), decode.Context{Flow: fp, Analysis: ix.Analysis, DupAck: r.l.dupAckOf(i, ix), OrigLen: int(ix.OrigLen)})...), data, nil
}

// rowEnv is what a row is formatted with: Rows' own flows and interfaces
// on the UI goroutine, a copy of the few a chunk needs on a worker; and
// how its time is written.
type rowEnv struct {
	l        *Loaded
	ifaces   []capture.Interface
	flows    map[uint32]decode.Flow
	timeFmt  TimeFormat
	multiDay bool
	// shown is the view's packets in capture order (nil: every packet),
	// for the time since the packet shown before.
	shown []int
}

// times gathers what the Time column needs of packet i, at time at.
func (e *rowEnv) times(i int, at int64) PacketTimes {
	t := PacketTimes{At: at, First: e.l.Index.At(0).Time, Previous: at, Shown: at, MultiDay: e.multiDay}
	if i > 0 {
		t.Previous = e.l.Index.At(i - 1).Time
	}
	before := i - 1
	if e.shown != nil {
		k, _ := slices.BinarySearch(e.shown, i)
		before = -1
		if k > 0 {
			before = e.shown[k-1]
		}
	}
	if before >= 0 {
		t.Shown = e.l.Index.At(before).Time
	}
	return t
}

func (e *rowEnv) link(iface uint16) layers.LinkType {
	if int(iface) < len(e.ifaces) {
		return e.ifaces[iface].LinkType
	}
	return e.l.linkType(iface)
}

// rowFormatter decodes and formats packets of one capture with its own
// parser and buffer; it belongs to one goroutine at a time.
type rowFormatter struct {
	l       *Loaded
	parser  *decode.Parser
	pkt     decode.Packet
	buf     []byte
	decoded *atomic.Int64
}

func newRowFormatter(l *Loaded, decoded *atomic.Int64) *rowFormatter {
	return &rowFormatter{l: l, parser: decode.NewParser(), decoded: decoded}
}

// decodeAt decodes packet i into f.pkt and returns its index entry.
func (f *rowFormatter) decodeAt(i int, env *rowEnv) (decode.Index, []byte, error) {
	ix := f.l.Index.At(i)
	f.decoded.Add(1)
	b, err := f.l.Store.ReadPacket(ix.Offset(), ix.CapLen, f.buf)
	if err != nil {
		return ix, nil, fmt.Errorf("read packet %d: %w", i+1, err)
	}
	f.buf = b
	f.pkt.Num, f.pkt.Time, f.pkt.OrigLen = uint32(i+1), ix.Time, int(ix.OrigLen)
	f.parser.Decode(b, env.link(ix.Iface()), &f.pkt)
	f.pkt.Flow = ix.Flow
	return ix, b, nil
}

// row formats packet i.
func (f *rowFormatter) row(i int, env *rowEnv) Row {
	ix, _, err := f.decodeAt(i, env)
	row := Row{No: strconv.Itoa(i + 1), Length: strconv.Itoa(int(ix.OrigLen)), Flags: ix.Flags, Analysis: ix.Analysis, Flow: ix.Flow}
	if f.l.Index.Len() > 0 {
		row.Time = env.timeFmt.Format(env.times(i, ix.Time))
	}
	if err != nil {
		row.Info = err.Error()
		row.Flags |= decode.FlagMalformed
		return row
	}
	f.pkt.Analysis, f.pkt.DupAck = ix.Analysis, f.l.dupAckOf(i, ix)
	var fp *decode.Flow
	if fl, ok := env.flows[ix.Flow]; ok {
		fp = &fl
		f.pkt.ToServer = fl.FromClient(&f.pkt)
	}
	s := Describe(&f.pkt, fp)
	row.Source, row.Destination, row.Protocol, row.Info = s.Source, s.Destination, s.Protocol, s.Info
	return row
}

func flowTitle(id uint32) string {
	if id == 0 {
		return "none"
	}
	return strconv.Itoa(int(id))
}
