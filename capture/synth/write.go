package synth

import (
	"bufio"
	"fmt"
	"io"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"
)

// Formats accepted by Options.Format.
const (
	FormatPcapng = "pcapng"
	FormatPcap   = "pcap"
)

// snapLen is the snapshot length declared in file headers; generated frames
// are never longer, so every packet is captured whole.
const snapLen = 65535

// packetWriter is the part of pcapgo's writers that the generators use.
type packetWriter interface {
	WritePacket(ci gopacket.CaptureInfo, data []byte) error
	Flush() error
}

// pcapWriter buffers pcapgo.Writer, which writes straight through.
type pcapWriter struct {
	*pcapgo.Writer
	buf *bufio.Writer
}

// Flush writes out what the buffer holds.
func (p pcapWriter) Flush() error { return p.buf.Flush() }

// newWriter starts a capture file of the given format on w, with fixed
// header options so that the bytes do not depend on the machine.
func newWriter(w io.Writer, format string) (packetWriter, error) {
	return newWriterSnap(w, format, snapLen)
}

// newWriterSnap is newWriter with the snapshot length the header declares.
func newWriterSnap(w io.Writer, format string, snap int) (packetWriter, error) {
	switch format {
	case FormatPcapng, "":
		intf := pcapgo.NgInterface{
			Name:                "eth0",
			Description:         "thingsniff synthetic capture",
			LinkType:            layers.LinkTypeEthernet,
			SnapLength:          uint32(snap),
			TimestampResolution: 9,
		}
		opts := pcapgo.NgWriterOptions{SectionInfo: pcapgo.NgSectionInfo{Application: "thingsniff synth"}}
		ng, err := pcapgo.NewNgWriterInterface(w, intf, opts)
		if err != nil {
			return nil, fmt.Errorf("write pcapng header: %w", err)
		}
		return ng, nil
	case FormatPcap:
		buf := bufio.NewWriterSize(w, 1<<16)
		pw := pcapgo.NewWriterNanos(buf)
		if err := pw.WriteFileHeader(uint32(snap), layers.LinkTypeEthernet); err != nil {
			return nil, fmt.Errorf("write pcap header: %w", err)
		}
		return pcapWriter{Writer: pw, buf: buf}, nil
	default:
		return nil, fmt.Errorf("unknown capture format %q: use %q or %q", format, FormatPcapng, FormatPcap)
	}
}
