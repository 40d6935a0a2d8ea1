package decode_test

import (
	"testing"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"

	"thingsniff/decode"
	"thingsniff/decode/decodetest"
)

// One connection written segment by segment, each with the analysis
// marks Wireshark gives it and the tags its Info starts with.
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
		want       decode.Analysis
		tags       string
	}
	const (
		resent   = decode.AnalysisRetransmission
		spurious = resent | decode.AnalysisSpuriousRetransmission
		fast     = resent | decode.AnalysisFastRetransmission
	)
	segs := []seg{
		{true, "S", 1000, 0, 64240, 0, 0, 0, ""},
		{false, "SA", 5000, 1001, 65535, 0, 10, 0, ""},
		{true, "A", 1001, 5001, 502, 0, 20, 0, ""},
		{true, "PA", 1001, 5001, 502, 100, 30, 0, ""},
		{true, "PA", 1101, 5001, 502, 100, 31, 0, ""},
		{true, "PA", 1001, 5001, 502, 100, 500, resent, "[TCP Retransmission] "},
		{false, "A", 5001, 1201, 0, 0, 510, decode.AnalysisZeroWindow, "[TCP ZeroWindow] "},
		{false, "A", 5001, 1201, 8192, 0, 520, decode.AnalysisWindowUpdate, "[TCP Window Update] "},
		{false, "A", 5001, 1201, 8192, 0, 530, decode.AnalysisDupAck, "[TCP Dup ACK 7#1] "}, // 9
		{true, "PA", 1301, 5001, 502, 100, 600, decode.AnalysisLostSegment, "[TCP Previous segment not captured] "},
		{true, "PA", 1201, 5001, 502, 100, 601, decode.AnalysisOutOfOrder, "[TCP Out-Of-Order] "},
		{false, "A", 5001, 1401, 8192, 0, 700, 0, ""},
		{true, "A", 1400, 5001, 502, 0, 5000, decode.AnalysisKeepAlive, "[TCP Keep-Alive] "}, // 13
		{false, "A", 5001, 1401, 8192, 0, 5010, decode.AnalysisKeepAliveAck, "[TCP Keep-Alive ACK] "},
		{false, "A", 5001, 1601, 8192, 0, 5100, decode.AnalysisAckedUnseen, "[TCP ACKed unseen segment] "}, // 15
		{true, "PA", 1201, 5001, 502, 100, 6000, spurious, "[TCP Spurious Retransmission] "},
		{true, "PA", 1401, 5001, 502, 400, 6050, 0, ""},
		{false, "A", 5001, 1601, 8192, 0, 6100, decode.AnalysisDupAck, "[TCP Dup ACK 15#1] "},
		{false, "A", 5001, 1601, 8192, 0, 6101, decode.AnalysisDupAck, "[TCP Dup ACK 15#2] "},
		{true, "PA", 1601, 5001, 502, 200, 6105, fast, "[TCP Fast Retransmission] "}, // 20
		{true, "PA", 1801, 5001, 502, 7992, 7000, decode.AnalysisWindowFull, "[TCP Window Full] "},
		{false, "A", 5001, 9793, 0, 0, 7100, decode.AnalysisZeroWindow, "[TCP ZeroWindow] "},
		{true, "PA", 9793, 5001, 502, 1, 7200, decode.AnalysisZeroWindowProbe, "[TCP ZeroWindowProbe] "},
		{false, "A", 5001, 9793, 0, 0, 7300, decode.AnalysisZeroWindowProbeAck | decode.AnalysisZeroWindow, "[TCP ZeroWindowProbeAck] [TCP ZeroWindow] "},
		{true, "S", 90000, 0, 64240, 0, 8000, decode.AnalysisPortsReused, "[TCP Port numbers reused] "}, // 25
	}
	e := decode.NewEngine()
	var ix decode.Index
	for i, s := range segs {
		ip, sp, dp := client, layers.TCPPort(50000), layers.TCPPort(8883)
		if !s.fromClient {
			ip, sp, dp = server, dp, sp
		}
		tcp := &layers.TCP{SrcPort: sp, DstPort: dp, Seq: s.seq, Ack: s.ack, Window: s.win}
		decodetest.SetTCPFlags(tcp, s.flags)
		tcp.SetNetworkLayerForChecksum(ip)
		b := decodetest.Frame(t, eth(layers.EthernetTypeIPv4), ip, tcp, gopacket.Payload(make([]byte, s.data)))
		ix = e.Add(b, layers.LinkTypeEthernet, decode.Meta{Time: s.ms * 1e6, CapLen: uint32(len(b)), OrigLen: uint32(len(b))})
		if ix.Analysis != s.want {
			t.Errorf("segment %d: marks %q, want %q", i+1, flagNames(ix.Analysis), flagNames(s.want))
		}
		info := decode.Summarize(e.Last(), e.Flow(ix.Flow)).Info
		if got := analysisPrefix.FindString(info); got != s.tags {
			t.Errorf("segment %d: info %q, want it to start with %q", i+1, info, s.tags)
		}
	}
	if f := e.Flow(1); f == nil || f.Retransmissions != 3 {
		t.Errorf("flow counts %v retransmissions, want 3", f)
	}
	if ix.Flow != 2 {
		t.Errorf("a SYN with a new sequence number on the same ports is in flow %d, want a new flow 2", ix.Flow)
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
		if ix.Analysis != 0 || ix.Flags.Has(decode.FlagMalformed) {
			t.Errorf("segment %d of a headers-only capture marked %b, %b", i+1, ix.Flags, ix.Analysis)
		}
	}
}
