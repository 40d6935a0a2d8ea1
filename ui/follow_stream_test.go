package ui

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
	"github.com/gopacket/gopacket/layers"

	"thingsniff/assets"
	"thingsniff/capture"
	"thingsniff/decode"
	"thingsniff/decode/stream"
)

// streamRows returns every row of the follow view as text with its
// direction and whether it is a mark.
type streamRow struct {
	text string
	dir  stream.Dir
	mark bool
}

func (v *followView) rows() []streamRow {
	out := make([]streamRow, v.lines.total)
	buf := make([]byte, maxLineBytes)
	for i := range out {
		out[i].text, out[i].dir, out[i].mark = v.lines.lineText(v.data.file, i, v.mode, buf)
	}
	return out
}

func (h *followHTTP) texts() []string {
	var out []string
	for _, i := range h.shown {
		out = append(out, h.all[i].text)
	}
	return out
}

// httpSpecs returns the request and response of the test story.
func httpSpecs() (get, resp string) {
	for _, p := range testPackets() {
		switch {
		case strings.HasPrefix(p.payload, "GET "):
			get = p.payload
		case strings.HasPrefix(p.payload, "HTTP/"):
			resp = p.payload
		}
	}
	return get, resp
}

func TestFollowStreamFromPacket(t *testing.T) {
	h := newHarness(t, fyne.NewSize(1200, 800))
	h.open(writeCapture(t, false))
	p := h.u.packets
	p.table.Select(widget.TableCellID{Row: 6, Col: 0}) // the GET
	h.u.followSelected()
	h.settle()
	v := h.u.stream
	if h.u.tabs.Selected() != v.tab {
		t.Fatal("Follow stream should bring the Stream tab to the front")
	}
	if v.data == nil || !v.snap.done {
		t.Fatal("the stream was not read")
	}
	get, resp := httpSpecs()
	rows := v.rows()
	var client, server []string
	for _, r := range rows {
		switch {
		case r.mark:
		case r.dir == stream.ClientToServer:
			client = append(client, r.text)
		default:
			server = append(server, r.text)
		}
	}
	if len(client) == 0 || !strings.HasPrefix(client[0], "GET /liveupdate.jsp?model=CAM1&ver=1.0.3&region=EU HTTP/1.1") {
		t.Errorf("client lines %q, want the GET first", client)
	}
	if !strings.Contains(strings.Join(server, "\n"), "[NO UPDATE]") {
		t.Errorf("server lines %q lack [NO UPDATE]", server)
	}
	if want := strings.Count(get, "\n"); len(client) != want {
		t.Errorf("%d client lines, want %d", len(client), want)
	}
	if last := rows[len(rows)-1]; !last.mark || !strings.Contains(last.text, "FIN") {
		t.Errorf("last row %+v, want the FIN mark", last)
	}
	// The server spoke first to close: its FIN mark comes before the client's.
	c := v.snap.counts
	if c.Bytes[0] != int64(len(get)) || c.Bytes[1] != int64(len(resp)) {
		t.Errorf("counts %v, want %d and %d", c.Bytes, len(get), len(resp))
	}
	for _, want := range []string{fmt.Sprintf("sent %d bytes", len(get)), fmt.Sprintf("sent %d bytes", len(resp)), "no gaps"} {
		if !strings.Contains(v.counts.Text, want) {
			t.Errorf("counts label %q lacks %q", v.counts.Text, want)
		}
	}
	// Drawn rows carry their direction's colour.
	item := newFollowItem()
	v.updateItem(0, item)
	_, text := followItemParts(item)
	fg, _ := sideColors(false, stream.ClientToServer)
	if !strings.HasPrefix(text.Text, "GET ") || text.Color != fg {
		t.Errorf("row 0 drawn as %q in %v", text.Text, text.Color)
	}
	// The filter button's action shows the flow's packets.
	id := v.data.flow.ID
	h.u.ShowPackets(fmt.Sprintf("flow %d", id))
	h.settle()
	if len(p.shown) != 7 {
		t.Errorf("flow %d shows %d packets, want 7", id, len(p.shown))
	}
}

