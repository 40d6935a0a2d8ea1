package stream

import (
	"io"
	"testing"
)

// benchSegments makes n full-size segments of one direction, with every
// other pair swapped when ooo is set.
func benchSegments(n int, ooo bool) []Segment {
	const mss = 1448
	payload := make([]byte, mss)
	for i := range payload {
		payload[i] = byte(' ' + i%90)
	}
	segs := make([]Segment, n)
	for i := range segs {
		segs[i] = Segment{Seq: 1 + uint32(i*mss), Flags: ACK, Payload: payload, Packet: uint64(i + 2)}
	}
	if ooo {
		for i := 0; i+1 < n; i += 2 {
			segs[i], segs[i+1] = segs[i+1], segs[i]
		}
	}
	return segs
}

func benchReassemble(b *testing.B, ooo bool) {
	segs := benchSegments(4096, ooo)
	var total int64
	for _, s := range segs {
		total += int64(len(s.Payload))
	}
	b.SetBytes(total)
	b.ReportAllocs()
	for b.Loop() {
		r := NewReassembler(Config{}, func(Chunk) error { return nil })
		r.Add(Segment{Seq: 0, Flags: SYN})
		for _, s := range segs {
			r.Add(s)
		}
		r.Close()
	}
}

// BenchmarkReassemblerInOrder measures bytes per second through the
// reassembler when nothing needs buffering.
func BenchmarkReassemblerInOrder(b *testing.B) { benchReassemble(b, false) }

// BenchmarkReassemblerOutOfOrder swaps every other pair of segments, so
// half the bytes are buffered and copied.
func BenchmarkReassemblerOutOfOrder(b *testing.B) { benchReassemble(b, true) }

func benchPrinter(b *testing.B, f Format) {
	data := benchSegments(1, false)[0].Payload
	chunks := 1024
	b.SetBytes(int64(len(data) * chunks))
	b.ReportAllocs()
	for b.Loop() {
		p := NewPrinter(io.Discard, f, Both)
		for i := range chunks {
			p.Write(Chunk{Dir: Dir(i & 1), Data: data})
		}
		p.Flush()
	}
}

// BenchmarkPrinterASCII measures the ASCII writer in input bytes per second.
func BenchmarkPrinterASCII(b *testing.B) { benchPrinter(b, ASCII) }

// BenchmarkPrinterHex measures the hex dump writer.
func BenchmarkPrinterHex(b *testing.B) { benchPrinter(b, Hex) }

// BenchmarkPrinterRaw measures the raw writer.
func BenchmarkPrinterRaw(b *testing.B) { benchPrinter(b, Raw) }
