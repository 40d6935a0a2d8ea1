package stream

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
)

// Format is a follow output format.
type Format int

const (
	// ASCII writes each chunk as its length line and its bytes with
	// non-printable bytes (except CR and LF) as '.', like tshark's
	// "follow,tcp,ascii".
	ASCII Format = iota
	// Hex writes a hex dump per chunk: offset in its direction, 16 bytes in
	// hex and as ASCII, like tshark's "follow,tcp,hex".
	Hex
	// Raw writes the exact bytes, without gaps or markers.
	Raw
	// HexRaw writes each chunk as one line of hex digits, like tshark's
	// "follow,tcp,raw".
	HexRaw
)

// ParseFormat reads a format name: ascii, hex, raw or hexraw.
func ParseFormat(s string) (Format, error) {
	switch s {
	case "ascii":
		return ASCII, nil
	case "hex":
		return Hex, nil
	case "raw":
		return Raw, nil
	case "hexraw":
		return HexRaw, nil
	}
	return 0, fmt.Errorf("parse follow format %q: want ascii, hex, raw or hexraw", s)
}

// Show selects the directions a Printer writes.
type Show int

const (
	// Both writes both directions; server chunks are indented by a tab
	// in the text formats.
	Both Show = iota
	// ClientOnly writes only ClientToServer chunks.
	ClientOnly
	// ServerOnly writes only ServerToClient chunks.
	ServerOnly
)

// ParseShow reads a direction name: both, client or server.
func ParseShow(s string) (Show, error) {
	switch s {
	case "both":
		return Both, nil
	case "client":
		return ClientOnly, nil
	case "server":
		return ServerOnly, nil
	}
	return 0, fmt.Errorf("parse follow direction %q: want both, client or server", s)
}

func (s Show) includes(d Dir) bool {
	return s == Both || (s == ClientOnly && d == ClientToServer) || (s == ServerOnly && d == ServerToClient)
}

// Counts sums a followed stream per direction (indexed by Dir), over every
// chunk whatever is shown.
type Counts struct {
	Bytes     [2]int64
	Chunks    [2]int
	Gaps      [2]int
	GapBytes  [2]int64
	Conflicts [2]int
}

// Add counts one chunk in its direction: its bytes, or the gap it marks,
// and whether it conflicted. The printer and the window's follow view
// count alike with it.
func (n *Counts) Add(c Chunk) {
	d := c.Dir & 1
	switch {
	case c.Data != nil:
		n.Bytes[d] += int64(len(c.Data))
		n.Chunks[d]++
	case c.Gap > 0:
		n.Gaps[d]++
		n.GapBytes[d] += c.Gap
	}
	if c.Conflict {
		n.Conflicts[d]++
	}
}

// GapMarker is the text tshark writes in place of bytes missing from the
// capture; the text formats write it for gap chunks.
func GapMarker(n int64) string {
	return "[" + strconv.FormatInt(n, 10) + " bytes missing in capture file]"
}

// Printer writes chunks in one format as they come, through a buffer, so
// a stream of any size is written in constant memory. Its Write method is
// an Emit.
type Printer struct {
	w      *bufio.Writer
	format Format
	show   Show
	pos    [2]int64
	counts Counts
	line   [96]byte
	batch  []byte
}

// NewPrinter returns a printer writing to w. Call Flush at the end.
func NewPrinter(w io.Writer, f Format, show Show) *Printer {
	return &Printer{w: bufio.NewWriterSize(w, 64<<10), format: f, show: show, batch: make([]byte, 0, 8<<10)}
}

// Counts returns the per-direction sums so far.
func (p *Printer) Counts() Counts { return p.counts }

// Flush writes out what is buffered.
func (p *Printer) Flush() error {
	if err := p.w.Flush(); err != nil {
		return fmt.Errorf("write followed stream: %w", err)
	}
	return nil
}

