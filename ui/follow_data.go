package ui

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"sort"
	"strconv"
	"sync"

	"thingsniff/app"
	"thingsniff/decode"
	"thingsniff/decode/stream"
)

// maxLineBytes is where a stream line without a newline is broken, so a
// line on screen is never longer than a window is wide and no giant
// string is ever built, whatever the stream holds.
const maxLineBytes = 128

// hexPerLine is the number of bytes on one hex dump line.
const hexPerLine = 16

// run is a span of a followed stream: bytes of one direction that came
// one after another (in the spool file at off, n bytes), or a mark (a
// gap, a conflict, the end of a direction) that is one line of text.
type run struct {
	dir  stream.Dir
	mark string // a mark's text; "" for bytes
	off  int64  // file offset of the first byte
	n    int64  // bytes in the run
	soff int64  // stream offset of the first byte in its direction
	// starts are the offsets within the run where text lines start (the
	// first is 0). The collector only ever appends to it.
	starts []uint32
}

// textLines is how many text lines the run has.
func (r *run) textLines() int {
	if r.mark != "" {
		return 1
	}
	return len(r.starts)
}

// hexLines is how many hex dump lines the run has.
func (r *run) hexLines() int {
	if r.mark != "" {
		return 1
	}
	return int((r.n + hexPerLine - 1) / hexPerLine)
}

// followSnap is what the collector has so far: runs up to now (the last
// one copied, as the collector goes on growing it) and the counts.
type followSnap struct {
	runs    []run
	counts  stream.Counts
	packets uint64 // the last packet read
	done    bool
	err     error
}

// followData collects one flow's reassembled stream off the UI goroutine
// into a temporary file and an index of runs and line starts. Nothing is
// kept in memory per byte: the view reads the lines it shows back from
// the file.
type followData struct {
	flow decode.Flow
	file *os.File
	w    *bufio.Writer

	mu      sync.Mutex // guards runs' last element, counts, packets
	runs    []run
	counts  stream.Counts
	packets uint64
	size    int64 // bytes written to file
	lineLen int   // bytes in the last text line of the last run

	// stopped is done when the collector has returned.
	stopped   sync.WaitGroup
	closeOnce sync.Once
}

func newFollowData(f decode.Flow) (*followData, error) {
	file, err := os.CreateTemp("", "thingsniff-follow-*")
	if err != nil {
		return nil, fmt.Errorf("follow stream %d: make a temporary file: %w", f.ID, err)
	}
	return &followData{flow: f, file: file, w: bufio.NewWriterSize(file, 256<<10)}, nil
}

// close removes the temporary file.
func (d *followData) close() {
	d.closeOnce.Do(func() {
		d.file.Close()
		os.Remove(d.file.Name())
	})
}

// collect follows the flow of l, calling progress (on the collector's
// goroutine) with a snapshot at most every interval chunks' worth of
// time, as decided by tick, and once at the end.
func (d *followData) collect(ctx context.Context, l *app.Loaded, tick func() bool, progress func(followSnap)) {
	err := app.FollowChunks(ctx, l, d.flow, func(c stream.Chunk) error {
		if err := d.add(c); err != nil {
			return err
		}
		if tick() {
			if err := d.w.Flush(); err != nil {
				return fmt.Errorf("write the followed stream to %s: %w", d.file.Name(), err)
			}
			progress(d.snapshot(false, nil))
		}
		return nil
	})
	if ferr := d.w.Flush(); ferr != nil && err == nil {
		err = fmt.Errorf("write the followed stream to %s: %w", d.file.Name(), ferr)
	}
	progress(d.snapshot(true, err))
}

