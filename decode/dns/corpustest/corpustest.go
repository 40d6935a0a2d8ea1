// Package corpustest reads UDP and TCP payloads out of the corpus captures
// for the tests of the application-protocol parsers (dhcp, dns, tls).
// It decodes with gopacket directly, so those tests stand apart from the
// project's decode core, and it reads tshark's expected TSV files. The
// device timeline's corpus tests use it too, for the expected files and
// to list the frames they check.
package corpustest

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/ip4defrag"
	"github.com/gopacket/gopacket/ip6defrag"
	"github.com/gopacket/gopacket/layers"

	"thingsniff/decode/decodetest"
)

// CorpusDir returns ../shared/corpus beside the repository root, or skips
// the test when it is absent.
func CorpusDir(t testing.TB) string { return decodetest.CorpusDir(t) }

// Capture is one corpus capture with a non-empty expected TSV file.
type Capture struct {
	// Local is the capture's path relative to the corpus directory.
	Local string
	// Path is the capture's full path.
	Path string
	// Expected is the full path of the expected TSV file.
	Expected string
}

// WithExpected lists the captures whose expected/<local>.tshark/<name>
// file has at least one data row.
func WithExpected(t testing.TB, name string) []Capture {
	t.Helper()
	dir := CorpusDir(t)
	exp := filepath.Join(dir, "expected")
	var out []Capture
	err := filepath.WalkDir(exp, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || d.Name() != name {
			return err
		}
		rows, err := ReadTSV(p)
		if err != nil || len(rows) == 0 {
			return err
		}
		rel, _ := filepath.Rel(exp, filepath.Dir(p))
		local := strings.TrimSuffix(rel, ".tshark")
		out = append(out, Capture{Local: local, Path: filepath.Join(dir, local), Expected: p})
		return nil
	})
	if err != nil {
		t.Fatalf("list expected %s files: %v", name, err)
	}
	return out
}

// ReadTSV reads a tshark TSV file as maps from header name to value, one
// per data row.
func ReadTSV(path string) ([]map[string]string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read expected file: %w", err)
	}
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(lines) == 0 {
		return nil, nil
	}
	head := strings.Split(lines[0], "\t")
	var rows []map[string]string
	for _, l := range lines[1:] {
		f := strings.Split(l, "\t")
		r := make(map[string]string, len(head))
		for i, h := range head {
			if i < len(f) {
				r[h] = f[i]
			}
		}
		rows = append(rows, r)
	}
	return rows, nil
}

// Packet is the transport payload of one frame.
type Packet struct {
	// Frame is the 1-based frame number, as tshark counts.
	Frame int
	// Src and Dst are the IP endpoints.
	Src, Dst netip.AddrPort
	// TCP is true for TCP, false for UDP.
	TCP bool
	// SYN, FIN and RST are the TCP flags.
	SYN, FIN, RST bool
	// Seq is the TCP sequence number.
	Seq uint32
	// Payload is the transport payload (a copy).
	Payload []byte
	// Fragment is true for an IP fragment that does not complete a
	// datagram (those are left out); the fragment that completes one
	// carries the reassembled payload.
	Fragment bool
}

