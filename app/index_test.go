package app

import (
	"context"
	"encoding/binary"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
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

// Duplicate ACKs keep their numbers beside the index: the window's row,
// the details and the filter fields tell which ACK each repeats, as the
// engine counted them during the load.
func TestDupAckNumbersBesideIndex(t *testing.T) {
	path := writeTCPCapture(t, t.TempDir(), []seg{
		{true, "S", 1000, 0, "", 0},
		{false, "SA", 5000, 1001, "", 10 * time.Millisecond},
		{true, "A", 1001, 5001, "", 20 * time.Millisecond},
		{false, "PA", 5001, 1001, "hello", 30 * time.Millisecond},
		{true, "A", 1001, 5006, "", 40 * time.Millisecond}, // 5: the ACK the next two repeat
		{true, "A", 1001, 5006, "", 50 * time.Millisecond},
		{true, "A", 1001, 5006, "", 60 * time.Millisecond},
	})
	l, _ := openAndWait(t, path)
	rows := NewRows(l)
	for _, f := range l.engine.Flows() {
		rows.SetFlow(*f) // as the window's batches do
	}
	for i, want := range map[int]string{4: "50000 → 80 [ACK]", 5: "[TCP Dup ACK 5#1] ", 6: "[TCP Dup ACK 5#2] "} {
		if got := rows.Row(i).Info; !strings.HasPrefix(got, want) {
			t.Errorf("row %d: %q, want it to start with %q", i+1, got, want)
		}
	}
	nodes, _, err := rows.Details(6)
	if err != nil {
		t.Fatal(err)
	}
	titles := nodeTitles(nodes)
	if !slices.Contains(titles, "[Duplicate ACK #: 2]") || !slices.Contains(titles, "[Duplicate to the ACK in frame: 5]") {
		t.Errorf("details lack the duplicate ACK's numbers: %q", titles)
	}
	for expr, want := range map[string][]int{
		"tcp.analysis.duplicate_ack_num == 2":   {6},
		"tcp.analysis.duplicate_ack_frame == 5": {5, 6},
		"tcp.analysis.duplicate_ack":            {5, 6},
	} {
		got, err := Filter(context.Background(), l, expr, l.Index.Len())
		if err != nil || !slices.Equal(got, want) {
			t.Errorf("%s selects %v (%v), want %v", expr, got, err, want)
		}
	}
}

// TestCommentsHeadThePacketDetails writes a pcapng file by hand whose one
// packet carries two comments: its details begin with them, unfolded, as
// Wireshark's do.
func TestCommentsHeadThePacketDetails(t *testing.T) {
	le := binary.LittleEndian
	block := func(typ uint32, body []byte) []byte {
		for len(body)%4 != 0 {
			body = append(body, 0)
		}
		b := le.AppendUint32(le.AppendUint32(nil, typ), uint32(len(body)+12))
		return le.AppendUint32(append(b, body...), uint32(len(body)+12))
	}
	opt := func(code uint16, v string) []byte {
		b := append(le.AppendUint16(le.AppendUint16(nil, code), uint16(len(v))), v...)
		return append(b, make([]byte, -len(v)&3)...)
	}
	frame := make([]byte, 42) // an Ethernet frame of zeros, cut to 42 bytes
	shb := le.AppendUint64(le.AppendUint16(le.AppendUint16(le.AppendUint32(nil, 0x1a2b3c4d), 1), 0), ^uint64(0))
	idb := le.AppendUint32(le.AppendUint16(le.AppendUint16(nil, 1), 0), 0)
	epb := le.AppendUint32(le.AppendUint32(le.AppendUint32(le.AppendUint32(le.AppendUint32(nil, 0), 0), 1), 42), 42)
	epb = append(append(epb, frame...), 0, 0) // the frame's bytes, padded to 4
	epb = append(append(epb, opt(1, "the heater wakes up")...), opt(1, "second note")...)
	epb = append(epb, 0, 0, 0, 0)
	var file []byte
	file = append(file, block(0x0a0d0d0a, shb)...)
	file = append(file, block(1, idb)...)
	file = append(file, block(6, epb)...)
	path := filepath.Join(t.TempDir(), "noted.pcapng")
	if err := os.WriteFile(path, file, 0o600); err != nil {
		t.Fatal(err)
	}
	l, _ := openAndWait(t, path)
	nodes, _, err := NewRows(l).Details(0)
	if err != nil {
		t.Fatal(err)
	}
	if len(nodes) < 2 || nodes[0].Title != "Packet comments" || !nodes[0].Open || len(nodes[0].Children) != 2 ||
		nodes[0].Children[0].Title != "the heater wakes up" || !strings.HasPrefix(nodes[1].Title, "Frame 1:") {
		t.Errorf("details: %+v", nodes[:min(2, len(nodes))])
	}
}
