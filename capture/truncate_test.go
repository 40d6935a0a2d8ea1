package capture

import (
	"bytes"
	"encoding/binary"
	"errors"
	"strings"
	"testing"

	"github.com/gopacket/gopacket/layers"
)

// record is where one record (pcap) or block (pcapng) lies in a file.
type record struct {
	start, end int64
	packet     bool
}

func pcapLayout(data []byte) []record {
	var out []record
	for off := int64(24); off < int64(len(data)); {
		end := off + 16 + int64(binary.LittleEndian.Uint32(data[off+8:]))
		out = append(out, record{off, end, true})
		off = end
	}
	return out
}

func pcapngLayout(data []byte) []record {
	var out []record
	for off := int64(0); off < int64(len(data)); {
		typ := binary.LittleEndian.Uint32(data[off:])
		end := off + int64(binary.LittleEndian.Uint32(data[off+4:]))
		out = append(out, record{off, end, typ == blockEPB})
		off = end
	}
	return out
}

// checkCut opens data cut at n bytes and checks that every packet that
// ends before the cut arrives, and that the error names the damaged
// record and the packets before it.
func checkCut(t *testing.T, data []byte, n int, layout []record, headerLen int) {
	t.Helper()
	c, err := Open(writeTemp(t, "cut", data[:n]))
	if n < headerLen {
		if err == nil {
			c.Close()
			t.Fatalf("cut at %d (inside the file header) opened", n)
		}
		if strings.Contains(err.Error(), "\n") || !strings.Contains(err.Error(), "open capture") {
			t.Fatalf("cut at %d: error %q", n, err)
		}
		return
	}
	if err != nil {
		t.Fatalf("cut at %d: %v", n, err)
	}
	defer c.Close()
	frames, err := drain(t, c)
	wantPackets := 0
	var cutRec *record
	for i, r := range layout {
		if r.end <= int64(n) {
			if r.packet {
				wantPackets++
			}
		} else if r.start < int64(n) {
			cutRec = &layout[i]
		}
	}
	if len(frames) != wantPackets {
		t.Fatalf("cut at %d: %d packets, want %d", n, len(frames), wantPackets)
	}
	if cutRec == nil {
		if err != nil {
			t.Fatalf("cut at %d, a record boundary: %v", n, err)
		}
		return
	}
	var te *TruncatedError
	if !errors.As(err, &te) {
		t.Fatalf("cut at %d: err = %v, want *TruncatedError", n, err)
	}
	if te.Offset != cutRec.start || te.Packets != wantPackets {
		t.Fatalf("cut at %d: %v; want offset %d after %d packets", n, err, cutRec.start, wantPackets)
	}
}

func smallPackets() [][]byte {
	var out [][]byte
	for i, n := range []int{60, 61, 1, 0, 142, 63, 90} {
		out = append(out, pkt(n, byte(i)))
	}
	return out
}

func TestTruncatedPcapEveryByte(t *testing.T) {
	var buf bytes.Buffer
	w, err := NewPcapWriter(&buf, layers.LinkTypeEthernet, 0)
	if err != nil {
		t.Fatal(err)
	}
	for i, p := range smallPackets() {
		w.WritePacket(int64(i)*1e9, p, 0)
	}
	w.Flush()
	data := buf.Bytes()
	layout := pcapLayout(data)
	for n := 1; n <= len(data); n++ {
		checkCut(t, data, n, layout, 24)
	}
}

func TestTruncatedPcapngEveryByte(t *testing.T) {
	var buf bytes.Buffer
	w, err := NewPcapngWriter(&buf, []Interface{{LinkType: layers.LinkTypeEthernet, Name: "eth0"}, {LinkType: layers.LinkTypeRaw}})
	if err != nil {
		t.Fatal(err)
	}
	for i, p := range smallPackets() {
		w.WritePacket(uint16(i%2), int64(i)*1e9, p, 0)
	}
	w.Flush()
	data := buf.Bytes()
	layout := pcapngLayout(data)
	for n := 1; n <= len(data); n++ {
		checkCut(t, data, n, layout, int(layout[0].end))
	}
}