// add takes one chunk.
func (d *followData) add(c stream.Chunk) error {
	dir := c.Dir & 1
	d.mu.Lock()
	defer d.mu.Unlock()
	d.packets = max(d.packets, c.LastPacket)
	d.counts.Add(c)
	switch {
	case len(c.Data) > 0:
		if _, err := d.w.Write(c.Data); err != nil {
			return fmt.Errorf("write the followed stream to %s: %w", d.file.Name(), err)
		}
		d.addBytes(dir, c.Data, c.Offset)
	case c.Gap > 0:
		why := "missing in the capture"
		switch {
		case c.GivenUp:
			why = "given up (too much out-of-order data buffered)"
		case c.Truncated:
			why = "cut by the capture's snap length"
		}
		d.addMark(dir, fmt.Sprintf("[%s bytes %s at offset %d]", decode.Thousands(int(c.Gap)), why, c.Offset))
	}
	if c.Conflict {
		d.addMark(dir, fmt.Sprintf("[a retransmission at offset %d had different bytes; the first copy is shown]", c.Offset))
	}
	switch {
	case c.RST:
		d.addMark(dir, "[the "+dir.String()+" reset the connection (RST)]")
	case c.FIN:
		d.addMark(dir, "[the "+dir.String()+" closed its side (FIN)]")
	}
	return nil
}

// addBytes appends data, which the file holds at d.size, extending the
// last run when it is of the same direction.
func (d *followData) addBytes(dir stream.Dir, data []byte, soff int64) {
	var r *run
	if k := len(d.runs) - 1; k >= 0 && d.runs[k].mark == "" && d.runs[k].dir == dir {
		r = &d.runs[k]
	} else {
		d.runs = append(d.runs, run{dir: dir, off: d.size, soff: soff, starts: []uint32{0}})
		r = &d.runs[len(d.runs)-1]
		d.lineLen = 0
	}
	// A new line starts after each newline and after maxLineBytes bytes
	// without one; a newline as the very last byte starts no line yet.
	pos := r.n
	for i, b := range data {
		if d.lineLen == -1 {
			r.starts = append(r.starts, uint32(pos+int64(i)))
			d.lineLen = 0
		}
		d.lineLen++
		if b == '\n' || d.lineLen >= maxLineBytes {
			d.lineLen = -1 // the next byte starts a line
		}
	}
	r.n += int64(len(data))
	d.size += int64(len(data))
}

func (d *followData) addMark(dir stream.Dir, text string) {
	d.runs = append(d.runs, run{dir: dir, mark: text, off: d.size})
	d.lineLen = 0
}

// snapshot copies what the view may read: the runs so far, the last one
// by value. Called with d.mu unlocked.
func (d *followData) snapshot(done bool, err error) followSnap {
	d.mu.Lock()
	defer d.mu.Unlock()
	runs := d.runs[:len(d.runs):len(d.runs)]
	if k := len(runs) - 1; k >= 0 && !done {
		runs = append(runs[:k:k], runs[k])
	}
	return followSnap{runs: runs, counts: d.counts, packets: d.packets, done: done, err: err}
}

// followMode is how the view shows the stream.
type followMode int

const (
	modeASCII followMode = iota
	modeHex
	modeRaw
	modeHTTP
)

func followModes() []string { return []string{"ASCII", "Hex dump", "Raw", "HTTP"} }

// followLines maps list rows to runs for one mode and choice of
// directions: row i is line i-first[k] of runs[order[k]].
type followLines struct {
	runs  []run
	order []int32
	first []int
	total int
	hex   bool
}

func makeFollowLines(runs []run, hex bool, show stream.Show) followLines {
	fl := followLines{runs: runs, hex: hex}
	for k := range runs {
		r := &runs[k]
		if (show == stream.ClientOnly && r.dir != stream.ClientToServer) || (show == stream.ServerOnly && r.dir != stream.ServerToClient) {
			continue
		}
		n := r.textLines()
		if hex {
			n = r.hexLines()
		}
		if n == 0 {
			continue
		}
		fl.order = append(fl.order, int32(k))
		fl.first = append(fl.first, fl.total)
		fl.total += n
	}
	return fl
}

