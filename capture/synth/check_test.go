package synth

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"testing"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"
)

// frame is one packet read back from a generated capture.
type frame struct {
	ci   gopacket.CaptureInfo
	data []byte
}

// readCapture reads every packet of a pcap or pcapng file held in data.
func readCapture(t testing.TB, data []byte) []frame {
	t.Helper()
	type reader interface {
		ReadPacketData() ([]byte, gopacket.CaptureInfo, error)
	}
	var rd reader
	var err error
	if bytes.HasPrefix(data, []byte{0x0a, 0x0d, 0x0d, 0x0a}) {
		rd, err = pcapgo.NewNgReader(bytes.NewReader(data), pcapgo.DefaultNgReaderOptions)
	} else {
		rd, err = pcapgo.NewReader(bytes.NewReader(data))
	}
	if err != nil {
		t.Fatalf("open generated capture: %v", err)
	}
	var out []frame
	for {
		b, ci, err := rd.ReadPacketData()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatalf("read packet %d: %v", len(out)+1, err)
		}
		out = append(out, frame{ci: ci, data: append([]byte(nil), b...)})
	}
}

// inetSum is the Internet checksum over b, 16 bits at a time as RFC 1071
// defines it; a correct header or segment (checksum field included) sums
// to zero. Written apart from the generator's so that it checks it.
func inetSum(init uint32, b []byte) uint16 {
	s := init
	for i := 0; i+1 < len(b); i += 2 {
		s += uint32(b[i])<<8 | uint32(b[i+1])
	}
	if len(b)%2 == 1 {
		s += uint32(b[len(b)-1]) << 8
	}
	for s > 0xffff {
		s = s>>16 + s&0xffff
	}
	return ^uint16(s)
}

// checkFrame decodes one frame fully and checks lengths and checksums.
func checkFrame(f frame) (gopacket.Packet, error) {
	if f.ci.CaptureLength != len(f.data) || f.ci.Length != len(f.data) {
		return nil, fmt.Errorf("capture info %d/%d for %d bytes", f.ci.CaptureLength, f.ci.Length, len(f.data))
	}
	p := gopacket.NewPacket(f.data, layers.LayerTypeEthernet, gopacket.Default)
	if el := p.ErrorLayer(); el != nil {
		return nil, fmt.Errorf("decode failure: %v", el.Error())
	}
	ipl, ok := p.Layer(layers.LayerTypeIPv4).(*layers.IPv4)
	if !ok {
		if p.Layer(layers.LayerTypeARP) == nil {
			return nil, fmt.Errorf("neither IPv4 nor ARP: %v", p)
		}
		return p, nil
	}
	ip := f.data[14:]
	if int(ipl.Length) > len(ip) || (int(ipl.Length) < len(ip) && len(f.data) != 60) {
		return nil, fmt.Errorf("IP length %d in a frame of %d bytes", ipl.Length, len(f.data))
	}
	ip = ip[:ipl.Length]
	if inetSum(0, ip[:20]) != 0 {
		return nil, fmt.Errorf("bad IPv4 header checksum %#04x", ipl.Checksum)
	}
	l4 := ip[20:]
	pseudo := uint32(binary.BigEndian.Uint16(ip[12:])) + uint32(binary.BigEndian.Uint16(ip[14:])) +
		uint32(binary.BigEndian.Uint16(ip[16:])) + uint32(binary.BigEndian.Uint16(ip[18:])) +
		uint32(ipl.Protocol) + uint32(len(l4))
	switch ipl.Protocol {
	case layers.IPProtocolTCP:
		if inetSum(pseudo, l4) != 0 {
			return nil, fmt.Errorf("bad TCP checksum")
		}
	case layers.IPProtocolUDP:
		if binary.BigEndian.Uint16(l4[4:]) != uint16(len(l4)) {
			return nil, fmt.Errorf("UDP length %d, datagram of %d", binary.BigEndian.Uint16(l4[4:]), len(l4))
		}
		if inetSum(pseudo, l4) != 0 {
			return nil, fmt.Errorf("bad UDP checksum")
		}
	case layers.IPProtocolICMPv4:
		if inetSum(0, l4) != 0 {
			return nil, fmt.Errorf("bad ICMP checksum")
		}
	}
	return p, nil
}

// checkFrames checks every frame and that time never runs backwards.
func checkFrames(t *testing.T, fs []frame) []gopacket.Packet {
	t.Helper()
	ps := make([]gopacket.Packet, len(fs))
	for i, f := range fs {
		p, err := checkFrame(f)
		if err != nil {
			t.Fatalf("packet %d: %v", i+1, err)
		}
		if i > 0 && f.ci.Timestamp.Before(fs[i-1].ci.Timestamp) {
			t.Fatalf("packet %d: time runs backwards", i+1)
		}
		ps[i] = p
	}
	return ps
}

// half is one direction of a TCP connection as a receiver sees it.
type half struct {
	isn      uint32
	started  bool
	stream   []byte            // bytes delivered in order
	pending  map[uint32][]byte // out-of-order segments by relative seq
	fin      bool              // FIN delivered in order
	maxAck   uint32            // highest relative ack sent by this side
	firstFIN int               // packet number of the FIN, 0 when none
	lastData int
}