// TestTruncatedBigPacket covers records larger than a cursor's buffer, which
// get a buffer of their own.
func TestTruncatedBigPacket(t *testing.T) {
	var buf bytes.Buffer
	w, _ := NewPcapngWriter(&buf, []Interface{{LinkType: layers.LinkTypeEthernet}})
	big := pkt(3*cursorBuf/2+3, 1)
	w.WritePacket(0, 1, pkt(100, 2), 0)
	w.WritePacket(0, 2, big, 0)
	w.WritePacket(0, 3, pkt(100, 3), 0)
	w.Flush()
	data := buf.Bytes()
	layout := pcapngLayout(data)
	for _, n := range []int{len(data), len(data) - 1, len(data) - 200, len(data) / 2, 200} {
		checkCut(t, data, n, layout, int(layout[0].end))
	}
	c, err := Open(writeTemp(t, "big.pcapng", data))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	frames, err := drain(t, c)
	if err != nil || len(frames) != 3 || !bytes.Equal(frames[1].bytes, big) {
		t.Fatalf("%d frames, err %v", len(frames), err)
	}
}

// TestAbsurdCaplen: a record header claiming gigabytes is damage, reported
// with its offset, not an allocation.
func TestAbsurdCaplen(t *testing.T) {
	var buf bytes.Buffer
	w, _ := NewPcapWriter(&buf, layers.LinkTypeEthernet, 65535)
	w.WritePacket(1, pkt(60, 0), 0)
	w.WritePacket(2, pkt(60, 1), 0)
	w.Flush()
	data := buf.Bytes()
	second := 24 + 16 + 60
	binary.LittleEndian.PutUint32(data[second+8:], 0xfffffff0)
	c, err := Open(writeTemp(t, "absurd.pcap", data))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	frames, err := drain(t, c)
	var te *TruncatedError
	if len(frames) != 1 || !errors.As(err, &te) || te.Offset != int64(second) || te.Packets != 1 || !strings.Contains(te.Reason, "damaged") {
		t.Fatalf("%d frames, err %v", len(frames), err)
	}
}

func TestOpenErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		data []byte
		want string
	}{
		{"empty.pcap", nil, "the file is empty"},
		{"text.pcap", []byte("hello world"), `not a pcap or pcapng file: it looks like a text file`},
		{"x", []byte{0xd4, 0xc3}, `not a pcap or pcapng file (starts with 0xd4c3)`},
		{"odd.pcap", []byte{0xd4, 0xc3, 0xb2, 0x00, 1, 2}, `not a pcap or pcapng file (starts with 0xd4c3b200)`},
		{"a.zip", []byte("PK\x03\x04\x14\x00\x00\x00\x08\x00"), `it looks like a Zip archive`},
		{"a.png", []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), `it looks like a PNG image`},
		{"thingsniff", []byte("\x7fELF\x02\x01\x01\x00\x00\x00"), `it looks like an ELF program`},
		{"page.pcap", []byte("  <!DOCTYPE html>\n<html><body>not found</body></html>\n"), `it looks like a text file (an HTML page)`},
		{"utf8.txt", []byte("Größe: 12 €\n"), `it looks like a text file`},
		{"short.pcap", []byte{0xd4, 0xc3, 0xb2, 0xa1, 2, 0}, "pcap file header is cut short (6 of 24 bytes)"},
		{"v2.pcapng", (&ng{o: binary.LittleEndian}).block(blockSHB, binary.LittleEndian.AppendUint32(nil, bomMagic), []byte{2, 0, 0, 0}, make([]byte, 8)).buf.Bytes(), "pcapng version 2.0"},
		{"bom.pcapng", (&ng{o: binary.LittleEndian}).block(blockSHB, []byte{1, 2, 3, 4}, make([]byte, 12)).buf.Bytes(), "byte-order magic"},
	} {
		p := writeTemp(t, tc.name, tc.data)
		c, err := Open(p)
		if err == nil {
			c.Close()
			t.Errorf("%s opened", tc.name)
			continue
		}
		if !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), `open capture "`+p+`": `) {
			t.Errorf("%s: %q, want it to name the file and say %q", tc.name, err, tc.want)
		}
	}
	if _, err := Open(t.TempDir()); err == nil || !strings.Contains(err.Error(), "folder") {
		t.Errorf("opening a folder: %v", err)
	}
}
