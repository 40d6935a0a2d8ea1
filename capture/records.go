package capture

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"slices"

	"github.com/gopacket/gopacket/layers"
)

// Classic pcap magic numbers, as read little-endian.
const (
	magicMicro     = 0xa1b2c3d4
	magicNano      = 0xa1b23c4d
	magicKuznetzov = 0xa1b2cd34 // Alexey Kuznetzov's patched libpcap: 8 more bytes per record
)

// maxPacket is the largest record we believe without a larger snaplen:
// Wireshark's and libpcap's limit for ordinary link types. A bigger caplen
// means a damaged file, and must not turn into a gigabyte allocation.
const maxPacket = 256 << 10

// maxRecord bounds any record or block, whatever the header claims.
const maxRecord = 16 << 20

// pcapng block types.
const (
	blockSHB = 0x0a0d0d0a // section header; a palindrome, so readable in either byte order
	blockIDB = 0x00000001 // interface description
	blockPB  = 0x00000002 // obsolete packet block
	blockSPB = 0x00000003 // simple packet block
	blockEPB = 0x00000006 // enhanced packet block
	bomMagic = 0x1a2b3c4d
)

// pcapng option codes used here.
const (
	optEnd      = 0
	optIfName   = 2
	optTSResol  = 9
	optFCSLen   = 13
	optTSOffset = 14
)

// state is what a cursor must know of the file to read its next record:
// the format and byte order, and for pcapng the interfaces described so
// far. A piece's cursor starts from the state after the file's leading
// blocks (see Piece).
type state struct {
	ng    bool
	order binary.ByteOrder
	// pcap
	recHdr  int
	fracMul int64
	maxCap  uint32
	// pcapng
	ifaces    []Interface
	ifTime    []tsConv
	secIfaces []int // section-local interface number -> index in ifaces
	lastTime  int64
	// layout counts the section and interface blocks read: two cursors
	// whose layouts agree number interfaces alike.
	layout int
}

// clone returns a copy whose slices the copy's owner may append to.
func (s state) clone() state {
	s.ifaces = slices.Clip(s.ifaces)
	s.ifTime = slices.Clip(s.ifTime)
	s.secIfaces = slices.Clone(s.secIfaces)
	return s
}

// readFileHeader reads the pcap file header or the first pcapng section
// header and sets the capture's format.
func (r *Cursor) readFileHeader() error {
	c := r.c
	b, err := r.peek(4)
	for err == ErrPending {
		<-r.Arrived()
		b, err = r.peek(4)
	}
	if len(b) == 0 {
		if err == io.EOF {
			return fmt.Errorf("open capture %q: the file is empty", c.name)
		}
		return fmt.Errorf("open capture %q: %w", c.name, err)
	}
	if len(b) == 4 {
		if binary.LittleEndian.Uint32(b) == blockSHB {
			r.st.ng = true
			c.format = "pcapng" + c.gzipSuffix()
			return r.startPcapng()
		}
		if order, nano, kuz, ok := pcapMagic(b); ok {
			return r.startPcap(order, nano, kuz)
		}
	}
	e := &NotCaptureError{Name: c.name, Start: bytes.Clone(b), InGzip: c.gz}
	// More bytes tell more (text, a known format), where they have come.
	if more, _ := r.peek(sniffLen); len(more) > len(b) {
		b = more
	}
	e.Looks = looksLike(b)
	return e
}

func (c *Capture) gzipSuffix() string {
	if c.gz {
		return ", gzip"
	}
	return ""
}

// readLeadingBlocks reads the pcapng blocks before the first packet (the
// interface descriptions), without waiting for a stream; it stops at the
// first packet, at anything odd, or at what has not arrived yet.
func (r *Cursor) readLeadingBlocks() {
	if !r.st.ng {
		return
	}
	for n := 0; n < 64; n++ {
		start := r.pos
		typ, body, err := r.block()
		if err != nil || typ == blockEPB || typ == blockPB || typ == blockSPB {
			r.pos = start
			return
		}
		if r.handle(start, typ, body) != nil {
			r.pos = start
			return
		}
	}
}

