// Package streamtest reads TCP streams out of capture files for tests of
// the stream and HTTP packages. It decodes with gopacket directly, so those
// tests stand apart from the project's decode core.
package streamtest

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"testing"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"

	"thingsniff/decode/stream"
)

// CorpusDir returns ../shared/corpus beside the repository root, or skips
// the test when it is absent.
func CorpusDir(t testing.TB) string {
	t.Helper()
	_, file, _, _ := runtime.Caller(0)
	dir := filepath.Join(filepath.Dir(file), "..", "..", "..", "..", "shared", "corpus")
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("corpus not found at %s: %v", dir, err)
	}
	return dir
}

// TCPStream is one TCP conversation of a capture, numbered like tshark's
// tcp.stream, with its segments in capture order.
type TCPStream struct {
	// Client is "ip:port" of the first packet's source (tshark's Node 0).
	Client, Server string
	Segs           []stream.Segment
	closed         bool
}

// ReadTCP decodes a pcap or pcapng file and splits it into TCP streams.
// IP fragments are skipped.
func ReadTCP(path string) ([]*TCPStream, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open capture: %w", err)
	}
	defer f.Close()
	br := bufio.NewReader(f)
	magic, _ := br.Peek(4)
	type reader interface {
		ReadPacketData() ([]byte, gopacket.CaptureInfo, error)
	}
	var r reader
	var link layers.LinkType
	if bytes.Equal(magic, []byte{0x0a, 0x0d, 0x0d, 0x0a}) {
		ng, err := pcapgo.NewNgReader(br, pcapgo.DefaultNgReaderOptions)
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", path, err)
		}
		r, link = ng, ng.LinkType()
	} else {
		pr, err := pcapgo.NewReader(br)
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", path, err)
		}
		r, link = pr, pr.LinkType()
	}
	var first gopacket.Decoder = link
	switch link {
	case 228: // LINKTYPE_IPV4, which gopacket does not decode by itself
		first = layers.LayerTypeIPv4
	case 229:
		first = layers.LayerTypeIPv6
	}
	var streams []*TCPStream
	byKey := map[string]*TCPStream{}
	for n := uint64(1); ; n++ {
		data, _, err := r.ReadPacketData()
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("read %s packet %d: %w", path, n, err)
		}
		p := gopacket.NewPacket(data, first, gopacket.DecodeOptions{Lazy: true, NoCopy: true})
		var src, dst string
		wire := -1
		switch ip := p.NetworkLayer().(type) {
		case *layers.IPv4:
			if ip.Flags&layers.IPv4MoreFragments != 0 || ip.FragOffset != 0 {
				continue
			}
			src, dst = ip.SrcIP.String(), ip.DstIP.String()
			wire = int(ip.Length) - int(ip.IHL)*4
		case *layers.IPv6:
			src, dst = "["+ip.SrcIP.String()+"]", "["+ip.DstIP.String()+"]"
			wire = int(ip.Length)
		default:
			continue
		}
		tcp, ok := p.TransportLayer().(*layers.TCP)
		if !ok {
			continue
		}
		s := stream.Segment{Seq: tcp.Seq, Ack: tcp.Ack, Payload: bytes.Clone(tcp.Payload), Packet: n}
		if w := wire - int(tcp.DataOffset)*4; w > len(s.Payload) {
			s.WireLen = w
		}
		for _, fl := range []struct {
			on bool
			f  stream.Flags
		}{{tcp.SYN, stream.SYN}, {tcp.FIN, stream.FIN}, {tcp.RST, stream.RST}, {tcp.ACK, stream.ACK}} {
			if fl.on {
				s.Flags |= fl.f
			}
		}
		a := src + ":" + strconv.Itoa(int(tcp.SrcPort))
		b := dst + ":" + strconv.Itoa(int(tcp.DstPort))
		key := a + "|" + b
		if b < a {
			key = b + "|" + a
		}
		st := byKey[key]
		if st == nil || (st.closed && tcp.SYN && !tcp.ACK) {
			st = &TCPStream{Client: a, Server: b}
			byKey[key] = st
			streams = append(streams, st)
		}
		if a != st.Client {
			s.Dir = stream.ServerToClient
		}
		if tcp.FIN || tcp.RST {
			st.closed = true
		}
		st.Segs = append(st.Segs, s)
	}
	return streams, nil
}