func TestFollowModesAndDirections(t *testing.T) {
	h := newHarness(t, fyne.NewSize(1200, 800))
	h.open(writeCapture(t, false))
	h.u.FollowFlow(h.u.loaded.Index.At(6).Flow)
	h.settle()
	v := h.u.stream
	get, resp := httpSpecs()
	marks := 2 // one FIN each way

	v.modes.SetSelected("Hex dump")
	want := (len(get)+15)/16 + (len(resp)+15)/16 + marks
	if v.lines.total != want {
		t.Errorf("hex dump has %d rows, want %d", v.lines.total, want)
	}
	if r := v.rows()[0]; !strings.HasPrefix(r.text, "00000000  47 45 54 20") || !strings.HasSuffix(r.text, "GET /liveupdate.") {
		t.Errorf("first hex row %q", r.text)
	}
	v.modes.SetSelected("Raw")
	if r := v.rows()[0]; !strings.HasSuffix(r.text, `HTTP/1.1\r\n`) {
		t.Errorf("first raw row %q, want escaped CR LF", r.text)
	}
	v.modes.SetSelected("ASCII")
	v.shows.SetSelected("Server → client only")
	for _, r := range v.rows() {
		if r.dir != stream.ServerToClient {
			t.Fatalf("server only shows %+v", r)
		}
	}
	v.shows.SetSelected("Both directions")

	// HTTP mode: each message's start line, headers and body.
	v.modes.SetSelected("HTTP")
	h.settle()
	all := strings.Join(v.http.texts(), "\n")
	for _, want := range []string{"GET /liveupdate.jsp?model=CAM1&ver=1.0.3&region=EU HTTP/1.1", "Host: update.example.com",
		"HTTP/1.1 200 OK", "[NO UPDATE]"} {
		if !strings.Contains(all, want) {
			t.Errorf("HTTP mode lacks %q:\n%s", want, all)
		}
	}
	if !v.http.content.Visible() || v.list.Visible() {
		t.Error("HTTP mode should show its own list")
	}

	// Save one direction and the whole conversation.
	dir := t.TempDir()
	for _, c := range []struct {
		show stream.Show
		want string
	}{{stream.ClientOnly, get}, {stream.ServerOnly, resp}, {stream.Both, get + resp}} {
		path := filepath.Join(dir, fmt.Sprint(c.show))
		v.saveTo(path, c.show)
		h.settle()
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if string(b) != c.want {
			t.Errorf("saved %v: %q, want %q", c.show, b, c.want)
		}
	}
}

func TestFollowFind(t *testing.T) {
	h := newHarness(t, fyne.NewSize(1200, 800))
	h.open(writeCapture(t, false))
	h.u.FollowFlow(h.u.loaded.Index.At(6).Flow)
	h.settle()
	v := h.u.stream
	f := v.find
	test.Type(f.entry, "no update")
	f.entry.OnSubmitted(f.entry.Text)
	h.settle()
	rows := v.rows()
	if f.row < 0 || !strings.Contains(rows[f.row].text, "[NO UPDATE]") {
		t.Fatalf("find stopped at row %d, want the [NO UPDATE] line", f.row)
	}
	first := f.row
	f.search(true)
	h.settle()
	if f.row != first || !strings.Contains(f.label.Text, "wrapped") {
		t.Errorf("next with one match: row %d, label %q", f.row, f.label.Text)
	}
	f.entry.SetText("HTTP/1.1")
	f.search(true)
	h.settle()
	a := f.row
	f.search(true)
	h.settle()
	b := f.row
	f.search(false)
	h.settle()
	if a < 0 || b <= a || f.row != a {
		t.Errorf("HTTP/1.1 found at %d then %d, previous went to %d", a, b, f.row)
	}
	f.entry.SetText("not in the stream")
	f.search(true)
	h.settle()
	if f.label.Text != "Not found" {
		t.Errorf("label %q", f.label.Text)
	}
}

func TestFollowFromFlowsTable(t *testing.T) {
	h := newHarness(t, fyne.NewSize(1200, 800))
	h.open(writeCapture(t, false))
	fv := h.u.flows
	h.u.tabs.SelectIndex(1)
	row := -1
	for r := range len(fv.flows) {
		if f := fv.flows[fv.flowAt(r)]; f.Proto == decode.ProtoUDP && f.Server.Port() == 53 {
			row = r
		}
	}
	if row < 0 {
		t.Fatal("no DNS flow")
	}
	fv.table.Select(widget.TableCellID{Row: row, Col: fcFollow})
	h.settle()
	v := h.u.stream
	if h.u.tabs.Selected() != v.tab || v.data == nil || v.data.flow.Server.Port() != 53 {
		t.Fatal("Follow on a flow row should follow that flow")
	}
	if c := v.snap.counts; c.Chunks[0] != 1 || c.Chunks[1] != 1 {
		t.Errorf("a DNS exchange is one datagram each way, got %v", c.Chunks)
	}
}

func TestFollowDemoLiveUpdate(t *testing.T) {
	h := newHarness(t, fyne.NewSize(1200, 800))
	h.u.cfg.Demo = assets.Demo
	h.u.OpenDemo()
	h.settle()
	var id uint32
	for i := range h.u.loaded.Index.Len() {
		if strings.Contains(h.u.rows.Row(i).Info, "GET /liveupdate.jsp") {
			id = h.u.loaded.Index.At(i).Flow
			break
		}
	}
	if id == 0 {
		t.Fatal("the demo has no liveupdate GET")
	}
	h.u.FollowFlow(id)
	h.settle()
	v := h.u.stream
	var text []string
	for _, r := range v.rows() {
		text = append(text, r.text)
	}
	all := strings.Join(text, "\n")
	for _, want := range []string{"GET /liveupdate.jsp?", "[NO UPDATE]", "Set-Cookie:"} {
		if !strings.Contains(all, want) {
			t.Errorf("the liveupdate stream lacks %q:\n%s", want, all)
		}
	}
	v.modes.SetSelected("HTTP")
	h.settle()
	if all := strings.Join(v.http.texts(), "\n"); !strings.Contains(all, "Set-Cookie:") || !strings.Contains(all, "[NO UPDATE]") {
		t.Errorf("HTTP mode of the liveupdate stream:\n%s", all)
	}
}

