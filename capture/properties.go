package capture

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"io"
)

// Properties is what a capture file says of itself beside its packets,
// as Wireshark's Capture File Properties and capinfos tell it: who wrote
// it on what, its comments, its interfaces with their filters and drop
// counts, and totals over its packets.
type Properties struct {
	// Sections are the pcapng section headers' descriptions, in file
	// order (none for pcap). At most maxSections are kept; MoreSections
	// counts the rest.
	Sections     []Section
	MoreSections int
	// Interfaces are every interface of the file, numbered as
	// Frame.Iface numbers them; a pcap file has one.
	Interfaces []InterfaceInfo

	// Packets counts the packets, CapturedBytes the bytes the file holds
	// of them and WireBytes what they had on the wire.
	Packets                  int
	CapturedBytes, WireBytes int64
	// Cut counts the packets the snap length shortened.
	Cut int
	// First and Last are the earliest and latest packet times (Unix
	// nanoseconds); InOrder says every packet's time was at least the
	// one's before it.
	First, Last int64
	InOrder     bool

	// OmittedText counts comments and descriptions left out once
	// maxText bytes of them were kept: a hostile file may hold millions.
	OmittedText int
	textKept    int
	last        int64 // the time of the packet counted last
}

// Section is one pcapng section header's description of the capture.
type Section struct {
	Hardware, OS, Application string
	Comments                  []string
}

// InterfaceInfo is one interface as the file describes it, with its
// packets counted.
type InterfaceInfo struct {
	Interface
	Description, Filter, OS string
	Comments                []string
	// Packets counts the packets captured on it in the file.
	Packets int
	// Received and Dropped are its last interface statistics block's
	// counts (isb_ifrecv, isb_ifdrop): what the interface saw and what
	// it dropped. -1 when the file says nothing.
	Received, Dropped int64
}

// Bounds on what Properties keeps of a file's descriptions.
const (
	maxSections = 64
	maxText     = 64 << 10
)

// pcapng option codes of the descriptions.
const (
	optComment     = 1
	optSHBHardware = 2
	optSHBOS       = 3
	optSHBUserAppl = 4
	optIfDesc      = 3
	optIfFilter    = 11
	optIfOS        = 12
	optISBIfRecv   = 4
	optISBIfDrop   = 5
)

// blockISB is pcapng's interface statistics block.
const blockISB = 0x00000005

// Properties reads the whole capture with a cursor of its own, from its
// very first byte, and returns what the file says of itself. A capture
// that is still growing (a stream, a live capture) is read to its end
// when wait is set, as a command reading standard input wants, and
// otherwise described as far as it has arrived, as a window showing a
// live capture wants. A file cut short or damaged returns the properties
// of everything before the damage and the *TruncatedError that says
// where it stopped.
func (c *Capture) Properties(wait bool) (*Properties, error) {
	p := &Properties{InOrder: true}
	var cur *Cursor
	if c.start.ng {
		// The section header and leading interfaces are part of what is
		// described, so this cursor starts before them.
		cur = &Cursor{c: c, st: state{ng: true}, end: -1}
	} else {
		cur = c.Cursor()
		p.Interfaces = []InterfaceInfo{{Interface: c.start.ifaces[0], Received: -1, Dropped: -1}}
	}
	cur.props = p
	next := cur.Next
	if wait {
		next = func() (Frame, error) { return cur.NextWait(context.Background()) }
	}
	for {
		f, err := next()
		if err != nil {
			if err == io.EOF || errors.Is(err, ErrPending) {
				return p, nil
			}
			return p, err
		}
		p.count(f)
	}
}

func (p *Properties) count(f Frame) {
	if p.Packets == 0 {
		p.First, p.Last = f.Time, f.Time
	} else {
		p.InOrder = p.InOrder && f.Time >= p.last
		p.First, p.Last = min(p.First, f.Time), max(p.Last, f.Time)
	}
	p.Packets++
	p.CapturedBytes += int64(f.CapLen)
	p.WireBytes += int64(max(f.OrigLen, f.CapLen))
	if f.OrigLen > f.CapLen {
		p.Cut++
	}
	if int(f.Iface) < len(p.Interfaces) {
		p.Interfaces[f.Iface].Packets++
	}
	p.last = f.Time
}

// text keeps an option's string within the budget of descriptions, or
// counts it left out. Writers that end strings as C does leave a NUL.
func (p *Properties) text(v []byte) (string, bool) {
	v = bytes.TrimRight(v, "\x00")
	if p.textKept+len(v) > maxText {
		p.OmittedText++
		return "", false
	}
	p.textKept += len(v)
	return string(v), true
}

