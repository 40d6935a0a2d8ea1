package synth

import (
	"bufio"
	"compress/gzip"
	"fmt"
	"io"
	"net"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"

	"thingsniff/capture"
)

// Hostile captures: each is small on disk and built to make an analyzer
// hold much in memory. make bench and the hostile suite of make test open
// them with every command.
const (
	// HostileMACs is n ARP announcements, each from a MAC and an address
	// never seen before: n devices.
	HostileMACs = "macs"
	// HostileFlows is n TCP connections of one SYN and one RST each, every
	// one from its own port: n flows with almost nothing in them.
	HostileFlows = "flows"
	// HostileBodies is n HTTP responses that announce a large body and send
	// a few segments of it, interleaved, none of them finished; one small
	// complete response follows at the end.
	HostileBodies = "bodies"
)

// HostileKinds lists the hostile captures Hostile writes.
func HostileKinds() []string { return []string{HostileMACs, HostileFlows, HostileBodies} }

// hostileStart is the first timestamp of every hostile capture.
var hostileStart = time.Date(2025, time.January, 6, 9, 0, 0, 0, time.UTC)

// WriteHostileFile writes the hostile capture kind with n units to a new
// file at path, gzipped when the path ends in .gz.
func WriteHostileFile(path, kind string, n int) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("write hostile capture: %w", err)
	}
	if err := WriteHostile(f, kind, n, strings.HasSuffix(path, ".gz")); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("write hostile capture: %w", err)
	}
	return nil
}

// WriteHostile writes Hostile to w through a buffer, gzipped when gz is
// set (the harm of a body is then in what it expands to).
func WriteHostile(w io.Writer, kind string, n int, gz bool) error {
	bw := bufio.NewWriterSize(w, 1<<20)
	var out io.Writer = bw
	var zw *gzip.Writer
	if gz {
		zw = gzip.NewWriter(bw)
		out = zw
	}
	if err := Hostile(out, kind, n); err != nil {
		return err
	}
	if zw != nil {
		if err := zw.Close(); err != nil {
			return fmt.Errorf("write hostile capture: %w", err)
		}
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write hostile capture: %w", err)
	}
	return nil
}

// Hostile writes the hostile capture kind with n units (devices, flows or
// bodies) as pcap to w.
func Hostile(w io.Writer, kind string, n int) error {
	if n < 1 {
		return fmt.Errorf("hostile capture %q: n is %d, want at least 1", kind, n)
	}
	pw, err := capture.NewPcapWriter(w, layers.LinkTypeEthernet, 0)
	if err != nil {
		return err
	}
	h := &hostile{pw: pw, buf: gopacket.NewSerializeBuffer(), at: hostileStart.UnixNano()}
	switch kind {
	case HostileMACs:
		h.macs(n)
	case HostileFlows:
		h.flows(n)
	case HostileBodies:
		h.bodies(n)
	default:
		return fmt.Errorf("unknown hostile capture %q: use one of %v", kind, HostileKinds())
	}
	if h.err != nil {
		return fmt.Errorf("write hostile capture %q: %w", kind, h.err)
	}
	return pw.Flush()
}

// hostile writes frames one after another, 100 µs apart; the first error
// sticks so that the generators read as lists of frames.
type hostile struct {
	pw  *capture.PcapWriter
	buf gopacket.SerializeBuffer
	at  int64
	err error
}

func (h *hostile) emit(ls ...gopacket.SerializableLayer) {
	if h.err != nil {
		return
	}
	opts := gopacket.SerializeOptions{FixLengths: true, ComputeChecksums: true}
	if err := gopacket.SerializeLayers(h.buf, opts, ls...); err != nil {
		h.err = err
		return
	}
	data := h.buf.Bytes()
	h.err = h.pw.WritePacket(h.at, data, uint32(len(data)))
	h.at += int64(100 * time.Microsecond)
}

// unit returns a locally administered MAC and a 10.x.y.z address for
// number i, distinct for the first 2^24 numbers.
func unit(i int) (net.HardwareAddr, net.IP) {
	mac := net.HardwareAddr{0x02, 0x48, 0, byte(i >> 16), byte(i >> 8), byte(i)}
	ip := net.IP{10, byte(i >> 16), byte(i >> 8), byte(i)}
	return mac, ip
}

