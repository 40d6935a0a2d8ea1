package capture

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// got is a delivered frame with its bytes copied.
type got struct {
	Frame
	bytes []byte
}

// drain reads c to its end with a new cursor, copying every frame, and
// checks on the way that ReadPacket hands back the same bytes at every
// Frame.Offset.
func drain(t testing.TB, c *Capture) ([]got, error) {
	t.Helper()
	frames, _, err := drainCursor(t, c)
	return frames, err
}

// drainWritten is drain for a capture a test wrote n packets into: it
// fails the test unless they all come back, without error. The writers'
// round trips check their captures this way.
func drainWritten(t testing.TB, c *Capture, n int) []got {
	t.Helper()
	frames, err := drain(t, c)
	if err != nil {
		t.Fatal(err)
	}
	if len(frames) != n {
		t.Fatalf("%d frames, wrote %d", len(frames), n)
	}
	return frames
}

// sameInterfaces fails the test unless a capture's interfaces are want,
// in order (the pcapng reader's and the writers' tests hold them alike).
func sameInterfaces(t testing.TB, have, want []Interface) {
	t.Helper()
	if len(have) != len(want) {
		t.Fatalf("Interfaces = %+v, want %+v", have, want)
	}
	for i := range want {
		if have[i] != want[i] {
			t.Errorf("interface %d = %+v, want %+v", i, have[i], want[i])
		}
	}
}

// drainCursor is drain, and returns the cursor as it ended.
func drainCursor(t testing.TB, c *Capture) ([]got, *Cursor, error) {
	t.Helper()
	var out []got
	var buf []byte
	cur := c.Cursor()
	for {
		f, err := cur.NextWait(context.Background())
		if err != nil {
			if errors.Is(err, io.EOF) {
				err = nil
			}
			return out, cur, err
		}
		if int(f.CapLen) != len(f.Data) {
			t.Fatalf("packet %d: CapLen %d but %d data bytes", len(out)+1, f.CapLen, len(f.Data))
		}
		var rerr error
		buf, rerr = c.ReadPacket(f.Offset, f.CapLen, buf)
		if rerr != nil {
			t.Fatalf("packet %d: re-read: %v", len(out)+1, rerr)
		}
		if !bytes.Equal(buf, f.Data) {
			t.Fatalf("packet %d: Store bytes at %d differ from Frame.Data", len(out)+1, f.Offset)
		}
		out = append(out, got{Frame: f, bytes: bytes.Clone(f.Data)})
		if cur.Packets() != len(out) {
			t.Fatalf("Packets() = %d after %d frames", cur.Packets(), len(out))
		}
	}
}

func writeTemp(t testing.TB, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// ng builds pcapng blocks by hand in either byte order, for the parts of
// the format our writer never produces (big-endian, several sections,
// other resolutions, simple and obsolete packet blocks, skipped blocks).
type ng struct {
	o   binary.AppendByteOrder
	buf bytes.Buffer
}

func (b *ng) u16(v uint16) []byte { return b.o.AppendUint16(nil, v) }
func (b *ng) u32(v uint32) []byte { return b.o.AppendUint32(nil, v) }

func (b *ng) block(typ uint32, body ...[]byte) *ng {
	var bb []byte
	for _, p := range body {
		bb = append(bb, p...)
	}
	for len(bb)%4 != 0 {
		bb = append(bb, 0)
	}
	n := uint32(len(bb) + 12)
	b.buf.Write(b.u32(typ))
	b.buf.Write(b.u32(n))
	b.buf.Write(bb)
	b.buf.Write(b.u32(n))
	return b
}

func (b *ng) opt(code uint16, v []byte) []byte {
	out := append(b.u16(code), b.u16(uint16(len(v)))...)
	out = append(out, v...)
	for len(out)%4 != 0 {
		out = append(out, 0)
	}
	return out
}

func (b *ng) shb() *ng {
	return b.block(blockSHB, b.u32(bomMagic), b.u16(1), b.u16(0), b.o.AppendUint64(nil, ^uint64(0)),
		b.opt(4, []byte("thingsniff test")), b.u32(0))
}

func (b *ng) idb(link uint16, snap uint32, opts ...[]byte) *ng {
	body := [][]byte{b.u16(link), b.u16(0), b.u32(snap)}
	body = append(body, opts...)
	if len(opts) > 0 {
		body = append(body, b.u32(0))
	}
	return b.block(blockIDB, body...)
}

func (b *ng) epb(iface uint32, ts uint64, data []byte, orig uint32) *ng {
	padded := append(slices.Clone(data), make([]byte, -len(data)&3)...) // options start on a 4-byte boundary
	return b.block(blockEPB, b.u32(iface), b.u32(uint32(ts>>32)), b.u32(uint32(ts)),
		b.u32(uint32(len(data))), b.u32(orig), padded, b.opt(1, []byte("a comment")), b.u32(0))
}

func (b *ng) pb(iface uint16, ts uint64, data []byte) *ng {
	return b.block(blockPB, b.u16(iface), b.u16(0), b.u32(uint32(ts>>32)), b.u32(uint32(ts)),
		b.u32(uint32(len(data))), b.u32(uint32(len(data))), data)
}

func (b *ng) spb(orig uint32, data []byte) *ng {
	return b.block(blockSPB, b.u32(orig), data)
}

func pkt(n int, seed byte) []byte {
	p := make([]byte, n)
	for i := range p {
		p[i] = seed + byte(i*7)
	}
	return p
}
