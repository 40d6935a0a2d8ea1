package capture

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"

	"github.com/gopacket/gopacket/layers"
)

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

// startPcapng reads the first section header, so that Open fails on a file
// that only looks like pcapng.
func (c *Capture) startPcapng() error {
	start := c.pos
	typ, body, err := c.block()
	if err == io.EOF {
		err = c.corrupt(start, "the pcapng section header is missing")
	}
	if err == nil {
		err = c.handle(start, typ, body)
	}
	var te *TruncatedError
	if errors.As(err, &te) {
		return fmt.Errorf("open capture %q: %s", c.name, te.Reason)
	}
	if err != nil {
		return fmt.Errorf("open capture %q: %w", c.name, err)
	}
	c.format = "pcapng" + c.gzipSuffix()
	c.offset.Store(c.pos)
	return nil
}

// nextBlock reads blocks until one holds a packet.
func (c *Capture) nextBlock() (Frame, error) {
	for {
		start := c.pos
		typ, body, err := c.block()
		if err != nil {
			return Frame{}, err
		}
		switch typ {
		case blockEPB, blockPB, blockSPB:
			return c.packet(start, typ, body)
		}
		if err := c.handle(start, typ, body); err != nil {
			return Frame{}, err
		}
	}
}

// block reads one block and returns its type and body (without the type,
// length and trailing length). io.EOF means a clean end between blocks.
func (c *Capture) block() (uint32, []byte, error) {
	start := c.pos
	h, err := c.br.Peek(8)
	if len(h) == 0 && err == io.EOF {
		return 0, nil, io.EOF
	}
	if err != nil {
		return 0, nil, c.cut(start, len(h), 8, "block header", err)
	}
	if binary.LittleEndian.Uint32(h) == blockSHB {
		// A new section may switch byte order; its magic says which.
		h, err = c.br.Peek(12)
		if err != nil {
			return 0, nil, c.cut(start, len(h), 12, "section header", err)
		}
		if c.order, err = sectionOrder(h); err != nil {
			return 0, nil, c.corrupt(start, err.Error())
		}
	}
	if c.order == nil {
		return 0, nil, c.corrupt(start, "the file does not begin with a pcapng section header")
	}
	typ := c.order.Uint32(h)
	length := c.order.Uint32(h[4:])
	if length < 12 || length%4 != 0 || length > maxRecord {
		return 0, nil, c.corrupt(start, fmt.Sprintf("block of type 0x%x claims an impossible length %d: the file is damaged", typ, length))
	}
	b, err := c.take(int(length))
	if err != nil {
		return 0, nil, c.cut(start, len(b), int(length), fmt.Sprintf("block of type 0x%x", typ), err)
	}
	if trail := c.order.Uint32(b[length-4:]); trail != length {
		return 0, nil, c.corrupt(start, fmt.Sprintf("block of type 0x%x has length %d at its start but %d at its end: the file is damaged", typ, length, trail))
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
// headers change the reader's state, anything else (name resolution,
// statistics, comments, decryption secrets, custom blocks) is skipped.
func (c *Capture) handle(start int64, typ uint32, body []byte) error {
	switch typ {
	case blockSHB:
		if len(body) < 16 {
			return c.corrupt(start, "section header block too short")
		}
		if major := c.order.Uint16(body[4:]); major != 1 {
			return c.corrupt(start, fmt.Sprintf("pcapng version %d.%d is not supported", major, c.order.Uint16(body[6:])))
		}
		c.secIfaces = c.secIfaces[:0]
	case blockIDB:
		return c.addInterface(start, body)
	}
	return nil
}

func (c *Capture) addInterface(start int64, body []byte) error {
	if len(body) < 8 {
		return c.corrupt(start, "interface description block too short")
	}
	ifc := Interface{
		LinkType: layers.LinkType(c.order.Uint16(body)),
		Snaplen:  c.order.Uint32(body[4:]),
	}
	conv := tsConv{mul: 1000} // microseconds unless if_tsresol says otherwise
	opts := body[8:]
	for len(opts) >= 4 {
		code, n := c.order.Uint16(opts), int(c.order.Uint16(opts[2:]))
		opts = opts[4:]
		if code == optEnd || n > len(opts) {
			break
		}
		v := opts[:n]
		switch {
		case code == optIfName:
			ifc.Name = string(v)
		case code == optTSResol && n >= 1:
			conv = resolution(v[0])
		case code == optFCSLen && n >= 1:
			ifc.FCSLen = v[0]
		case code == optTSOffset && n >= 8:
			conv.offset = int64(c.order.Uint64(v))
		}
		opts = opts[min((n+3)&^3, len(opts)):]
	}
	if len(c.ifaces) >= 1<<16 {
		return c.corrupt(start, "more than 65536 interfaces")
	}
	c.secIfaces = append(c.secIfaces, len(c.ifaces))
	c.ifaces = append(c.ifaces, ifc)
	c.ifTime = append(c.ifTime, conv)
	return nil
}

// packet turns an enhanced, simple or obsolete packet block into a Frame.
func (c *Capture) packet(start int64, typ uint32, body []byte) (Frame, error) {
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
			return Frame{}, c.corrupt(start, "simple packet block too short")
		}
		orig = c.order.Uint32(body)
		data = body[hdr:]
		incl = uint32(len(data))
		if orig < incl {
			incl = orig
		}
		if len(c.secIfaces) > 0 {
			if snap := c.ifaces[c.secIfaces[0]].Snaplen; snap != 0 && incl > snap {
				incl = snap
			}
		}
	default:
		if len(body) < hdr {
			return Frame{}, c.corrupt(start, "packet block too short")
		}
		if typ == blockEPB {
			local = int(c.order.Uint32(body))
		} else {
			local = int(c.order.Uint16(body))
		}
		ts = uint64(c.order.Uint32(body[4:]))<<32 | uint64(c.order.Uint32(body[8:]))
		incl = c.order.Uint32(body[12:])
		orig = c.order.Uint32(body[16:])
		data = body[hdr:]
		if uint64(incl) > uint64(len(data)) {
			return Frame{}, c.corrupt(start, fmt.Sprintf("packet block claims %d captured bytes but holds only %d: the file is damaged", incl, len(data)))
		}
	}
	if local < 0 || local >= len(c.secIfaces) {
		return Frame{}, c.corrupt(start, fmt.Sprintf("packet refers to interface %d, which this section does not describe", local))
	}
	g := c.secIfaces[local]
	t := c.lastTime
	if typ != blockSPB {
		t = c.ifTime[g].ns(ts)
		c.lastTime = t
	}
	return Frame{
		Offset:  start + 8 + int64(hdr),
		Time:    t,
		CapLen:  incl,
		OrigLen: orig,
		Iface:   uint16(g),
		Data:    data[:incl],
	}, nil
}
