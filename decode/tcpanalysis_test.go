package decode_test

import (
	"strings"
	"testing"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"

	"thingsniff/decode"
	"thingsniff/decode/decodetest"
)

// One connection written segment by segment, each with the analysis
// mark Wireshark gives it and the tag its Info starts with.
func TestTCPAnalysis(t *testing.T) {
	client := ip4(layers.IPProtocolTCP, "192.168.137.23", "52.1.2.3")
	server := ip4(layers.IPProtocolTCP, "52.1.2.3", "192.168.137.23")
	type seg struct {
		fromClient bool
		flags      string
		seq, ack   uint32
		win        uint16
		data       int
		ms         int64 // time of the segment
		want       decode.Flags
		tag        string
	}
	segs := []seg{
		{true, "S", 1000, 0, 64240, 0, 0, 0, ""},
		{false, "SA", 5000, 1001, 65535, 0, 10, 0, ""},
		{true, "A", 1001, 5001, 502, 0, 20, 0, ""},
		{true, "PA", 1001, 5001, 502, 100, 30, 0, ""},
		{true, "PA", 1101, 5001, 502, 100, 31, 0, ""},
		{true, "PA", 1001, 5001, 502, 100, 500, decode.FlagRetransmission, "[TCP Retransmission] "},
		{false, "A", 5001, 1201, 0, 0, 510, decode.FlagZeroWindow, "[TCP ZeroWindow] "},
		{false, "A", 5001, 1201, 8192, 0, 520, decode.FlagWindowUpdate, "[TCP Window Update] "},
		{false, "A", 5001, 1201, 8192, 0, 530, decode.FlagDupAck, "[TCP Dup ACK] "},
		{true, "PA", 1301, 5001, 502, 100, 600, decode.FlagLostSegment, "[TCP Previous segment not captured] "},
		{true, "PA", 1201, 5001, 502, 100, 601, decode.FlagOutOfOrder, "[TCP Out-Of-Order] "},
		{true, "A", 1400, 5001, 502, 0, 5000, decode.FlagKeepAlive, "[TCP Keep-Alive] "},
	}
	e := decode.NewEngine()
	for i, s := range segs {
		ip, sp, dp := client, layers.TCPPort(50000), layers.TCPPort(8883)
		if !s.fromClient {
			ip, sp, dp = server, dp, sp
		}
		tcp := &layers.TCP{SrcPort: sp, DstPort: dp, Seq: s.seq, Ack: s.ack, Window: s.win}
		decodetest.SetTCPFlags(tcp, s.flags)
		tcp.SetNetworkLayerForChecksum(ip)
		b := decodetest.Frame(t, eth(layers.EthernetTypeIPv4), ip, tcp, gopacket.Payload(make([]byte, s.data)))
		ix := e.Add(b, layers.LinkTypeEthernet, decode.Meta{Time: s.ms * 1e6, CapLen: uint32(len(b)), OrigLen: uint32(len(b))})
		if got := ix.Flags & decode.FlagsTCPAnalysis; got != s.want {
			t.Errorf("segment %d: flags %b, want %b", i+1, got, s.want)
		}
		info := decode.Summarize(e.Last(), e.Flow(ix.Flow)).Info
		if s.tag != "" && !strings.HasPrefix(info, s.tag) || s.tag == "" && strings.HasPrefix(info, "[TCP") {
			t.Errorf("segment %d: info %q, want it to start with %q", i+1, info, s.tag)
		}
	}
	if f := e.Flow(1); f == nil || f.Retransmissions != 1 {
		t.Errorf("flow counts %v retransmissions, want 1", f)
	}
}

// Headers-only capture: the segment lengths come from the IP headers, so
// a connection cut to 64 bytes a frame shows no lost segments.
func TestTCPAnalysisHeadersOnly(t *testing.T) {
	client := ip4(layers.IPProtocolTCP, "192.168.137.23", "52.1.2.3")
	e := decode.NewEngine()
	for i, seq := range []uint32{1001, 2461, 3921} {
		tcp := &layers.TCP{SrcPort: 50000, DstPort: 443, Seq: seq, Ack: 1, Window: 502, ACK: true}
		tcp.SetNetworkLayerForChecksum(client)
		b := decodetest.Frame(t, eth(layers.EthernetTypeIPv4), client, tcp, gopacket.Payload(make([]byte, 1460)))
		ix := e.Add(b[:64], layers.LinkTypeEthernet, decode.Meta{Time: int64(i) * 1e9, CapLen: 64, OrigLen: uint32(len(b))})
		if ix.Flags.Any(decode.FlagsTCPAnalysis | decode.FlagMalformed) {
			t.Errorf("segment %d of a headers-only capture marked %b", i+1, ix.Flags)
		}
	}
}
