package capture

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"io"

	"github.com/gopacket/gopacket/layers"
)

// PcapngWriter writes one pcapng section: a section header, an interface
// description per interface (nanosecond timestamps), then enhanced packet
// blocks. Output is buffered; call Flush.
type PcapngWriter struct {
	w      *bufio.Writer
	out    countingWriter
	ifaces int
	hdr    [28]byte
	// ends holds where each packet still in the buffer ends in the
	// output, so that Delivered can tell which reached it; delivered
	// counts those that did.
	ends      []int64
	delivered uint64
	lastEnd   int64
	headerEnd int64 // where the section and interface blocks end
}

// countingWriter counts the bytes its writer took, even from a write that
// failed part way.
type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// NewPcapngWriter writes the section header and one interface description
// block per entry of ifaces; WritePacket's iface indexes ifaces.
func NewPcapngWriter(w io.Writer, ifaces []Interface) (*PcapngWriter, error) {
	pw := &PcapngWriter{ifaces: len(ifaces)}
	pw.out.w = w
	pw.w = bufio.NewWriterSize(&pw.out, 256<<10)
	var shb [28]byte
	binary.LittleEndian.PutUint32(shb[0:], blockSHB)
	binary.LittleEndian.PutUint32(shb[4:], 28)
	binary.LittleEndian.PutUint32(shb[8:], bomMagic)
	binary.LittleEndian.PutUint16(shb[12:], 1)
	binary.LittleEndian.PutUint16(shb[14:], 0)
	binary.LittleEndian.PutUint64(shb[16:], ^uint64(0)) // section length unknown
	binary.LittleEndian.PutUint32(shb[24:], 28)
	pw.w.Write(shb[:])
	for _, ifc := range ifaces {
		pw.writeIDB(ifc)
	}
	if _, err := pw.w.Write(nil); err != nil {
		return nil, fmt.Errorf("write pcapng header: %w", err)
	}
	pw.headerEnd = pw.out.n + int64(pw.w.Buffered())
	return pw, nil
}

func (pw *PcapngWriter) writeIDB(ifc Interface) {
	name := ifc.Name
	if len(name) > 0xfff0 {
		name = name[:0xfff0]
	}
	opts := 8 // if_tsresol option (4 + 1 padded to 4) ...
	if name != "" {
		opts += 4 + pad4(len(name))
	}
	if ifc.FCSLen != 0 {
		opts += 8
	}
	opts += 4 // ... and opt_endofopt
	length := 20 + opts
	var b [24]byte
	binary.LittleEndian.PutUint32(b[0:], blockIDB)
	binary.LittleEndian.PutUint32(b[4:], uint32(length))
	binary.LittleEndian.PutUint16(b[8:], uint16(ifc.LinkType))
	binary.LittleEndian.PutUint32(b[12:], ifc.Snaplen)
	pw.w.Write(b[:16])
	if name != "" {
		binary.LittleEndian.PutUint16(b[0:], optIfName)
		binary.LittleEndian.PutUint16(b[2:], uint16(len(name)))
		pw.w.Write(b[:4])
		pw.w.WriteString(name)
		pw.w.Write(make([]byte, pad4(len(name))-len(name)))
	}
	clear(b[:])
	if ifc.FCSLen != 0 {
		binary.LittleEndian.PutUint16(b[0:], optFCSLen)
		binary.LittleEndian.PutUint16(b[2:], 1)
		b[4] = ifc.FCSLen
		pw.w.Write(b[:8])
		clear(b[:])
	}
	binary.LittleEndian.PutUint16(b[0:], optTSResol)
	binary.LittleEndian.PutUint16(b[2:], 1)
	b[4] = 9 // nanoseconds
	// b[8:12] is opt_endofopt, then the trailing block length.
	binary.LittleEndian.PutUint32(b[12:], uint32(length))
	pw.w.Write(b[:16])
}

func pad4(n int) int { return (n + 3) &^ 3 }

