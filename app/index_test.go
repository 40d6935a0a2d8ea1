package app

import (
	"testing"
	"unsafe"

	"thingsniff/capture"
	"thingsniff/decode"
)

// An index entry is 32 bytes and points anywhere in any capture Open
// accepts, on any interface.
func TestIndexPointsIntoEveryCapture(t *testing.T) {
	if n := unsafe.Sizeof(decode.Index{}); n != 32 {
		t.Errorf("an index entry is %d bytes, not 32", n)
	}
	if capture.MaxSize > decode.MaxStore {
		t.Fatalf("capture opens files of %d bytes, the index points into %d", int64(capture.MaxSize), int64(decode.MaxStore))
	}
	for _, m := range []decode.Meta{
		{Offset: capture.MaxSize - 1, Iface: 65535, Time: -1, CapLen: 1<<32 - 1, OrigLen: 7},
		{Offset: 0, Iface: 0},
		{Offset: 1 << 40, Iface: 1},
	} {
		ix := decode.IndexOf(m, decode.ProtoGRE, decode.FlagTunnel|decode.FlagMalformed)
		if ix.Offset() != m.Offset || ix.Iface() != m.Iface || ix.Time != m.Time || ix.CapLen != m.CapLen || ix.OrigLen != m.OrigLen ||
			ix.Proto != decode.ProtoGRE || ix.Flags != decode.FlagTunnel|decode.FlagMalformed {
			t.Errorf("%+v gave offset %d iface %d %+v", m, ix.Offset(), ix.Iface(), ix)
		}
	}
}