// Write formats one chunk.
func (p *Printer) Write(c Chunk) error {
	d := c.Dir & 1
	p.counts.Add(c)
	if !p.show.includes(d) {
		return nil
	}
	data := c.Data
	if data == nil {
		if c.Gap <= 0 || p.format == Raw {
			return nil
		}
		// tshark writes the marker and its terminating NUL as data.
		data = append([]byte(GapMarker(c.Gap)), 0)
	}
	indent := p.show == Both && d == ServerToClient
	switch p.format {
	case Raw:
		p.w.Write(data)
	case HexRaw:
		if indent {
			p.w.WriteByte('\t')
		}
		p.writeHexRaw(data)
	case ASCII:
		if indent {
			p.w.WriteByte('\t')
		}
		b := strconv.AppendInt(p.line[:0], int64(len(data)), 10)
		p.w.Write(append(b, '\n'))
		p.writeASCII(data)
	case Hex:
		p.writeHex(data, indent, p.pos[d])
	}
	p.pos[d] += int64(len(data))
	if _, err := p.w.Write(nil); err != nil {
		return fmt.Errorf("write followed stream: %w", err) // bufio keeps the first error
	}
	return nil
}

const hexDigits = "0123456789abcdef"

func (p *Printer) writeHexRaw(data []byte) {
	for len(data) > 0 {
		n := min(len(data), len(p.line)/2)
		for i, b := range data[:n] {
			p.line[2*i], p.line[2*i+1] = hexDigits[b>>4], hexDigits[b&15]
		}
		p.w.Write(p.line[:2*n])
		data = data[n:]
	}
	p.w.WriteByte('\n')
}

func (p *Printer) writeASCII(data []byte) {
	for len(data) > 0 {
		n := min(len(data), len(p.line))
		for i, b := range data[:n] {
			if (b < ' ' || b >= 0x7f) && b != '\r' && b != '\n' {
				b = '.'
			}
			p.line[i] = b
		}
		p.w.Write(p.line[:n])
		data = data[n:]
	}
	p.w.WriteByte('\n')
}

// writeHex writes tshark's hex dump lines: "%08X", two spaces, 16 hex
// bytes with an extra space after the eighth, two spaces, the ASCII column
// with a space after the eighth byte, trailing space trimmed. Lines are
// built in a batch buffer, which keeps the writer at several hundred MB/s.
func (p *Printer) writeHex(data []byte, indent bool, off int64) {
	const lineMax = 1 + 8 + 2 + 50 + 17 + 1
	out := p.batch[:0]
	for i := 0; i < len(data); i += 16 {
		row := data[i:min(i+16, len(data))]
		if len(out)+lineMax > cap(out) {
			p.w.Write(out)
			out = out[:0]
		}
		start := len(out)
		if indent {
			out = append(out, '\t')
		}
		o := uint32(off + int64(i))
		out = append(out,
			upperHex[o>>28&15], upperHex[o>>24&15], upperHex[o>>20&15], upperHex[o>>16&15],
			upperHex[o>>12&15], upperHex[o>>8&15], upperHex[o>>4&15], upperHex[o&15], ' ', ' ')
		hexAt := len(out)
		out = append(out, blankHex...)
		j := hexAt
		for k, b := range row {
			out[j], out[j+1] = hexDigits[b>>4], hexDigits[b&15]
			j += 3
			if k == 7 {
				j++
			}
		}
		for k, b := range row {
			if b < ' ' || b >= 0x7f {
				b = '.'
			}
			out = append(out, b)
			if k == 7 {
				out = append(out, ' ')
			}
		}
		if out[len(out)-1] == ' ' && len(out) > start {
			out = out[:len(out)-1]
		}
		out = append(out, '\n')
	}
	p.w.Write(out)
	p.batch = out[:0]
}

const upperHex = "0123456789ABCDEF"

// blankHex is the hex area of a line: 16 bytes of "xx ", one extra space
// after the eighth, one more before the ASCII column.
const blankHex = "                                                  "
