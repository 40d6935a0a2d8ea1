package capture

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gopacket/gopacket/layers"
)

// isb appends an interface statistics block with the interface's
// received and dropped counts.
func (b *ng) isb(iface uint32, recv, drop uint64) *ng {
	return b.block(blockISB, b.u32(iface), b.u32(0), b.u32(0),
		b.opt(optISBIfRecv, b.o.AppendUint64(nil, recv)), b.opt(optISBIfDrop, b.o.AppendUint64(nil, drop)), b.u32(0))
}

// describedCapture is two sections in big-endian order: the first with
// a described interface, three packets (one cut by the snap length, one
// older than the one before) and its statistics; the second with a bare
// interface and one packet.
func describedCapture() []byte {
	b := &ng{o: binary.BigEndian}
	b.block(blockSHB, b.u32(bomMagic), b.u16(1), b.u16(0), b.o.AppendUint64(nil, ^uint64(0)),
		b.opt(optSHBHardware, []byte("a laptop")), b.opt(optSHBOS, []byte("Linux 6.1\x00")),
		b.opt(optSHBUserAppl, []byte("dumpcap")), b.opt(optComment, []byte("the heater's first night")), b.u32(0))
	b.idb(1, 96, b.opt(optIfName, []byte("eth0")), b.opt(optIfDesc, []byte("LAN jack")),
		b.opt(optIfFilter, []byte("\x00udp port 67")), b.opt(optIfOS, []byte("Linux")), b.opt(optComment, []byte("port 3")))
	b.epb(0, 2_000_000, pkt(60, 1), 60).epb(0, 3_000_000, pkt(96, 2), 1514).epb(0, 2_500_000, pkt(60, 3), 60)
	b.isb(0, 100, 7)
	b.shb().idb(1, 0).epb(0, 4_000_000, pkt(42, 4), 42)
	return b.buf.Bytes()
}

