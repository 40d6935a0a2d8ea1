package stream

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

func printAll(t *testing.T, f Format, show Show, chunks ...Chunk) string {
	t.Helper()
	var b bytes.Buffer
	p := NewPrinter(&b, f, show)
	for _, c := range chunks {
		if err := p.Write(c); err != nil {
			t.Fatal(err)
		}
	}
	if err := p.Flush(); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func TestPrinterFormats(t *testing.T) {
	chunks := []Chunk{
		{Dir: ClientToServer, Data: []byte("GET /\r\n\x00\x7f\xff")},
		{Dir: ServerToClient, Data: []byte("0123456789abcdefXY")},
		{Dir: ClientToServer, Gap: 5},
		{Dir: ServerToClient, Conflict: true},
	}
	tests := []struct {
		f    Format
		show Show
		want string
	}{
		{Raw, Both, "GET /\r\n\x00\x7f\xff0123456789abcdefXY"},
		{Raw, ClientOnly, "GET /\r\n\x00\x7f\xff"},
		{Raw, ServerOnly, "0123456789abcdefXY"},
		{ASCII, Both, "10\nGET /\r\n...\n\t18\n0123456789abcdefXY\n34\n[5 bytes missing in capture file].\n"},
		{ASCII, ServerOnly, "18\n0123456789abcdefXY\n"},
		{HexRaw, Both, "474554202f0d0a007fff\n\t30313233343536373839616263646566" + "5859\n" +
			"5b35206279746573206d697373696e6720696e2063617074757265206669" + "6c655d00\n"},
		{Hex, ServerOnly, "" +
			"00000000  30 31 32 33 34 35 36 37  38 39 61 62 63 64 65 66  01234567 89abcdef\n" +
			"00000010  58 59                                             XY\n"},
		{Hex, Both, "" +
			"00000000  47 45 54 20 2f 0d 0a 00  7f ff                    GET /... ..\n" +
			"\t00000000  30 31 32 33 34 35 36 37  38 39 61 62 63 64 65 66  01234567 89abcdef\n" +
			"\t00000010  58 59                                             XY\n" +
			"0000000A  5b 35 20 62 79 74 65 73  20 6d 69 73 73 69 6e 67  [5 bytes  missing\n" +
			"0000001A  20 69 6e 20 63 61 70 74  75 72 65 20 66 69 6c 65   in capt ure file\n" +
			"0000002A  5d 00                                             ].\n"},
	}
	for _, tt := range tests {
		if got := printAll(t, tt.f, tt.show, chunks...); got != tt.want {
			t.Errorf("format %d show %d:\n got %q\nwant %q", tt.f, tt.show, got, tt.want)
		}
	}
}

func TestPrinterCounts(t *testing.T) {
	var b bytes.Buffer
	p := NewPrinter(&b, Raw, ClientOnly)
	p.Write(Chunk{Dir: ClientToServer, Data: []byte("abc")})
	p.Write(Chunk{Dir: ServerToClient, Data: []byte("hello")})
	p.Write(Chunk{Dir: ServerToClient, Gap: 7, Conflict: true})
	c := p.Counts()
	if c.Bytes != [2]int64{3, 5} || c.GapBytes != [2]int64{0, 7} || c.Chunks != [2]int{1, 1} || c.Conflicts != [2]int{0, 1} {
		t.Errorf("counts = %+v", c)
	}
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errors.New("pipe closed") }

func TestPrinterWriteError(t *testing.T) {
	p := NewPrinter(failWriter{}, Raw, Both)
	big := Chunk{Data: bytes.Repeat([]byte("x"), 100<<10)}
	if err := p.Write(big); err == nil || !strings.Contains(err.Error(), "pipe closed") {
		t.Errorf("Write = %v, want the writer's error", err)
	}
}

func TestParseFormatAndShow(t *testing.T) {
	for s, want := range map[string]Format{"ascii": ASCII, "hex": Hex, "raw": Raw, "hexraw": HexRaw} {
		if f, err := ParseFormat(s); err != nil || f != want {
			t.Errorf("ParseFormat(%q) = %v, %v", s, f, err)
		}
	}
	if _, err := ParseFormat("http"); err == nil {
		t.Error("ParseFormat(http) succeeded")
	}
	for s, want := range map[string]Show{"both": Both, "client": ClientOnly, "server": ServerOnly} {
		if v, err := ParseShow(s); err != nil || v != want {
			t.Errorf("ParseShow(%q) = %v, %v", s, v, err)
		}
	}
	if _, err := ParseShow("up"); err == nil {
		t.Error("ParseShow(up) succeeded")
	}
}