func pcapMagic(b []byte) (order binary.ByteOrder, nano, kuz, ok bool) {
	for _, o := range []binary.ByteOrder{binary.LittleEndian, binary.BigEndian} {
		switch o.Uint32(b) {
		case magicMicro:
			return o, false, false, true
		case magicNano:
			return o, true, false, true
		case magicKuznetzov:
			return o, false, true, true
		}
	}
	return nil, false, false, false
}

func (r *Cursor) startPcap(order binary.ByteOrder, nano, kuz bool) error {
	c := r.c
	h, err := r.peek(24)
	for err == ErrPending {
		<-r.Arrived()
		h, err = r.peek(24)
	}
	if len(h) < 24 {
		if err != nil && err != io.EOF && err != io.ErrUnexpectedEOF {
			return fmt.Errorf("open capture %q: read pcap file header: %w", c.name, err)
		}
		return fmt.Errorf("open capture %q: the pcap file header is cut short (%d of 24 bytes)", c.name, len(h))
	}
	st := &r.st
	st.order = order
	snaplen := order.Uint32(h[16:])
	// The upper bits of the link type field carry FCS information
	// (LT_FCS_DATAWITHFCS); the link type proper is in the low 16 bits.
	linkType := order.Uint32(h[20:])
	st.recHdr = 16
	st.fracMul = 1000
	unit, endian := "microseconds", "little-endian"
	if order == binary.BigEndian {
		endian = "big-endian"
	}
	if nano {
		st.fracMul = 1
		unit = "nanoseconds"
	}
	if kuz {
		st.recHdr = 24
		unit += ", Kuznetzov"
	}
	st.maxCap = maxPacket
	if snaplen > st.maxCap {
		st.maxCap = min(snaplen, maxRecord)
	}
	ifc := Interface{LinkType: layers.LinkType(linkType & 0xffff), Snaplen: snaplen}
	if linkType&0x04000000 != 0 { // LT_FCS_LENGTH_PRESENT: length in 16-bit words in bits 28-31
		ifc.FCSLen = uint8(linkType>>28) * 2
	}
	st.ifaces = []Interface{ifc}
	c.format = fmt.Sprintf("pcap (%s, %s)%s", endian, unit, c.gzipSuffix())
	r.pos = 24
	return nil
}

func (r *Cursor) nextPcap() (Frame, error) {
	start := r.pos
	if r.end >= 0 && start >= r.end {
		return Frame{}, io.EOF
	}
	st := &r.st
	h, err := r.peek(st.recHdr)
	if len(h) == 0 && err == io.EOF {
		return Frame{}, io.EOF
	}
	if err != nil {
		return Frame{}, r.cut(start, len(h), st.recHdr, "record header", err)
	}
	sec := st.order.Uint32(h)
	frac := st.order.Uint32(h[4:])
	incl := st.order.Uint32(h[8:])
	orig := st.order.Uint32(h[12:])
	if incl > st.maxCap {
		return Frame{}, r.corrupt(start, fmt.Sprintf(
			"the record claims %d captured bytes, more than the %d a packet can have: the file is damaged", incl, st.maxCap))
	}
	n := st.recHdr + int(incl)
	b, err := r.take(n)
	if err != nil {
		return Frame{}, r.cut(start, len(b), n, "packet record", err)
	}
	return Frame{
		Offset:  start + int64(st.recHdr),
		Time:    int64(sec)*1e9 + int64(frac)*st.fracMul,
		CapLen:  incl,
		OrigLen: orig,
		Data:    b[st.recHdr:],
	}, nil
}

