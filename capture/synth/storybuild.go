package synth

import (
	"fmt"
	"net"
	"sort"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
)

// node is one address pair as seen on the wire: the MAC a frame is sent to
// or from on this LAN (the gateway's for a remote host) and the IP address.
type node struct {
	mac net.HardwareAddr
	ip  net.IP
	ttl uint8
}

// stamped is one serialized frame and when it was captured.
type stamped struct {
	at   time.Duration
	data []byte
	orig int // length on the wire when data was cut (see scene.snap), else 0
}

// scene collects the frames of the story in any order; write sorts them by
// time. The first serialization error sticks, as bufio's does, so that the
// script reads as a list of events.
type scene struct {
	frames []stamped
	buf    gopacket.SerializeBuffer
	ipID   map[string]uint16
	err    error
	// snap, when not 0, cuts each frame to that many bytes as a capture
	// with a snap length does; wrap, when set, rewrites each frame's
	// link header (a VLAN tag, PPPoE) before it is cut.
	snap int
	wrap func([]byte) []byte
}

func newScene() *scene {
	return &scene{buf: gopacket.NewSerializeBuffer(), ipID: map[string]uint16{}}
}

// emit serializes ls (lengths and checksums computed) as a frame at time at.
func (s *scene) emit(at time.Duration, ls ...gopacket.SerializableLayer) {
	if s.err != nil {
		return
	}
	opts := gopacket.SerializeOptions{FixLengths: true, ComputeChecksums: true}
	if err := gopacket.SerializeLayers(s.buf, opts, ls...); err != nil {
		s.err = fmt.Errorf("serialize frame at %v: %w", at, err)
		return
	}
	data := s.buf.Bytes()
	if s.wrap != nil {
		data = s.wrap(data)
	}
	f := stamped{at: at}
	if s.snap > 0 && len(data) > s.snap {
		f.orig, data = len(data), data[:s.snap]
	}
	f.data = append([]byte(nil), data...)
	s.frames = append(s.frames, f)
}

// eth returns an Ethernet header from one MAC to another.
func eth(src, dst net.HardwareAddr, t layers.EthernetType) *layers.Ethernet {
	return &layers.Ethernet{SrcMAC: src, DstMAC: dst, EthernetType: t}
}

// ip4 returns an IPv4 header with the next identification of src.
func (s *scene) ip4(src, dst net.IP, ttl uint8, proto layers.IPProtocol, df bool) *layers.IPv4 {
	id := s.ipID[src.String()] + 1
	s.ipID[src.String()] = id
	ip := &layers.IPv4{Version: 4, IHL: 5, TTL: ttl, Protocol: proto, SrcIP: src, DstIP: dst, Id: id}
	if df {
		ip.Flags = layers.IPv4DontFragment
	}
	return ip
}

// udp emits one UDP datagram from a to b carrying the layers ls.
func (s *scene) udp(at time.Duration, a, b node, sport, dport uint16, ls ...gopacket.SerializableLayer) {
	ip := s.ip4(a.ip, b.ip, a.ttl, layers.IPProtocolUDP, false)
	u := &layers.UDP{SrcPort: layers.UDPPort(sport), DstPort: layers.UDPPort(dport)}
	if err := u.SetNetworkLayerForChecksum(ip); err != nil && s.err == nil {
		s.err = fmt.Errorf("udp checksum: %w", err)
	}
	s.emit(at, append([]gopacket.SerializableLayer{eth(a.mac, b.mac, layers.EthernetTypeIPv4), ip, u}, ls...)...)
}

// arp emits an ARP request (to broadcast, target MAC unknown) or reply.
func (s *scene) arp(at time.Duration, op uint16, sender node, targetMAC net.HardwareAddr, targetIP net.IP) {
	dst := targetMAC
	tmac := targetMAC
	if op == layers.ARPRequest {
		dst = broadcastMAC()
		tmac = zeroMAC()
	}
	a := &layers.ARP{
		AddrType: layers.LinkTypeEthernet, Protocol: layers.EthernetTypeIPv4,
		HwAddressSize: 6, ProtAddressSize: 4, Operation: op,
		SourceHwAddress: sender.mac, SourceProtAddress: sender.ip.To4(),
		DstHwAddress: tmac, DstProtAddress: targetIP.To4(),
	}
	s.emit(at, eth(sender.mac, dst, layers.EthernetTypeARP), a)
}

// write sorts the frames by time (stable, so frames at the same instant keep
// script order) and writes them as pcapng.
func (s *scene) write(pw packetWriter, start time.Time) error {
	if s.err != nil {
		return s.err
	}
	sort.SliceStable(s.frames, func(i, j int) bool { return s.frames[i].at < s.frames[j].at })
	for i, f := range s.frames {
		ci := gopacket.CaptureInfo{Timestamp: start.Add(f.at), CaptureLength: len(f.data), Length: max(len(f.data), f.orig)}
		if err := pw.WritePacket(ci, f.data); err != nil {
			return fmt.Errorf("write packet %d: %w", i+1, err)
		}
	}
	if err := pw.Flush(); err != nil {
		return fmt.Errorf("flush capture: %w", err)
	}
	return nil
}

// broadcastMAC and zeroMAC return fresh addresses so that no package-level
// slice can be changed by a caller.
func broadcastMAC() net.HardwareAddr { return net.HardwareAddr{0xff, 0xff, 0xff, 0xff, 0xff, 0xff} }
func zeroMAC() net.HardwareAddr      { return net.HardwareAddr{0, 0, 0, 0, 0, 0} }
