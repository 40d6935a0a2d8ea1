package capture

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gopacket/gopacket/layers"
)

// FuzzOpen feeds arbitrary bytes through OpenStream and drains them: no
// panic, no hang, every packet re-readable from the spool, and any error
// either a TruncatedError that counts the packets delivered or a wrapped
// one-line error. The same bytes opened as a file (read in place) must
// give the same frames and end the same way.
func FuzzOpen(f *testing.F) {
	var pcap bytes.Buffer
	pw, _ := NewPcapWriter(&pcap, layers.LinkTypeEthernet, 0)
	for i, p := range smallPackets() {
		pw.WritePacket(int64(i), p, 0)
	}
	pw.Flush()
	f.Add(pcap.Bytes())
	ngData, _ := writtenPcapng(f, 5)
	f.Add(ngData)
	f.Add(gzipped(f, ngData))
	b := &ng{o: binary.BigEndian}
	b.shb().idb(1, 64, b.opt(optTSResol, []byte{0x80 | 3})).spb(70, pkt(64, 1)).pb(0, 9, pkt(5, 2))
	b.block(4, []byte{0, 1, 0, 4, 1, 2, 3, 4, 0, 0, 0, 0})
	b.shb().idb(101, 0, b.opt(optTSOffset, make([]byte, 8))).epb(0, 1, pkt(9, 3), 9)
	f.Add(b.buf.Bytes())
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := OpenStream(bytes.NewReader(data), "fuzz", dir)
		if err != nil {
			return
		}
		streamed, streamErr := checkedFrames(t, c)
		// The same bytes in a file are read another way (in place, when
		// not compressed): they must give the same frames and the same end.
		path := filepath.Join(dir, "fuzz.file")
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		fc, err := Open(path)
		if err != nil {
			t.Fatalf("the stream opened but the file did not: %v", err)
		}
		read, readErr := checkedFrames(t, fc)
		if fmt.Sprint(streamErr) != fmt.Sprint(readErr) || len(read) != len(streamed) {
			t.Fatalf("stream: %d frames, %v; file: %d frames, %v", len(streamed), streamErr, len(read), readErr)
		}
		for i := range read {
			if read[i] != streamed[i] {
				t.Fatalf("frame %d differs between stream and file", i+1)
			}
		}
		// Properties read the file from its first byte, descriptions
		// and all: the same packets, the same end.
		pc, err := Open(path)
		if err != nil {
			t.Fatal(err)
		}
		defer pc.Close()
		p, propErr := pc.Properties(false)
		if fmt.Sprint(propErr) != fmt.Sprint(readErr) && !(errors.Is(readErr, io.EOF) && propErr == nil) || p.Packets != len(read) {
			t.Fatalf("properties: %d packets, %v; cursor: %d frames, %v", p.Packets, propErr, len(read), readErr)
		}
		n := 0
		for _, ifc := range p.Interfaces {
			n += ifc.Packets
		}
		if n != p.Packets {
			t.Fatalf("interfaces count %d packets of %d", n, p.Packets)
		}
		// Each packet's comments are read from its block alone, whatever
		// lies before its bytes.
		cur := pc.Cursor()
		for {
			fr, err := cur.Next()
			if err != nil {
				break
			}
			if cs := pc.PacketComments(fr.Offset, fr.CapLen); len(cs) > maxComments {
				t.Fatalf("%d comments on one packet", len(cs))
			}
		}
	})
}

// checkedFrames reads c to its end, checking every frame and the error
// that ends it, and closes it; it returns each frame as a string of its
// fields and bytes.
func checkedFrames(t *testing.T, c *Capture) ([]string, error) {
	defer c.Close()
	var frames []string
	var buf []byte
	cur := c.Cursor()
	for {
		fr, err := cur.NextWait(context.Background())
		if err != nil {
			var te *TruncatedError
			if errors.As(err, &te) && te.Packets != len(frames) {
				t.Fatalf("error says %d packets, %d delivered", te.Packets, len(frames))
			}
			if !errors.Is(err, io.EOF) && te == nil {
				t.Fatalf("unexpected error kind: %v", err)
			}
			return frames, err
		}
		if int(fr.Iface) >= len(cur.Interfaces()) || int(fr.CapLen) != len(fr.Data) {
			t.Fatalf("frame %+v with %d interfaces", fr, len(cur.Interfaces()))
		}
		buf, err = c.ReadPacket(fr.Offset, fr.CapLen, buf)
		if err != nil || !bytes.Equal(buf, fr.Data) {
			t.Fatalf("re-read at %d: %v", fr.Offset, err)
		}
		frames = append(frames, fmt.Sprintf("%d %d %d %d %d %q", fr.Offset, fr.Time, fr.OrigLen, fr.Iface, fr.CapLen, fr.Data))
	}
}

// FuzzLooksLike gives the sniffer of files that are not captures any
// bytes: it never panics, and what it calls text is text.
func FuzzLooksLike(f *testing.F) {
	for _, s := range []string{"hello", "PK\x03\x04", "\x89PNG\r\n\x1a\n", "<html>", "\xff\xfe", "Gr\xc3"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		looks := looksLike(b)
		if strings.HasPrefix(looks, "a text file") && !isText(b) {
			t.Errorf("%q called %s but is not text", b, looks)
		}
	})
}