// startPcapng reads the first section header, so that Open fails on a file
// that only looks like pcapng.
func (r *Cursor) startPcapng() error {
	c := r.c
	start := r.pos
	typ, body, err := r.block()
	for err == ErrPending {
		<-r.Arrived()
		typ, body, err = r.block()
	}
	if err == io.EOF {
		err = r.corrupt(start, "the pcapng section header is missing")
	}
	if err == nil {
		err = r.handle(start, typ, body)
	}
	var te *TruncatedError
	if errors.As(err, &te) {
		return fmt.Errorf("open capture %q: %s", c.name, te.Reason)
	}
	if err != nil {
		return fmt.Errorf("open capture %q: %w", c.name, err)
	}
	return nil
}

// nextBlock reads blocks until one holds a packet.
func (r *Cursor) nextBlock() (Frame, error) {
	for {
		start := r.pos
		if r.end >= 0 && start >= r.end {
			return Frame{}, io.EOF
		}
		typ, body, err := r.block()
		if err != nil {
			return Frame{}, err
		}
		switch typ {
		case blockEPB, blockPB, blockSPB:
			return r.packet(start, typ, body)
		}
		if err := r.handle(start, typ, body); err != nil {
			return Frame{}, err
		}
	}
}

// block reads one block and returns its type and body (without the type,
// length and trailing length). io.EOF means a clean end between blocks.
func (r *Cursor) block() (uint32, []byte, error) {
	start := r.pos
	st := &r.st
	h, err := r.peek(8)
	if len(h) == 0 && err == io.EOF {
		return 0, nil, io.EOF
	}
	if err != nil {
		return 0, nil, r.cut(start, len(h), 8, "block header", err)
	}
	if binary.LittleEndian.Uint32(h) == blockSHB {
		// A new section may switch byte order; its magic says which.
		h, err = r.peek(12)
		if err != nil {
			return 0, nil, r.cut(start, len(h), 12, "section header", err)
		}
		if st.order, err = sectionOrder(h); err != nil {
			return 0, nil, r.corrupt(start, err.Error())
		}
	}
	if st.order == nil {
		return 0, nil, r.corrupt(start, "the file does not begin with a pcapng section header")
	}
	typ := st.order.Uint32(h)
	length := st.order.Uint32(h[4:])
	if length < 12 || length%4 != 0 || length > maxRecord {
		return 0, nil, r.corrupt(start, fmt.Sprintf("block of type 0x%x claims an impossible length %d: the file is damaged", typ, length))
	}
	b, err := r.take(int(length))
	if err != nil {
		return 0, nil, r.cut(start, len(b), int(length), fmt.Sprintf("block of type 0x%x", typ), err)
	}
	if trail := st.order.Uint32(b[length-4:]); trail != length {
		return 0, nil, r.corrupt(start, fmt.Sprintf("block of type 0x%x has length %d at its start but %d at its end: the file is damaged", typ, length, trail))
	}
	return typ, b[8 : length-4], nil
}

func sectionOrder(h []byte) (binary.ByteOrder, error) {
	switch {
	case binary.LittleEndian.Uint32(h[8:]) == bomMagic:
		return binary.LittleEndian, nil
	case binary.BigEndian.Uint32(h[8:]) == bomMagic:
		return binary.BigEndian, nil
	}
	return nil, fmt.Errorf("section header has an unknown byte-order magic 0x%x", h[8:12])
}

// handle takes in a block that carries no packet: section and interface
// headers change the cursor's state; a cursor that gathers Properties
// also reads their descriptions and the interface statistics. Anything
// else (name resolution, decryption secrets, custom blocks) is skipped.
func (r *Cursor) handle(start int64, typ uint32, body []byte) error {
	st := &r.st
	switch typ {
	case blockSHB:
		if len(body) < 16 {
			return r.corrupt(start, "section header block too short")
		}
		if major := st.order.Uint16(body[4:]); major != 1 {
			return r.corrupt(start, fmt.Sprintf("pcapng version %d.%d is not supported", major, st.order.Uint16(body[6:])))
		}
		st.secIfaces = st.secIfaces[:0]
		st.layout++
		if r.props != nil {
			r.props.section(st.order, body[16:])
		}
	case blockIDB:
		if err := r.addInterface(start, body); err != nil {
			return err
		}
		if r.props != nil {
			r.props.iface(st.order, st.ifaces[len(st.ifaces)-1], body[8:])
		}
	case blockISB:
		if r.props != nil {
			r.props.stats(st.order, body, st.secIfaces)
		}
	}
	return nil
}