func (h *hostile) macs(n int) {
	for i := range n {
		mac, ip := unit(i + 1)
		h.emit(eth(mac, broadcastMAC(), layers.EthernetTypeARP), &layers.ARP{
			AddrType: layers.LinkTypeEthernet, Protocol: layers.EthernetTypeIPv4,
			HwAddressSize: 6, ProtAddressSize: 4, Operation: layers.ARPRequest,
			SourceHwAddress: mac, SourceProtAddress: ip,
			DstHwAddress: zeroMAC(), DstProtAddress: ip,
		})
	}
}

// pair is a client and a server on the LAN talking TCP.
type pair struct {
	cmac, smac net.HardwareAddr
	cip, sip   net.IP
}

func (h *hostile) tcp(p pair, fromClient bool, sport, dport uint16, seq, ack uint32, flags string, payload []byte) {
	src, dst, sip, dip := p.cmac, p.smac, p.cip, p.sip
	if !fromClient {
		src, dst, sip, dip = p.smac, p.cmac, p.sip, p.cip
		sport, dport = dport, sport
	}
	ip := &layers.IPv4{Version: 4, TTL: 64, Protocol: layers.IPProtocolTCP, SrcIP: sip, DstIP: dip, Flags: layers.IPv4DontFragment}
	t := &layers.TCP{SrcPort: layers.TCPPort(sport), DstPort: layers.TCPPort(dport), Seq: seq, Ack: ack, Window: 64240}
	for _, f := range flags {
		switch f {
		case 'S':
			t.SYN = true
		case 'A':
			t.ACK = true
		case 'R':
			t.RST = true
		case 'P':
			t.PSH = true
		}
	}
	if h.err == nil {
		h.err = t.SetNetworkLayerForChecksum(ip)
	}
	h.emit(eth(src, dst, layers.EthernetTypeIPv4), ip, t, gopacket.Payload(payload))
}

// connection returns connection i's client and server and the client's
// port. Ports repeat after 60,000 connections; the client's address moves
// on then, so that every connection stays its own.
func connection(i int) (pair, uint16) {
	cmac, _ := unit(1)
	smac, sip := unit(2)
	cip := net.IP{10, 1, byte(i / 60000 >> 8), byte(i / 60000)}
	return pair{cmac: cmac, smac: smac, cip: cip, sip: sip}, uint16(1024 + i%60000)
}

func (h *hostile) flows(n int) {
	for i := range n {
		p, sport := connection(i)
		isn := uint32(i) * 7919
		h.tcp(p, true, sport, 80, isn, 0, "S", nil)
		h.tcp(p, false, sport, 80, 0, isn+1, "RA", nil)
	}
}

// bodyRounds is how many segments of each unfinished body are sent.
const bodyRounds = 3

func (h *hostile) bodies(n int) {
	chunk := make([]byte, 1400)
	for i := range chunk {
		chunk[i] = byte('a' + i%26)
	}
	cliSeq := func(i int) uint32 { return uint32(i) * 104729 }
	srvSeq := func(i int) uint32 { return uint32(i)*7919 + 1<<30 }
	head := func(length int) []byte {
		return []byte("HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: " +
			strconv.Itoa(length) + "\r\n\r\n")
	}
	get := func(i int) []byte {
		return []byte("GET /file/" + strconv.Itoa(i) + " HTTP/1.1\r\nHost: files.test\r\n\r\n")
	}
	// Each connection: handshake, request, response head.
	// sent and acked are where each server's and client's next byte goes.
	sent, acked := make([]uint32, n+1), make([]uint32, n+1)
	for i := range n + 1 {
		q, sp := connection(i)
		c, s := cliSeq(i), srvSeq(i)
		h.tcp(q, true, sp, 80, c, 0, "S", nil)
		h.tcp(q, false, sp, 80, s, c+1, "SA", nil)
		req := get(i)
		h.tcp(q, true, sp, 80, c+1, s+1, "PA", req)
		length := 64 << 20
		if i == n {
			length = len(chunk)
		}
		hd := head(length)
		acked[i] = c + 1 + uint32(len(req))
		h.tcp(q, false, sp, 80, s+1, acked[i], "PA", hd)
		sent[i] = s + 1 + uint32(len(hd))
	}
	// The unfinished bodies, a few segments each, interleaved.
	for range bodyRounds {
		for i := range n {
			q, sp := connection(i)
			h.tcp(q, false, sp, 80, sent[i], acked[i], "A", chunk)
			sent[i] += uint32(len(chunk))
		}
	}
	// The one complete object, last.
	q, sp := connection(n)
	h.tcp(q, false, sp, 80, sent[n], acked[n], "PA", chunk)
}
