package decode

import (
	"encoding/hex"
	"strings"
	"testing"

	"github.com/gopacket/gopacket/layers"
)

func unhex(t testing.TB, s string) []byte {
	t.Helper()
	s = strings.Join(strings.Fields(s), "")
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// Packets written by hand, one per case, with what the packet list must say.
var packetCases = []struct {
	name   string
	link   layers.LinkType
	hex    string
	proto  Proto
	src    string
	info   string
	broken bool
}{
	{
		name: "ARP request for the gateway",
		link: layers.LinkTypeEthernet,
		// Ethernet broadcast, ARP request: who has 192.168.137.1? tell .23
		hex: `ffffffffffff 0012fb3c91d4 0806
		      0001 0800 06 04 0001 0012fb3c91d4 c0a88917 000000000000 c0a88901`,
		proto: ProtoARP, src: "00:12:fb:3c:91:d4", info: "Who has 192.168.137.1? Tell 192.168.137.23",
	},
	{
		name: "ARP reply",
		link: layers.LinkTypeEthernet,
		hex: `0012fb3c91d4 0014225ea107 0806
		      0001 0800 06 04 0002 0014225ea107 c0a88901 0012fb3c91d4 c0a88917`,
		proto: ProtoARP, info: "192.168.137.1 is at 00:14:22:5e:a1:07",
	},
	{
		name: "TCP SYN over 802.1Q",
		link: layers.LinkTypeEthernet,
		// VLAN 100, IPv4 10.0.0.1 -> 10.0.0.2, TCP 40000 -> 80 SYN, window 64240
		hex: `0014225ea107 0012fb3c91d4 8100 0064 0800
		      4500 0028 0001 4000 4006 0000 0a000001 0a000002
		      9c40 0050 00000064 00000000 5002 faf0 0000 0000`,
		proto: ProtoTCP, src: "10.0.0.1", info: "40000 → 80 [SYN] Seq=100 Win=64240 Len=0",
	},
	{
		name: "UDP DNS query on raw IPv4",
		link: layers.LinkTypeIPv4,
		// IPv4 10.0.0.1 -> 10.0.0.53, UDP 5000 -> 53, 4 payload bytes
		hex: `4500 0020 0001 0000 4011 0000 0a000001 0a000035
		      1388 0035 000c 0000 abcd0100`,
		proto: ProtoDNS, src: "10.0.0.1", info: "5000 → 53 Len=4",
	},
	{
		name: "ICMP echo on BSD loopback",
		link: layers.LinkTypeNull,
		// AF_INET (2, host order), IPv4 127.0.0.1 -> 127.0.0.1, echo request id 7 seq 1
		hex: `02000000 4500 001c 0001 0000 4001 0000 7f000001 7f000001
		      0800 0000 0007 0001`,
		proto: ProtoICMP, src: "127.0.0.1", info: "Echo (ping) request  id=0x0007, seq=1/256, ttl=64",
	},
	{
		name: "IPv6 UDP on Linux SLL",
		link: layers.LinkTypeLinuxSLL,
		// SLL outgoing, Ethernet address, ethertype IPv6; ::1 -> ::1 UDP 1000 -> 2000 no payload
		hex: `0004 0001 0006 0012fb3c91d4 0000 86dd
		      60000000 0008 11 40 00000000000000000000000000000001 00000000000000000000000000000001
		      03e8 07d0 0008 0000`,
		proto: ProtoUDP, src: "::1", info: "1000 → 2000 Len=0",
	},
	{
		name: "TCP header cut short",
		link: layers.LinkTypeEthernet,
		hex: `0014225ea107 0012fb3c91d4 0800
		      4500 0028 0001 4000 4006 0000 0a000001 0a000002
		      9c40 0050 0000`,
		proto: ProtoIPv4, src: "10.0.0.1", broken: true,
	},
	{
		name: "unknown link type",
		link: layers.LinkType(147),
		hex:  `00112233`, proto: ProtoUnknown, broken: true,
	},
}

func TestPacketRows(t *testing.T) {
	p := NewParser()
	for _, c := range packetCases {
		t.Run(c.name, func(t *testing.T) {
			var pk Packet
			p.Decode(unhex(t, c.hex), c.link, &pk)
			if (pk.Err != nil) != c.broken {
				t.Fatalf("error %v, want broken=%v", pk.Err, c.broken)
			}
			if pk.Proto != c.proto {
				t.Errorf("proto %v, want %v", pk.Proto, c.proto)
			}
			s := Summarize(&pk, nil)
			if c.src != "" && s.Source != c.src {
				t.Errorf("source %q, want %q", s.Source, c.src)
			}
			if c.info != "" && s.Info != c.info {
				t.Errorf("info %q, want %q", s.Info, c.info)
			}
			if c.broken && !strings.Contains(s.Info, "[Malformed") {
				t.Errorf("a broken packet's info does not say so: %q", s.Info)
			}
			if len(Details(unhex(t, c.hex), c.link)) == 0 && !c.broken {
				t.Error("no details")
			}
		})
	}
}

func TestEngineSplitsFlowsOnPortReuse(t *testing.T) {
	e := NewEngine()
	add := func(flags string, fromClient bool, seq uint32) uint32 {
		pk := tcpPacket(t, flags, fromClient, seq)
		return e.Add(pk, layers.LinkTypeIPv4, Meta{}).Flow
	}
	first := add("S", true, 100)
	add("SA", false, 500)
	add("R", true, 101)
	second := add("S", true, 9000)
	if first == second || len(e.Flows()) != 2 {
		t.Fatalf("a new SYN after a reset did not start a new flow: %d %d", first, second)
	}
	f := e.Flow(first)
	if f.Close != CloseRST || f.ClosedBy != SideClient || f.State != StateReset {
		t.Errorf("first flow %+v", f)
	}
}

// tcpPacket builds a raw IPv4 TCP packet between 10.0.0.1:40000 (client)
// and 10.0.0.2:80.
func tcpPacket(t testing.TB, flags string, fromClient bool, seq uint32) []byte {
	b := unhex(t, `4500 0028 0001 4000 4006 0000 0a000001 0a000002 9c40 0050 00000000 00000000 5000 faf0 0000 0000`)
	if !fromClient {
		copy(b[12:16], []byte{10, 0, 0, 2})
		copy(b[16:20], []byte{10, 0, 0, 1})
		b[20], b[21], b[22], b[23] = 0x00, 0x50, 0x9c, 0x40
	}
	b[24], b[25], b[26], b[27] = byte(seq>>24), byte(seq>>16), byte(seq>>8), byte(seq)
	var f byte
	for _, c := range flags {
		f |= map[rune]byte{'F': 1, 'S': 2, 'R': 4, 'P': 8, 'A': 16}[c]
	}
	b[33] = f
	return b
}

// FuzzDecode feeds arbitrary bytes on every link type through the hot
// path, the row formatter and the details tree: none may panic.
func FuzzDecode(f *testing.F) {
	for _, c := range packetCases {
		f.Add(uint16(c.link), unhex(f, c.hex))
	}
	// Raw IP: an IGMPv3 report of eight group records, and an ICMPv6
	// neighbor advertisement with a link-layer address option.
	f.Add(uint16(layers.LinkTypeRaw), unhex(f, "46c0009c00010000010239830a000002e000001694040000220088790000000801000002ef0202010a0101010a01010202000002ef0202020a0101010a01010203000002ef0202030a0101010a01010204000002ef0202040a0101010a01010205000002ef0202050a0101010a01010206000002ef0202060a0101010a01010209000002ef0202090a0101010a01010201000001ef0303030a090909"))
	f.Add(uint16(layers.LinkTypeRaw), unhex(f, "6000000000203afffe800000000000000000000000000002fe80000000000000000000000000000188000000e0000000fe80000000000000000000000000000202011c5f2baafd4e"))
	e := NewEngine()
	f.Fuzz(func(t *testing.T, link uint16, data []byte) {
		lt := layers.LinkType(link % 300)
		ix := e.Add(data, lt, Meta{CapLen: uint32(len(data)), OrigLen: uint32(len(data))})
		s := Summarize(e.Last(), e.Flow(ix.Flow))
		_ = s
		Details(data, lt)
	})
}

func TestDetailsMarkFieldBytes(t *testing.T) {
	data := unhex(t, packetCases[2].hex) // TCP SYN over 802.1Q
	var tcp *Node
	nodes := Details(data, layers.LinkTypeEthernet)
	for i := range nodes {
		if strings.HasPrefix(nodes[i].Title, "Transmission Control Protocol") {
			tcp = &nodes[i]
		}
	}
	if tcp == nil {
		t.Fatalf("no TCP layer in %+v", nodes)
	}
	for _, f := range tcp.Children {
		if f.Title == "Destination Port: 80" {
			// Ethernet 14 + 802.1Q 4 + IPv4 20 = 38; the destination port is bytes 2-3 of TCP.
			if f.Start != 40 || f.End != 42 || string(data[f.Start:f.End]) != "\x00\x50" {
				t.Errorf("the destination port marks bytes %d-%d", f.Start, f.End)
			}
			return
		}
	}
	t.Error("no \"Destination Port: 80\" line")
}

func TestLooksLikeHTTP(t *testing.T) {
	for _, m := range httpMethods {
		if !LooksLikeHTTP([]byte(m + " / HTTP/1.1\r\n")) {
			t.Errorf("%s request not recognised", m)
		}
	}
	for b, want := range map[string]bool{"HTTP/1.1 200 OK\r\n": true, "get / HTTP/1.1": false, "GETX /": false,
		"\x16\x03\x01\x00": false, "": false, "G": false} {
		if got := LooksLikeHTTP([]byte(b)); got != want {
			t.Errorf("LooksLikeHTTP(%q) = %v, want %v", b, got, want)
		}
	}
}

// A SYN whose options the snap length cut (raw IPv4, 44 bytes sent, 42
// kept): its fixed header still gives the row, the flow and the flags,
// and the frame is short, not malformed, as Wireshark tells it.
func TestSYNCutInItsOptions(t *testing.T) {
	whole := unhex(t, `4500 002c 0001 4000 4006 0000 0a000001 0a000002
		9c40 2293 00000064 00000000 6002 7210 0000 0000 020405b4`)
	var p Packet
	p.OrigLen = len(whole)
	NewParser().Decode(whole[:42], layers.LinkTypeRaw, &p)
	if p.Proto != ProtoTCP || p.SrcPort != 40000 || p.DstPort != 8851 || p.Seq != 100 || !p.TCPFlags.Has(TCPSyn) || p.Window != 0x7210 {
		t.Fatalf("got proto %v ports %d→%d seq %d flags %v window %d", p.Proto, p.SrcPort, p.DstPort, p.Seq, p.TCPFlags, p.Window)
	}
	if !p.Cut || p.Malformed || p.SentLen != 0 {
		t.Errorf("cut %v, malformed %v, sent %d: want a short frame of an empty segment", p.Cut, p.Malformed, p.SentLen)
	}
	// A data offset shorter than the header is nonsense, not a cut.
	bad := append([]byte(nil), whole...)
	bad[32] = 0x40
	NewParser().Decode(bad[:42], layers.LinkTypeRaw, &p)
	if p.Proto == ProtoTCP {
		t.Errorf("a data offset of 16 bytes read as TCP")
	}
}