// Read decodes every frame of a pcap or pcapng file and returns those that
// carry UDP or TCP.
func Read(path string) ([]Packet, error) {
	r, err := decodetest.OpenCapture(path, true) // tshark numbers packets of every interface
	if err != nil {
		return nil, err
	}
	defer r.Close()
	link := r.Link
	var frames []int
	if r.Ng != nil {
		frames = ngFrameNumbers(path)
	}
	var out []Packet
	d4 := ip4defrag.NewIPv4Defragmenter()
	d6 := ip6defrag.NewIPv6Defragmenter()
	for n := 1; ; n++ {
		data, ci, err := r.Read()
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			break
		}
		if err != nil {
			return out, fmt.Errorf("read %s packet %d: %w", path, n, err)
		}
		lt := link
		if len(ci.AncillaryData) > 0 {
			if l, ok := ci.AncillaryData[0].(layers.LinkType); ok {
				lt = l
			}
		}
		var first gopacket.Decoder = lt
		switch lt {
		case 228, 229, layers.LinkTypeRaw, 12, 14:
			// Raw IP, whatever the link type claims: tshark goes by the
			// version nibble (LINKTYPE_IPV4_invalid holds IPv6).
			first = layers.LayerTypeIPv4
			if len(data) > 0 && data[0]>>4 == 6 {
				first = layers.LayerTypeIPv6
			}
		case 239: // NFLOG, which gopacket does not decode
			var ok bool
			if data, first, ok = nflogPayload(data); !ok {
				continue
			}
		}
		p := gopacket.NewPacket(data, first, gopacket.DecodeOptions{Lazy: true, NoCopy: true})
		pk := Packet{Frame: n}
		if n-1 < len(frames) {
			pk.Frame = frames[n-1]
		}
		var src, dst netip.Addr
		tl := p.TransportLayer()
		switch ip := p.NetworkLayer().(type) {
		case *layers.IPv4:
			src, _ = netip.AddrFromSlice(ip.SrcIP)
			dst, _ = netip.AddrFromSlice(ip.DstIP)
			src, dst = src.Unmap(), dst.Unmap()
			if ip.Flags&layers.IPv4MoreFragments != 0 || ip.FragOffset != 0 {
				pk.Fragment = true
				whole, err := d4.DefragIPv4(ip)
				if err != nil || whole == nil {
					break
				}
				tl = transport(whole.Payload, whole.Protocol)
			}
		case *layers.IPv6:
			src, _ = netip.AddrFromSlice(ip.SrcIP)
			dst, _ = netip.AddrFromSlice(ip.DstIP)
			if fg, ok := p.Layer(layers.LayerTypeIPv6Fragment).(*layers.IPv6Fragment); ok {
				pk.Fragment = true
				if whole := d6.DefragIPv6(ip, fg); whole != nil {
					tl = transport(whole.Payload, whole.NextHeader)
				}
			}
		default:
			continue
		}
		switch tr := tl.(type) {
		case *layers.UDP:
			pk.Src = netip.AddrPortFrom(src, uint16(tr.SrcPort))
			pk.Dst = netip.AddrPortFrom(dst, uint16(tr.DstPort))
			pk.Payload = bytes.Clone(tr.Payload)
		case *layers.TCP:
			pk.TCP = true
			pk.Src = netip.AddrPortFrom(src, uint16(tr.SrcPort))
			pk.Dst = netip.AddrPortFrom(dst, uint16(tr.DstPort))
			pk.SYN, pk.FIN, pk.RST, pk.Seq = tr.SYN, tr.FIN, tr.RST, tr.Seq
			pk.Payload = bytes.Clone(tr.Payload)
		default:
			continue
		}
		if tl != p.TransportLayer() {
			pk.Fragment = false // the last fragment, carrying the whole datagram
		}
		out = append(out, pk)
	}
	return out, nil
}

// transport decodes the UDP or TCP header of a reassembled datagram.
func transport(b []byte, proto layers.IPProtocol) gopacket.TransportLayer {
	var lt gopacket.LayerType
	switch proto {
	case layers.IPProtocolUDP:
		lt = layers.LayerTypeUDP
	case layers.IPProtocolTCP:
		lt = layers.LayerTypeTCP
	default:
		return nil
	}
	return gopacket.NewPacket(b, lt, gopacket.Default).TransportLayer()
}

// Port reports whether either end of p uses port.
func (p Packet) Port(port uint16) bool {
	return p.Src.Port() == port || p.Dst.Port() == port
}

// Key names the direction of p's flow, "src>dst" with transport.
func (p Packet) Key() string {
	proto := "udp"
	if p.TCP {
		proto = "tcp"
	}
	return proto + " " + p.Src.String() + ">" + p.Dst.String()
}

// Tally counts agreement per field.
type Tally struct {
	Fields []string
	Agree  map[string]int
	Total  map[string]int
	// Explained counts disagreements explained by a known-difference table.
	Explained map[string]int
	// Skipped counts values outside the parser's scope (for example a
	// protocol on a port the caller would not hand to the parser); they
	// are left out of the agreement.
	Skipped map[string]int
}

// NewTally starts counting for the named fields.
func NewTally(fields ...string) *Tally {
	return &Tally{Fields: fields, Agree: map[string]int{}, Total: map[string]int{}, Explained: map[string]int{}, Skipped: map[string]int{}}
}

// Add records one comparison: agree, or an explained difference, or
// neither (the caller reports that as an error).
func (t *Tally) Add(field string, agree, explained bool) {
	t.Total[field]++
	switch {
	case agree:
		t.Agree[field]++
	case explained:
		t.Explained[field]++
	}
}

// Skip records a value outside the parser's scope.
func (t *Tally) Skip(field string) { t.Skipped[field]++ }

// Report logs the agreement per field and fails when a field with values
// falls under min (a fraction, e.g. 0.99).
func (t *Tally) Report(tb testing.TB, min float64) {
	tb.Helper()
	for _, f := range t.Fields {
		tot := t.Total[f]
		if tot == 0 {
			tb.Logf("%-24s no values", f)
			continue
		}
		frac := float64(t.Agree[f]) / float64(tot)
		tb.Logf("%-24s %5d/%-5d agree (%.2f%%), %d explained differences, %d out of scope", f, t.Agree[f], tot, 100*frac, t.Explained[f], t.Skipped[f])
		if frac < min {
			tb.Errorf("%s: agreement %.2f%% under %.2f%%", f, 100*frac, 100*min)
		}
	}
}

// Atoi parses a decimal or 0x-prefixed hex number, -1 when empty or bad.
func Atoi(s string) int {
	v, err := strconv.ParseInt(s, 0, 64)
	if err != nil {
		return -1
	}
	return int(v)
}
