package capture

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"testing"

	"github.com/gopacket/gopacket/layers"
)

// FuzzOpen feeds arbitrary bytes through OpenStream and drains them: no
// panic, no hang, every packet re-readable from the spool, and any error
// either a TruncatedError that counts the packets delivered or a wrapped
// one-line error.
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
		defer c.Store().Close()
		defer c.Close()
		var buf []byte
		n := 0
		for {
			fr, err := c.Next()
			if err != nil {
				var te *TruncatedError
				if errors.As(err, &te) && te.Packets != n {
					t.Fatalf("error says %d packets, %d delivered", te.Packets, n)
				}
				if !errors.Is(err, io.EOF) && te == nil {
					t.Fatalf("unexpected error kind: %v", err)
				}
				return
			}
			n++
			if int(fr.Iface) >= len(c.Interfaces()) || int(fr.CapLen) != len(fr.Data) {
				t.Fatalf("frame %+v with %d interfaces", fr, len(c.Interfaces()))
			}
			buf, err = c.Store().ReadPacket(fr.Offset, fr.CapLen, buf)
			if err != nil || !bytes.Equal(buf, fr.Data) {
				t.Fatalf("re-read at %d: %v", fr.Offset, err)
			}
		}
	})
}
