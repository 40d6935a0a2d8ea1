package stream

import (
	"encoding/binary"
	"testing"
)

// FuzzReassembler feeds random segments of one flow: it must never panic,
// stay within its caps, tile each direction's offsets and free everything
// on Close.
func FuzzReassembler(f *testing.F) {
	f.Add([]byte("\x01\x00\x00\x00\x05hello\x00\x00\x10\x00\x03abc\x80\x00\x02\x00\x00"))
	f.Add([]byte{0x03, 0xff, 0xff, 0x00, 0x10, 0x00, 0x02, 0xff, 0x00, 0x02, 1, 2})
	f.Fuzz(func(t *testing.T, in []byte) {
		cfg := Config{MaxBuffered: 2048, MaxFragments: 16, History: 1024, Budget: NewBudget(3000)}
		var next [2]int64
		var tiled = true
		r := NewReassembler(cfg, func(c Chunk) error {
			if c.Data == nil && c.Gap == 0 {
				return nil
			}
			if c.Offset != next[c.Dir] || c.Len() <= 0 {
				tiled = false
			}
			next[c.Dir] = c.Offset + c.Len()
			return nil
		})
		seq := [2]uint32{0xfffff000, 1000}
		payload := make([]byte, 256)
		for pkt := uint64(1); len(in) >= 5; pkt++ {
			op := in[0]
			d := Dir(op & 1)
			delta := int16(binary.BigEndian.Uint16(in[1:3]))
			n := int(in[3])
			ackDelta := int8(in[4])
			in = in[5:]
			n = min(n, len(in))
			copy(payload, in[:n])
			in = in[n:]
			s := Segment{Dir: d, Seq: seq[d] + uint32(int32(delta)), Ack: seq[1-d] + uint32(int32(ackDelta)),
				Flags: Flags(op>>1) & (SYN | FIN | RST | ACK), Payload: payload[:n], Packet: pkt}
			if op&0x40 != 0 {
				s.WireLen = n + 7
			}
			if op&0x80 != 0 {
				seq[d] += uint32(n) // the sender moves on
			}
			if err := r.Add(s); err != nil {
				t.Fatal(err)
			}
			if r.Buffered() > cfg.MaxBuffered || cfg.Budget.Used() > cfg.Budget.Limit() {
				t.Fatalf("buffered %d (budget %d) over the caps", r.Buffered(), cfg.Budget.Used())
			}
		}
		if err := r.Close(); err != nil {
			t.Fatal(err)
		}
		if !tiled {
			t.Error("chunks do not tile the stream")
		}
		if r.Buffered() != 0 || cfg.Budget.Used() != 0 {
			t.Errorf("after Close: buffered %d, budget %d", r.Buffered(), cfg.Budget.Used())
		}
	})
}

// FuzzSkippedSegments feeds the same random segments twice, the second
// time with some payloads left out (Segment.Skip): the chunks must be the
// same, in the same order, at the same offsets and packets, a skipped
// segment's bytes standing as a gap where the first run has data.
func FuzzSkippedSegments(f *testing.F) {
	f.Add([]byte("\x21\x00\x00\x05\x00\x01\x00\x10\x03\x00\xa1\x00\x00\x08\x00\x81\x00\x00\x04\x00"))
	f.Add([]byte{0xa3, 0x00, 0x00, 0x10, 0x00, 0x81, 0x00, 0x20, 0x10, 0x00, 0xa0, 0xff, 0xf0, 0x10, 0x10})
	f.Fuzz(func(t *testing.T, in []byte) {
		type chunk struct {
			dir                  Dir
			off, n               int64
			first, last          uint64
			data                 string
			gap, fin, rst, confl bool
		}
		run := func(skip bool) []chunk {
			var out []chunk
			r := NewReassembler(Config{MaxBuffered: 1 << 20, MaxFragments: 1 << 12, History: 1 << 12}, func(c Chunk) error {
				out = append(out, chunk{c.Dir, c.Offset, c.Len(), c.FirstPacket, c.LastPacket, string(c.Data), c.Data == nil && c.Gap > 0, c.FIN, c.RST, c.Conflict})
				return nil
			})
			seq := [2]uint32{0xfffff000, 1000}
			rest := in
			for pkt := uint64(1); len(rest) >= 4; pkt++ {
				op := rest[0]
				d := Dir(op & 1)
				delta := int16(binary.BigEndian.Uint16(rest[1:3]))
				n := int(rest[3] % 64)
				rest = rest[4:]
				start := seq[d] + uint32(int32(delta))
				// The same sequence number always carries the same byte, so
				// that only skipping can make the runs differ.
				payload := make([]byte, n)
				for i := range payload {
					payload[i] = byte(start + uint32(i))
				}
				s := Segment{Dir: d, Seq: start, Ack: seq[1-d], Flags: Flags(op>>1) & (FIN | RST | ACK), Payload: payload, Packet: pkt}
				if skip && op&0x20 != 0 && n > 0 {
					s.Payload, s.Skip = nil, n
				}
				if op&0x80 != 0 {
					seq[d] += uint32(n)
				}
				if err := r.Add(s); err != nil {
					t.Fatal(err)
				}
			}
			if err := r.Close(); err != nil {
				t.Fatal(err)
			}
			return out
		}
		whole, skipped := run(false), run(true)
		if len(whole) != len(skipped) {
			t.Fatalf("%d chunks whole, %d with skips:\n%+v\n%+v", len(whole), len(skipped), whole, skipped)
		}
		for i, w := range whole {
			s := skipped[i]
			if s.gap && !w.gap {
				w.data, w.gap = "", true // a skipped segment's place
			}
			if w != s {
				t.Fatalf("chunk %d: whole %+v, with skips %+v", i, w, s)
			}
		}
	})
}
