// Package streamtest reads TCP streams out of capture files for tests of
// the stream and HTTP packages. It decodes with gopacket directly, so those
// tests stand apart from the project's decode core.
package streamtest

import (
	"bytes"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"strconv"
	"strings"
	"testing"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"

	"thingsniff/decode/decodetest"
	"thingsniff/decode/stream"
)

// CorpusDir returns ../shared/corpus beside the repository root, or skips
// the test when it is absent.
func CorpusDir(t testing.TB) string { return decodetest.CorpusDir(t) }

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
	r, err := decodetest.OpenCapture(path, false)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	link := r.Link
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
		data, _, err := r.Read()
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

// TsharkStream is one TCP stream as tshark's follow,tcp,raw shows it: its
// Node 0 ("ip:port") and the bytes each way (0 from Node 0).
type TsharkStream struct {
	Node0 string
	Data  [2][]byte
}

// TsharkRaw runs tshark's follow,tcp,raw on the first n TCP streams of
// path and returns them by stream number.
func TsharkRaw(t testing.TB, path string, n int) []TsharkStream {
	t.Helper()
	args := []string{"-n", "-r", path, "-q"}
	for i := range n {
		args = append(args, "-z", fmt.Sprintf("follow,tcp,raw,%d", i))
	}
	out, err := exec.Command("tshark", args...).Output()
	if err != nil {
		t.Fatalf("tshark %s: %v", path, err)
	}
	res := make([]TsharkStream, n)
	cur := -1
	for _, line := range strings.Split(string(out), "\n") {
		if rest, ok := strings.CutPrefix(line, "Filter: tcp.stream eq "); ok {
			if cur, err = strconv.Atoi(rest); err != nil || cur >= n {
				t.Fatalf("tshark output: bad filter line %q", line)
			}
			continue
		}
		if rest, ok := strings.CutPrefix(line, "Node 0: "); ok && cur >= 0 {
			res[cur].Node0 = rest
			continue
		}
		if cur < 0 || line == "" || strings.HasPrefix(line, "=") || strings.HasPrefix(line, "Node ") || strings.HasPrefix(line, "Follow:") {
			continue
		}
		d := 0
		if h, ok := strings.CutPrefix(line, "\t"); ok {
			d, line = 1, h
		}
		b, err := hex.DecodeString(line)
		if err != nil {
			t.Fatalf("tshark output: bad hex line %q: %v", line, err)
		}
		res[cur].Data[d] = append(res[cur].Data[d], b...)
	}
	return res
}