// tcpConn is a connection keyed by its first packet's direction.
type tcpConn struct {
	key     string
	half    [2]*half // [0] from the side that sent the first packet
	rst     int      // packet number of the first RST
	packets []int
}

// next is the relative sequence number h expects next.
func (h *half) next() uint32 {
	n := uint32(len(h.stream)) + 1
	if h.fin {
		n++
	}
	return n
}

// deliver accepts a segment at relative seq rel, checking that it fits the
// stream: new bytes at the edge, a retransmission of bytes already seen
// (the same bytes), or a segment ahead of a gap that must be filled later.
func (h *half) deliver(rel uint32, payload []byte, fin bool) error {
	switch {
	case len(payload) == 0 && !fin && rel <= h.next():
		return nil // a bare acknowledgement
	case rel == h.next() || (rel < h.next() && rel+uint32(len(payload)) > h.next()):
		if rel < h.next() {
			return fmt.Errorf("segment at %d overlaps the edge %d", rel, h.next())
		}
		if h.fin {
			return fmt.Errorf("data after FIN")
		}
		h.stream = append(h.stream, payload...)
		h.fin = fin
		for {
			seg, ok := h.pending[h.next()]
			if !ok {
				break
			}
			delete(h.pending, h.next())
			h.stream = append(h.stream, seg...)
		}
	case rel < h.next():
		start := int(rel) - 1
		if start < 0 || start+len(payload) > len(h.stream) || !bytes.Equal(h.stream[start:start+len(payload)], payload) {
			if len(payload) > 0 {
				return fmt.Errorf("retransmission at %d does not repeat the bytes sent", rel)
			}
		}
		if fin && !h.fin && rel+uint32(len(payload)) != h.next() {
			return fmt.Errorf("FIN at %d inside the stream", rel)
		}
	default:
		if fin {
			return fmt.Errorf("FIN ahead of a gap")
		}
		if h.pending == nil {
			h.pending = map[uint32][]byte{}
		}
		h.pending[rel] = append([]byte(nil), payload...)
	}
	return nil
}

// checkTCP follows every TCP connection and checks that sequence and
// acknowledgement numbers are consistent: each side's stream has no holes
// at the end, retransmissions repeat what was sent, and nobody acknowledges
// what was not sent. It returns the connections in order of first packet.
func checkTCP(t *testing.T, ps []gopacket.Packet) []*tcpConn {
	t.Helper()
	conns := map[string]*tcpConn{}
	var order []*tcpConn
	for i, p := range ps {
		tcp, ok := p.Layer(layers.LayerTypeTCP).(*layers.TCP)
		if !ok {
			continue
		}
		ip := p.NetworkLayer().NetworkFlow()
		a := fmt.Sprintf("%v:%d", ip.Src(), tcp.SrcPort)
		b := fmt.Sprintf("%v:%d", ip.Dst(), tcp.DstPort)
		dir := 0
		c := conns[a+">"+b]
		if c == nil {
			if c = conns[b+">"+a]; c != nil {
				dir = 1
			}
		}
		no := i + 1
		if c == nil {
			if !tcp.SYN || tcp.ACK {
				t.Fatalf("packet %d: connection %s>%s does not start with a SYN", no, a, b)
			}
			c = &tcpConn{key: a + ">" + b, half: [2]*half{{}, {}}}
			conns[c.key] = c
			order = append(order, c)
		}
		c.packets = append(c.packets, no)
		h, peer := c.half[dir], c.half[1-dir]
		if tcp.SYN {
			if h.started && tcp.Seq != h.isn {
				t.Fatalf("packet %d: second SYN with a new ISN", no)
			}
			h.isn, h.started = tcp.Seq, true
			if tcp.ACK && (!peer.started || tcp.Ack != peer.isn+1) {
				t.Fatalf("packet %d: SYN+ACK acknowledges %d, not the SYN", no, tcp.Ack)
			}
			continue
		}
		if !h.started {
			t.Fatalf("packet %d: %s sends before its SYN", no, a)
		}
		if tcp.RST && c.rst == 0 {
			c.rst = no
		}
		if tcp.ACK {
			rel := tcp.Ack - peer.isn
			sent := uint32(len(peer.stream)) + 1
			for s := range peer.pending {
				sent = max(sent, s+uint32(len(peer.pending[s])))
			}
			if peer.fin {
				sent++
			}
			if rel > sent {
				t.Fatalf("packet %d: acknowledges %d, peer sent up to %d", no, rel, sent)
			}
			if rel < h.maxAck {
				t.Fatalf("packet %d: acknowledgement goes back from %d to %d", no, h.maxAck, rel)
			}
			h.maxAck = rel
		}
		if tcp.RST {
			continue
		}
		if tcp.FIN && h.firstFIN == 0 {
			h.firstFIN = no
		}
		if len(tcp.Payload) > 0 {
			h.lastData = no
		}
		if err := h.deliver(tcp.Seq-h.isn, tcp.Payload, tcp.FIN); err != nil {
			t.Fatalf("packet %d (%s): %v", no, c.key, err)
		}
	}
	for _, c := range order {
		for d, h := range c.half {
			if len(h.pending) > 0 {
				t.Errorf("connection %s direction %d: %d out-of-order segments never filled in", c.key, d, len(h.pending))
			}
		}
	}
	return order
}

// at is the capture time of packet number no.
func at(fs []frame, no int) time.Time { return fs[no-1].ci.Timestamp }