func (r *Cursor) addInterface(start int64, body []byte) error {
	st := &r.st
	if len(body) < 8 {
		return r.corrupt(start, "interface description block too short")
	}
	ifc := Interface{
		LinkType: layers.LinkType(st.order.Uint16(body)),
		Snaplen:  st.order.Uint32(body[4:]),
	}
	conv := tsConv{mul: 1000} // microseconds unless if_tsresol says otherwise
	eachOption(st.order, body[8:], func(code uint16, v []byte) {
		switch {
		case code == optIfName:
			ifc.Name = string(bytes.TrimRight(v, "\x00"))
		case code == optTSResol && len(v) >= 1:
			conv = resolution(v[0])
		case code == optFCSLen && len(v) >= 1:
			ifc.FCSLen = v[0]
		case code == optTSOffset && len(v) >= 8:
			conv.offset = int64(st.order.Uint64(v))
		}
	})
	if len(st.ifaces) >= 1<<16 {
		return r.corrupt(start, "more than 65536 interfaces")
	}
	st.secIfaces = append(st.secIfaces, len(st.ifaces))
	st.ifaces = append(st.ifaces, ifc)
	st.ifTime = append(st.ifTime, conv)
	st.layout++
	return nil
}

// packet turns an enhanced, simple or obsolete packet block into a Frame.
func (r *Cursor) packet(start int64, typ uint32, body []byte) (Frame, error) {
	st := &r.st
	var local int
	var ts uint64
	var incl, orig uint32
	var data []byte
	hdr := 20
	switch typ {
	case blockSPB:
		// No interface number and no timestamp: interface 0 of the section,
		// and the previous packet's time so that the timeline stays ordered.
		hdr = 4
		if len(body) < hdr {
			return Frame{}, r.corrupt(start, "simple packet block too short")
		}
		orig = st.order.Uint32(body)
		data = body[hdr:]
		incl = uint32(len(data))
		if orig < incl {
			incl = orig
		}
		if len(st.secIfaces) > 0 {
			if snap := st.ifaces[st.secIfaces[0]].Snaplen; snap != 0 && incl > snap {
				incl = snap
			}
		}
	default:
		if len(body) < hdr {
			return Frame{}, r.corrupt(start, "packet block too short")
		}
		if typ == blockEPB {
			local = int(st.order.Uint32(body))
		} else {
			local = int(st.order.Uint16(body))
		}
		ts = uint64(st.order.Uint32(body[4:]))<<32 | uint64(st.order.Uint32(body[8:]))
		incl = st.order.Uint32(body[12:])
		orig = st.order.Uint32(body[16:])
		data = body[hdr:]
		if uint64(incl) > uint64(len(data)) {
			return Frame{}, r.corrupt(start, fmt.Sprintf("packet block claims %d captured bytes but holds only %d: the file is damaged", incl, len(data)))
		}
	}
	if local < 0 || local >= len(st.secIfaces) {
		return Frame{}, r.corrupt(start, fmt.Sprintf("packet refers to interface %d, which this section does not describe", local))
	}
	g := st.secIfaces[local]
	t := st.lastTime
	if typ != blockSPB {
		t = st.ifTime[g].ns(ts)
		st.lastTime = t
	} else if !r.sawPacket {
		r.guessedTime = true
	}
	r.sawPacket = true
	return Frame{
		Offset:  start + 8 + int64(hdr),
		Time:    t,
		CapLen:  incl,
		OrigLen: orig,
		Iface:   uint16(g),
		Data:    data[:incl],
	}, nil
}
