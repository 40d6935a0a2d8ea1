package capture

import (
	"encoding/binary"
	"fmt"
	"io"

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

func (c *Capture) startPcap(order binary.ByteOrder, nano, kuz bool) error {
	h, err := c.br.Peek(24)
	if len(h) < 24 {
		if err != nil && err != io.EOF && err != io.ErrUnexpectedEOF {
			return fmt.Errorf("open capture %q: read pcap file header: %w", c.name, err)
		}
		return fmt.Errorf("open capture %q: the pcap file header is cut short (%d of 24 bytes)", c.name, len(h))
	}
	c.order = order
	snaplen := order.Uint32(h[16:])
	// The upper bits of the link type field carry FCS information
	// (LT_FCS_DATAWITHFCS); the link type proper is in the low 16 bits.
	c.linkType = order.Uint32(h[20:])
	c.recHdr = 16
	c.fracMul = 1000
	unit, endian := "microseconds", "little-endian"
	if order == binary.BigEndian {
		endian = "big-endian"
	}
	if nano {
		c.fracMul = 1
		unit = "nanoseconds"
	}
	if kuz {
		c.recHdr = 24
		unit += ", Kuznetzov"
	}
	c.maxCap = maxPacket
	if snaplen > c.maxCap {
		c.maxCap = min(snaplen, maxRecord)
	}
	ifc := Interface{LinkType: layers.LinkType(c.linkType & 0xffff), Snaplen: snaplen}
	if c.linkType&0x04000000 != 0 { // LT_FCS_LENGTH_PRESENT: length in 16-bit words in bits 28-31
		ifc.FCSLen = uint8(c.linkType>>28) * 2
	}
	c.ifaces = []Interface{ifc}
	c.format = fmt.Sprintf("pcap (%s, %s)%s", endian, unit, c.gzipSuffix())
	c.br.Discard(24)
	c.pos = 24
	c.offset.Store(24)
	return nil
}

func (c *Capture) nextPcap() (Frame, error) {
	start := c.pos
	h, err := c.br.Peek(c.recHdr)
	if len(h) == 0 && err == io.EOF {
		return Frame{}, io.EOF
	}
	if err != nil {
		return Frame{}, c.cut(start, len(h), c.recHdr, "record header", err)
	}
	sec := c.order.Uint32(h)
	frac := c.order.Uint32(h[4:])
	incl := c.order.Uint32(h[8:])
	orig := c.order.Uint32(h[12:])
	if incl > c.maxCap {
		return Frame{}, c.corrupt(start, fmt.Sprintf(
			"the record claims %d captured bytes, more than the %d a packet can have: the file is damaged", incl, c.maxCap))
	}
	n := c.recHdr + int(incl)
	b, err := c.take(n)
	if err != nil {
		return Frame{}, c.cut(start, len(b), n, "packet record", err)
	}
	return Frame{
		Offset:  start + int64(c.recHdr),
		Time:    int64(sec)*1e9 + int64(frac)*c.fracMul,
		CapLen:  incl,
		OrigLen: orig,
		Data:    b[c.recHdr:],
	}, nil
}
