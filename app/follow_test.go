package app

import (
	"bytes"
	"context"
	"io"
	"strings"
	"testing"
	"time"

	"thingsniff/capture"
	"thingsniff/decode"
	"thingsniff/decode/stream"
)

// lostSegment is a conversation whose client segment "world " (6 bytes)
// never made it into the capture, though the server acknowledged it.
var lostSegment = []seg{
	{true, "S", 100, 0, "", 0},
	{false, "SA", 900, 101, "", time.Millisecond},
	{true, "A", 101, 901, "", 2 * time.Millisecond},
	{true, "PA", 101, 901, "hello ", 3 * time.Millisecond},
	// missing: {true, "PA", 107, 901, "world ", ...}
	{true, "PA", 113, 901, "again\n", 5 * time.Millisecond},
	{false, "PA", 901, 119, "ok\n", 6 * time.Millisecond},
	{true, "FA", 119, 904, "", 7 * time.Millisecond},
	{false, "FA", 904, 120, "", 8 * time.Millisecond},
	{true, "A", 120, 905, "", 9 * time.Millisecond},
}

func onlyFlow(t *testing.T, l *Loaded) decode.Flow {
	t.Helper()
	flows := l.Engine().Flows()
	if len(flows) != 1 {
		t.Fatalf("want 1 flow, got %d", len(flows))
	}
	return *flows[0]
}

func TestFollowFlowMarksGap(t *testing.T) {
	path := writeTCPCapture(t, t.TempDir(), lostSegment)
	l, _ := openAndWait(t, path)
	f := onlyFlow(t, l)

	var out bytes.Buffer
	counts := followTo(t, l, f, &out, stream.ASCII, stream.Both)
	text := out.String()
	for _, want := range []string{"hello ", stream.GapMarker(6), "again\n", "\t3\nok\n"} {
		if !strings.Contains(text, want) {
			t.Errorf("ascii follow lacks %q:\n%s", want, text)
		}
	}
	if strings.Index(text, "hello") > strings.Index(text, "bytes missing") || strings.Index(text, "bytes missing") > strings.Index(text, "again") {
		t.Errorf("gap marker out of place:\n%s", text)
	}
	if counts.Gaps[0] != 1 || counts.GapBytes[0] != 6 || counts.Bytes[0] != 12 || counts.Bytes[1] != 3 {
		t.Errorf("counts %+v, want one 6-byte client gap, 12 client and 3 server bytes", counts)
	}

	// Raw leaves the gap out, byte for byte.
	out.Reset()
	followTo(t, l, f, &out, stream.Raw, stream.ClientOnly)
	if out.String() != "hello again\n" {
		t.Errorf("raw client = %q", out.String())
	}
}

// followTo prints flow f of l to w as the window's follow view does.
func followTo(t *testing.T, l *Loaded, f decode.Flow, w io.Writer, format stream.Format, show stream.Show) stream.Counts {
	t.Helper()
	p := stream.NewPrinter(w, format, show)
	err := FollowChunks(context.Background(), l, f, p.Write)
	if err == nil {
		err = p.Flush()
	}
	if err != nil {
		t.Fatal(err)
	}
	return p.Counts()
}

// TestFollowPathsAgree follows the same flow from a loaded capture (bytes
// re-read from the store) and in one pass over the file (the CLI's path).
func TestFollowPathsAgree(t *testing.T) {
	path := writeTCPCapture(t, t.TempDir(), serverHangsUp)
	l, _ := openAndWait(t, path)
	f := onlyFlow(t, l)
	var loaded []stream.Chunk
	if err := FollowChunks(context.Background(), l, f, func(c stream.Chunk) error {
		c.Data = bytes.Clone(c.Data)
		loaded = append(loaded, c)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	c, err := capture.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	var scanned []stream.Chunk
	var started *decode.Flow
	got, err := FollowCapture(c, f.ID, func(fl *decode.Flow) error { started = fl; return nil }, func(ch stream.Chunk) error {
		if started == nil {
			t.Error("chunk before start")
		}
		ch.Data = bytes.Clone(ch.Data)
		scanned = append(scanned, ch)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if got.ID != f.ID || got.Client != f.Client || got.LastPacket != f.LastPacket {
		t.Errorf("FollowCapture flow %+v, loaded flow %+v", got, f)
	}
	if len(loaded) == 0 || len(loaded) != len(scanned) {
		t.Fatalf("loaded %d chunks, scanned %d", len(loaded), len(scanned))
	}
	for i := range loaded {
		a, b := loaded[i], scanned[i]
		if a.Dir != b.Dir || !bytes.Equal(a.Data, b.Data) || a.Offset != b.Offset || a.FIN != b.FIN || a.FirstPacket != b.FirstPacket {
			t.Errorf("chunk %d: loaded %+v, scanned %+v", i, a, b)
		}
	}
	if string(loaded[0].Data) != "GET /liveupdate.jsp?model=BD-5500 HTTP/1.1\r\nHost: x\r\n\r\n" || loaded[0].Dir != stream.ClientToServer {
		t.Errorf("first chunk %+v", loaded[0])
	}

	msgs, err := HTTPMessages(context.Background(), l, f)
	if err != nil {
		t.Fatal(err)
	}
	if len(msgs) != 2 || !msgs[0].IsRequest || string(msgs[1].Body) != "[NO UPDATE]" || msgs[1].Request != msgs[0] {
		t.Errorf("HTTP messages %+v", msgs)
	}

	if idx := l.FlowPackets(f.ID, l.Index.Len()); len(idx) != len(serverHangsUp) || idx[0] != 0 {
		t.Errorf("FlowPackets = %v", idx)
	}
	if _, err := FollowCapture(c, 99, nil, func(stream.Chunk) error { return nil }); err == nil {
		t.Error("following a flow that does not exist did not fail")
	}
}

func TestFollowCancelled(t *testing.T) {
	path := writeTCPCapture(t, t.TempDir(), serverHangsUp)
	l, _ := openAndWait(t, path)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := FollowChunks(ctx, l, onlyFlow(t, l), func(stream.Chunk) error { return nil })
	if err == nil {
		t.Error("a cancelled follow did not fail")
	}
}