// propertiesOf writes data to a file named name and reads its
// properties, which must end without an error.
func propertiesOf(t *testing.T, name string, data []byte) *Properties {
	t.Helper()
	c, err := Open(writeTemp(t, name, data))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	p, err := c.Properties(false)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestPropertiesDescribeSectionsInterfacesAndPackets(t *testing.T) {
	p := propertiesOf(t, "described.pcapng", describedCapture())
	if len(p.Sections) != 2 {
		t.Fatalf("%d sections, want 2", len(p.Sections))
	}
	s := p.Sections[0]
	if s.Hardware != "a laptop" || s.OS != "Linux 6.1" || s.Application != "dumpcap" || !slices.Equal(s.Comments, []string{"the heater's first night"}) {
		t.Errorf("first section: %+v", s)
	}
	if p.Sections[1].Application != "thingsniff test" {
		t.Errorf("second section: %+v", p.Sections[1])
	}
	if len(p.Interfaces) != 2 {
		t.Fatalf("%d interfaces, want 2", len(p.Interfaces))
	}
	want := InterfaceInfo{Interface: Interface{LinkType: layers.LinkTypeEthernet, Name: "eth0", Snaplen: 96},
		Description: "LAN jack", Filter: "udp port 67", OS: "Linux", Comments: []string{"port 3"}, Packets: 3, Received: 100, Dropped: 7}
	if got := p.Interfaces[0]; got.Interface != want.Interface || got.Description != want.Description || got.Filter != want.Filter ||
		got.OS != want.OS || !slices.Equal(got.Comments, want.Comments) || got.Packets != 3 || got.Received != 100 || got.Dropped != 7 {
		t.Errorf("interface 0: %+v\nwant %+v", got, want)
	}
	if got := p.Interfaces[1]; got.Packets != 1 || got.Received != -1 || got.Dropped != -1 {
		t.Errorf("interface 1: %+v", got)
	}
	if p.Packets != 4 || p.CapturedBytes != 60+96+60+42 || p.WireBytes != 60+1514+60+42 || p.Cut != 1 {
		t.Errorf("totals: %d packets, %d captured, %d on the wire, %d cut", p.Packets, p.CapturedBytes, p.WireBytes, p.Cut)
	}
	if p.First != 2_000_000_000 || p.Last != 4_000_000_000 || p.InOrder {
		t.Errorf("times: first %d, last %d, in order %v", p.First, p.Last, p.InOrder)
	}
}

func TestPropertiesOfAFileCutShortCountWhatCameBefore(t *testing.T) {
	data := describedCapture()
	cut := bytes.Index(data, pkt(60, 3)) + 10 // inside the third packet
	c, err := Open(writeTemp(t, "cut.pcapng", data[:cut]))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	p, err := c.Properties(false)
	var te *TruncatedError
	if !errors.As(err, &te) || te.Packets != 2 {
		t.Fatalf("error %v, want a cut after 2 packets", err)
	}
	if p.Packets != 2 || p.Interfaces[0].Packets != 2 || p.Sections[0].Application != "dumpcap" {
		t.Errorf("before the cut: %d packets, interface %+v, section %+v", p.Packets, p.Interfaces[0], p.Sections[0])
	}
}

func TestPropertiesOfAPcapFile(t *testing.T) {
	var buf bytes.Buffer
	w, err := NewPcapWriter(&buf, layers.LinkTypeLinuxSLL, 64)
	if err != nil {
		t.Fatal(err)
	}
	w.WritePacket(5_000_000_000, pkt(64, 1), 200)
	w.WritePacket(6_000_000_000, pkt(40, 2), 40)
	w.Flush()
	p := propertiesOf(t, "two.pcap", buf.Bytes())
	if len(p.Sections) != 0 || len(p.Interfaces) != 1 || p.Interfaces[0].LinkType != layers.LinkTypeLinuxSLL ||
		p.Interfaces[0].Snaplen != 64 || p.Interfaces[0].Packets != 2 || p.Cut != 1 || p.WireBytes != 240 || !p.InOrder {
		t.Errorf("pcap properties: %+v", p)
	}
}

// TestPropertiesStayBoundedOnAHostileFile: a file of thousands of
// sections, each with a long comment, keeps a few of them and counts
// the rest.
func TestPropertiesStayBoundedOnAHostileFile(t *testing.T) {
	b := &ng{o: binary.LittleEndian}
	comment := strings.Repeat("x", 4000)
	for range 5000 {
		b.block(blockSHB, b.u32(bomMagic), b.u16(1), b.u16(0), b.o.AppendUint64(nil, ^uint64(0)),
			b.opt(optComment, []byte(comment)), b.u32(0))
	}
	p := propertiesOf(t, "sections.pcapng", b.buf.Bytes())
	kept := 0
	for _, s := range p.Sections {
		for _, cm := range s.Comments {
			kept += len(cm)
		}
	}
	if len(p.Sections) != maxSections || p.MoreSections != 5000-maxSections || kept > maxText || p.OmittedText == 0 {
		t.Errorf("%d sections kept, %d more, %d bytes of comments kept, %d left out", len(p.Sections), p.MoreSections, kept, p.OmittedText)
	}
}

// TestPropertiesOfAStreamWaitToItsEnd: a capture still arriving on a
// pipe is described to its end when asked to wait, and as far as it has
// arrived otherwise.
func TestPropertiesOfAStreamWaitToItsEnd(t *testing.T) {
	data := describedCapture()
	second := bytes.LastIndex(data, pkt(42, 4)) - 28 // the last packet's block
	pr, pw := io.Pipe()
	rest := make(chan struct{})
	go func() {
		pw.Write(data[:second])
		<-rest
		pw.Write(data[second:])
		pw.Close()
	}()
	c, err := OpenStream(pr, "stdin", t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	// Without waiting, the description stops where the stream has come
	// (once the spool holds the first part, all three of its packets).
	for p, _ := c.Properties(false); p.Packets != 3; p, _ = c.Properties(false) {
		if p.Packets > 3 {
			t.Fatalf("%d packets before the rest was sent", p.Packets)
		}
		time.Sleep(time.Millisecond)
	}
	done := make(chan *Properties)
	go func() {
		p, _ := c.Properties(true)
		done <- p
	}()
	// Waiting, it must not end while the stream is open. A pause cannot
	// make this fail wrongly: only an early end can.
	select {
	case p := <-done:
		t.Fatalf("waiting properties ended before the stream: %d packets", p.Packets)
	case <-time.After(20 * time.Millisecond):
	}
	close(rest)
	if p := <-done; p.Packets != 4 {
		t.Errorf("the whole stream: %d packets, want 4", p.Packets)
	}
}

// TestPacketCommentsOfEachBlock reads the comment every enhanced packet
// block of a capture carries, in either byte order, and none of a simple
// packet block or a pcap file.
func TestPacketCommentsOfEachBlock(t *testing.T) {
	for _, order := range []binary.AppendByteOrder{binary.LittleEndian, binary.BigEndian} {
		b := &ng{o: order}
		b.shb().idb(1, 0).epb(0, 1, pkt(61, 1), 61).spb(70, pkt(64, 2)).epb(0, 2, pkt(1, 3), 1)
		c, err := Open(writeTemp(t, "comments.pcapng", b.buf.Bytes()))
		if err != nil {
			t.Fatal(err)
		}
		got, _ := drain(t, c)
		var comments [][]string
		for _, f := range got {
			comments = append(comments, c.PacketComments(f.Offset, f.CapLen))
		}
		c.Close()
		if len(comments) != 3 || !slices.Equal(comments[0], []string{"a comment"}) || comments[1] != nil || !slices.Equal(comments[2], []string{"a comment"}) {
			t.Errorf("%v: comments %q", order, comments)
		}
	}
	var buf bytes.Buffer
	w, _ := NewPcapWriter(&buf, layers.LinkTypeEthernet, 0)
	w.WritePacket(1, pkt(60, 1), 60)
	w.Flush()
	c, err := Open(writeTemp(t, "plain.pcap", buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if got := c.PacketComments(40, 60); got != nil {
		t.Errorf("a pcap record has comments %q", got)
	}
}