// WritePacket writes one enhanced packet block. timeNs is Unix
// nanoseconds; origLen below len(data) is raised to len(data).
func (pw *PcapngWriter) WritePacket(iface uint16, timeNs int64, data []byte, origLen uint32) error {
	if int(iface) >= pw.ifaces {
		return fmt.Errorf("write packet: interface %d not described (have %d)", iface, pw.ifaces)
	}
	if len(data) > maxRecord-64 {
		return fmt.Errorf("write packet: %d bytes is more than a pcapng block may hold here", len(data))
	}
	n := len(data)
	padded := pad4(n)
	length := 32 + padded
	ts := uint64(max(timeNs, 0))
	h := pw.hdr[:]
	binary.LittleEndian.PutUint32(h[0:], blockEPB)
	binary.LittleEndian.PutUint32(h[4:], uint32(length))
	binary.LittleEndian.PutUint32(h[8:], uint32(iface))
	binary.LittleEndian.PutUint32(h[12:], uint32(ts>>32))
	binary.LittleEndian.PutUint32(h[16:], uint32(ts))
	binary.LittleEndian.PutUint32(h[20:], uint32(n))
	binary.LittleEndian.PutUint32(h[24:], max(origLen, uint32(n)))
	pw.w.Write(h)
	pw.w.Write(data)
	var tail [8]byte // up to 3 bytes of padding, then the trailing length
	binary.LittleEndian.PutUint32(tail[padded-n:], uint32(length))
	if _, err := pw.w.Write(tail[:padded-n+4]); err != nil {
		return fmt.Errorf("write packet: %w", err)
	}
	// Everything handed over so far is in the output or in the buffer.
	pw.ends = append(pw.ends, pw.out.n+int64(pw.w.Buffered()))
	return nil
}

// Flush pushes buffered blocks to the underlying writer.
func (pw *PcapngWriter) Flush() error {
	if err := pw.w.Flush(); err != nil {
		return fmt.Errorf("flush pcapng: %w", err)
	}
	return nil
}

// Delivered reports how many packets have reached the underlying writer
// whole, and where the last of them ends there: after a failed write,
// what the output holds (a full disk takes part of a buffer).
func (pw *PcapngWriter) Delivered() (packets uint64, end int64) {
	if pw.lastEnd == 0 && pw.out.n >= pw.headerEnd {
		pw.lastEnd = pw.headerEnd
	}
	k := 0
	for k < len(pw.ends) && pw.ends[k] <= pw.out.n {
		pw.lastEnd = pw.ends[k]
		k++
	}
	pw.delivered += uint64(k)
	pw.ends = append(pw.ends[:0], pw.ends[k:]...)
	return pw.delivered, pw.lastEnd
}

// PcapWriter writes classic pcap with nanosecond timestamps, little-endian,
// for a single link type. Output is buffered; call Flush.
type PcapWriter struct {
	w       *bufio.Writer
	snaplen uint32
	hdr     [16]byte
}

// NewPcapWriter writes the pcap file header. Packets longer than snaplen
// (262144 when 0) are cut to it, as a capture with that snaplen would be.
func NewPcapWriter(w io.Writer, link layers.LinkType, snaplen uint32) (*PcapWriter, error) {
	if snaplen == 0 {
		snaplen = maxPacket
	}
	pw := &PcapWriter{w: bufio.NewWriterSize(w, 256<<10), snaplen: snaplen}
	var h [24]byte
	binary.LittleEndian.PutUint32(h[0:], magicNano)
	binary.LittleEndian.PutUint16(h[4:], 2)
	binary.LittleEndian.PutUint16(h[6:], 4)
	binary.LittleEndian.PutUint32(h[16:], snaplen)
	binary.LittleEndian.PutUint32(h[20:], uint32(link))
	if _, err := pw.w.Write(h[:]); err != nil {
		return nil, fmt.Errorf("write pcap header: %w", err)
	}
	return pw, nil
}

// WritePacket writes one record. timeNs is Unix nanoseconds (times before
// 1970 are written as 1970); origLen below len(data) is raised to it, and
// data beyond the snaplen is cut off.
func (pw *PcapWriter) WritePacket(timeNs int64, data []byte, origLen uint32) error {
	origLen = max(origLen, uint32(len(data)))
	if uint32(len(data)) > pw.snaplen {
		data = data[:pw.snaplen]
	}
	t := max(timeNs, 0)
	sec := t / 1e9
	if sec > 0xffffffff {
		return fmt.Errorf("write packet: time %d is past what pcap can hold (year 2106)", timeNs)
	}
	h := pw.hdr[:]
	binary.LittleEndian.PutUint32(h[0:], uint32(sec))
	binary.LittleEndian.PutUint32(h[4:], uint32(t%1e9))
	binary.LittleEndian.PutUint32(h[8:], uint32(len(data)))
	binary.LittleEndian.PutUint32(h[12:], origLen)
	pw.w.Write(h)
	if _, err := pw.w.Write(data); err != nil {
		return fmt.Errorf("write packet: %w", err)
	}
	return nil
}

// Flush pushes buffered records to the underlying writer.
func (pw *PcapWriter) Flush() error {
	if err := pw.w.Flush(); err != nil {
		return fmt.Errorf("flush pcap: %w", err)
	}
	return nil
}
