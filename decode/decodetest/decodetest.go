// Package decodetest builds packets for tests with gopacket's own
// serializer, so that what a test feeds thingsniff's decoder was not made
// by that decoder.
package decodetest

import (
	"testing"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
)

// SetTCPFlags sets on t the flags named by letters in flags: S(YN),
// A(CK), F(IN), R(ST) and P(SH).
func SetTCPFlags(t *layers.TCP, flags string) {
	for _, c := range flags {
		switch c {
		case 'S':
			t.SYN = true
		case 'A':
			t.ACK = true
		case 'F':
			t.FIN = true
		case 'R':
			t.RST = true
		case 'P':
			t.PSH = true
		}
	}
}

// Frame lays layers out as one frame, with lengths and checksums worked
// out; a TCP or UDP layer must have its network layer set for the
// checksum (SetNetworkLayerForChecksum).
func Frame(tb testing.TB, ls ...gopacket.SerializableLayer) []byte {
	tb.Helper()
	buf := gopacket.NewSerializeBuffer()
	if err := gopacket.SerializeLayers(buf, gopacket.SerializeOptions{FixLengths: true, ComputeChecksums: true}, ls...); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}