// writeBigStream writes a capture with one TCP stream whose server sends
// lines lines of 100 bytes, in 1400-byte segments.
func writeBigStream(t *testing.T, lines int) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "big.pcapng")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w, err := capture.NewPcapngWriter(f, []capture.Interface{{LinkType: layers.LinkTypeEthernet, Name: "eth0", Snaplen: 65535}})
	if err != nil {
		t.Fatal(err)
	}
	ts := int64(1_700_000_000_000_000_000)
	write := func(p packetSpec) {
		b := serialize(t, p)
		ts += 1000
		if err := w.WritePacket(0, ts, b, uint32(len(b))); err != nil {
			t.Fatal(err)
		}
	}
	seg := func(fromThing bool, seq, ack uint32, syn, fin bool, payload string) packetSpec {
		tcp := &layers.TCP{SrcPort: 50000, DstPort: 80, Seq: seq, Ack: ack, ACK: !syn || !fromThing, SYN: syn, FIN: fin, PSH: payload != "", Window: 64240}
		if !fromThing {
			tcp.SrcPort, tcp.DstPort = 80, 50000
		}
		return packetSpec{fromThing: fromThing, dst: ipServer(), tcp: tcp, payload: payload}
	}
	get := "GET /big HTTP/1.1\r\nHost: update.example.com\r\n\r\n"
	write(seg(true, 100, 0, true, false, ""))
	write(seg(false, 900, 101, true, false, ""))
	write(seg(true, 101, 901, false, false, get))
	var body bytes.Buffer
	for i := range lines {
		fmt.Fprintf(&body, "line %07d %s\n", i, strings.Repeat("x", 100-14))
	}
	data := body.Bytes()
	seq := uint32(901)
	for len(data) > 0 {
		n := min(1400, len(data))
		write(seg(false, seq, 101+uint32(len(get)), false, false, string(data[:n])))
		seq += uint32(n)
		data = data[n:]
	}
	write(seg(false, seq, 101+uint32(len(get)), false, true, ""))
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestFollowBigStream(t *testing.T) {
	if testing.Short() {
		t.Skip("writes a 20 MB capture")
	}
	const lines = 200_000 // 20 MB
	h := newHarness(t, fyne.NewSize(1200, 800))
	h.open(writeBigStream(t, lines))
	h.u.FollowFlow(h.u.loaded.Index.At(0).Flow)
	// Rows arrive in batches while the stream is read: the first batch
	// already shows some.
	batches := 0
	for !h.u.stream.snap.done {
		h.u.work.Wait()
		for h.q.Step() {
			batches++
		}
	}
	v := h.u.stream
	if v.snap.counts.Bytes[1] != lines*100 {
		t.Fatalf("server sent %d bytes, want %d", v.snap.counts.Bytes[1], lines*100)
	}
	// Three request lines, every body line, the server's FIN mark.
	if want := 3 + lines + 1; v.lines.total != want {
		t.Errorf("%d rows, want %d", v.lines.total, want)
	}
	buf := make([]byte, maxLineBytes)
	for _, i := range []int{3, 4, 100_000, lines + 2} {
		text, dir, _ := v.lines.lineText(v.data.file, i, modeASCII, buf)
		if want := fmt.Sprintf("line %07d ", i-3); !strings.HasPrefix(text, want) || len(text) != 99 || dir != stream.ServerToClient {
			t.Errorf("row %d is %q (%d bytes, %v), want %q…", i, text[:min(len(text), 20)], len(text), dir, want)
		}
	}
	// Every run's lines are short, whatever the stream: nothing on screen
	// is a giant string.
	for _, r := range v.lines.runs {
		if r.mark != "" {
			continue
		}
		for j := range r.textLines() {
			if from, to := v.lines.span(&r, j); to-from > maxLineBytes {
				t.Fatalf("a line of %d bytes", to-from)
			}
		}
	}
	// Find reaches the end of the stream.
	v.find.entry.SetText(fmt.Sprintf("line %07d", lines-1))
	v.find.search(true)
	h.settle()
	if v.find.row != lines+2 {
		t.Errorf("find went to row %d, want %d", v.find.row, lines+2)
	}
	// A stream without newlines is broken into short lines too.
	d, err := newFollowData(decode.Flow{ID: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer d.close()
	d.add(stream.Chunk{Dir: stream.ServerToClient, Data: bytes.Repeat([]byte{0}, 10*maxLineBytes+1)})
	fl := makeFollowLines(d.snapshot(true, nil).runs, false, stream.Both)
	if fl.total != 11 {
		t.Errorf("%d bytes without a newline make %d lines, want 11", 10*maxLineBytes+1, fl.total)
	}
}