// section takes a section header block's options.
func (p *Properties) section(order binary.ByteOrder, opts []byte) {
	if len(p.Sections) >= maxSections {
		p.MoreSections++
		return
	}
	var s Section
	eachOption(order, opts, func(code uint16, v []byte) {
		t, ok := p.text(v)
		switch {
		case !ok:
		case code == optComment:
			s.Comments = append(s.Comments, t)
		case code == optSHBHardware:
			s.Hardware = t
		case code == optSHBOS:
			s.OS = t
		case code == optSHBUserAppl:
			s.Application = t
		}
	})
	p.Sections = append(p.Sections, s)
}

// iface takes an interface description block's options, for the
// interface the cursor has just added.
func (p *Properties) iface(order binary.ByteOrder, ifc Interface, opts []byte) {
	info := InterfaceInfo{Interface: ifc, Received: -1, Dropped: -1}
	eachOption(order, opts, func(code uint16, v []byte) {
		switch code {
		case optIfDesc, optIfOS, optComment:
		case optIfFilter:
			if len(v) < 2 || v[0] != 0 { // 0: a libpcap filter string; other kinds are bytecode
				return
			}
			v = v[1:]
		default:
			return
		}
		t, ok := p.text(v)
		switch {
		case !ok:
		case code == optIfDesc:
			info.Description = t
		case code == optIfOS:
			info.OS = t
		case code == optComment:
			info.Comments = append(info.Comments, t)
		case code == optIfFilter:
			info.Filter = t
		}
	})
	p.Interfaces = append(p.Interfaces, info)
}

// stats takes an interface statistics block; local maps the section's
// interface numbers to the file's.
func (p *Properties) stats(order binary.ByteOrder, body []byte, local []int) {
	if len(body) < 12 {
		return
	}
	id := int(order.Uint32(body))
	if id >= len(local) || local[id] >= len(p.Interfaces) {
		return
	}
	info := &p.Interfaces[local[id]]
	eachOption(order, body[12:], func(code uint16, v []byte) {
		if len(v) < 8 {
			return
		}
		switch code {
		case optISBIfRecv:
			info.Received = int64(order.Uint64(v) & (1<<63 - 1))
		case optISBIfDrop:
			info.Dropped = int64(order.Uint64(v) & (1<<63 - 1))
		}
	})
}

// eachOption calls fn with the code and value of each option of a block's
// options area, until the end-of-options option or the area's end; an
// option whose length runs past the area ends the walk.
func eachOption(order binary.ByteOrder, opts []byte, fn func(code uint16, v []byte)) {
	for len(opts) >= 4 {
		code, n := order.Uint16(opts), int(order.Uint16(opts[2:]))
		opts = opts[4:]
		if code == optEnd || n > len(opts) {
			return
		}
		fn(code, opts[:n])
		opts = opts[min((n+3)&^3, len(opts)):]
	}
}

// maxComments bounds the comments read of one packet.
const maxComments = 64

// PacketComments returns the comments (opt_comment) of the pcapng packet
// block whose data lies at off (a Frame.Offset) with caplen bytes, as
// Wireshark shows them above a packet's details: none for pcap, for a
// simple packet block, or for a block that does not check out. It reads
// that one block, and is safe from any goroutine.
func (c *Capture) PacketComments(off int64, caplen uint32) []string {
	const hdr = 28 // type, length, interface, timestamp, lengths
	if !c.start.ng || off < hdr {
		return nil
	}
	var head [hdr]byte
	if n, _ := c.f.ReadAt(head[:], off-hdr); n < hdr {
		return nil
	}
	// The block's byte order is its section's; try the first section's,
	// then the other.
	for _, order := range []binary.ByteOrder{c.start.order, otherOrder(c.start.order)} {
		typ, n := order.Uint32(head[:]), order.Uint32(head[4:])
		if typ != blockEPB && typ != blockPB || order.Uint32(head[20:]) != caplen {
			continue
		}
		optStart := hdr + int64(caplen+3)&^3
		if n%4 != 0 || n > maxRecord || int64(n) < optStart+4 {
			continue
		}
		block := make([]byte, n)
		if m, _ := c.f.ReadAt(block, off-hdr); m < len(block) || order.Uint32(block[n-4:]) != n {
			continue
		}
		var comments []string
		eachOption(order, block[optStart:n-4], func(code uint16, v []byte) {
			if code == optComment && len(comments) < maxComments {
				comments = append(comments, string(bytes.TrimRight(v, "\x00")))
			}
		})
		return comments
	}
	return nil
}

func otherOrder(o binary.ByteOrder) binary.ByteOrder {
	if o == binary.BigEndian {
		return binary.LittleEndian
	}
	return binary.BigEndian
}