// locate returns the run of row i and the line within it.
func (fl *followLines) locate(i int) (*run, int) {
	k := sort.Search(len(fl.first), func(k int) bool { return fl.first[k] > i }) - 1
	if k < 0 || i >= fl.total {
		return nil, 0
	}
	return &fl.runs[fl.order[k]], i - fl.first[k]
}

// span returns the bytes (offsets within the run) of line j of r.
func (fl *followLines) span(r *run, j int) (int64, int64) {
	if fl.hex {
		from := int64(j) * hexPerLine
		return from, min(from+hexPerLine, r.n)
	}
	from := int64(r.starts[j])
	to := r.n
	if j+1 < len(r.starts) {
		to = int64(r.starts[j+1])
	}
	return from, to
}

// lineText formats row i, reading its bytes from f into buf.
func (fl *followLines) lineText(f io.ReaderAt, i int, mode followMode, buf []byte) (string, stream.Dir, bool) {
	r, j := fl.locate(i)
	if r == nil {
		return "", 0, false
	}
	if r.mark != "" {
		return r.mark, r.dir, true
	}
	from, to := fl.span(r, j)
	b := buf[:to-from]
	if _, err := f.ReadAt(b, r.off+from); err != nil && err != io.EOF {
		return "[cannot read the stream back: " + err.Error() + "]", r.dir, true
	}
	switch mode {
	case modeHex:
		return hexLine(r.soff+from, b), r.dir, false
	case modeRaw:
		return escapeLine(b), r.dir, false
	}
	return asciiLine(b), r.dir, false
}

// asciiLine shows b as text: the line break dropped, other bytes that
// are not printable ASCII as '.', as tshark's ASCII mode does.
func asciiLine(b []byte) string {
	b = trimEOL(b)
	out := make([]byte, len(b))
	for i, c := range b {
		switch {
		case c == '\t':
			out[i] = ' '
		case c < ' ' || c >= 0x7f:
			out[i] = '.'
		default:
			out[i] = c
		}
	}
	return string(out)
}

func trimEOL(b []byte) []byte {
	if n := len(b); n > 0 && b[n-1] == '\n' {
		b = b[:n-1]
		if n := len(b); n > 0 && b[n-1] == '\r' {
			b = b[:n-1]
		}
	}
	return b
}

// escapeLine shows b exactly, as Go escapes it: printable ASCII as is,
// everything else as \r, \n, \t or \xNN.
func escapeLine(b []byte) string {
	out := make([]byte, 0, len(b)+8)
	for _, c := range b {
		switch {
		case c == '\\':
			out = append(out, '\\', '\\')
		case c == '\r':
			out = append(out, '\\', 'r')
		case c == '\n':
			out = append(out, '\\', 'n')
		case c == '\t':
			out = append(out, '\\', 't')
		case c < ' ' || c >= 0x7f:
			out = append(out, '\\', 'x', hexDigit(c>>4), hexDigit(c&15))
		default:
			out = append(out, c)
		}
	}
	return string(out)
}

func hexDigit(b byte) byte { return "0123456789abcdef"[b&15] }

// hexLine formats one hex dump line: offset, 16 bytes in hex, as text.
func hexLine(off int64, b []byte) string {
	out := make([]byte, 0, 80)
	o := strconv.FormatInt(off, 16)
	for range 8 - len(o) {
		out = append(out, '0')
	}
	out = append(out, o...)
	out = append(out, ' ', ' ')
	for i := range hexPerLine {
		if i == 8 {
			out = append(out, ' ')
		}
		if i < len(b) {
			out = append(out, hexDigit(b[i]>>4), hexDigit(b[i]&15), ' ')
		} else {
			out = append(out, ' ', ' ', ' ')
		}
	}
	out = append(out, ' ')
	for _, c := range b {
		if c < ' ' || c >= 0x7f {
			c = '.'
		}
		out = append(out, c)
	}
	return string(out)
}
