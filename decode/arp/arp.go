package arp

import (
	"encoding/binary"
	"errors"
	"fmt"
	"net"
	"net/netip"
)

// Operations.
const (
	OpRequest = 1
	OpReply   = 2
)

// Kind is what an ARP packet is for.
type Kind uint8

// Kinds, from the most specific rule that applies.
const (
	// Other is any operation beyond request and reply (RARP, InARP).
	Other Kind = iota
	// Request asks who has the target address.
	Request
	// Reply answers a request.
	Reply
	// Probe is a request with sender address 0.0.0.0: a host checking
	// that an address is free before taking it (RFC 5227).
	Probe
	// Announcement is a request with sender address equal to target
	// address: a host claiming an address (RFC 5227).
	Announcement
	// Gratuitous is a reply with sender address equal to target address:
	// an unsolicited update of the neighbours' caches.
	Gratuitous
)

var kindNames = [...]string{"other", "request", "reply", "probe", "announcement", "gratuitous"}

// String returns "request", "probe", ...
func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return fmt.Sprintf("kind %d", uint8(k))
}

// Packet is one ARP packet. Addresses of other sizes than Ethernet and
// IPv4 are left zero; the raw lengths say what they were.
type Packet struct {
	// HType, PType, HLen and PLen are the hardware and protocol types and
	// address lengths.
	HType, PType uint16
	HLen, PLen   uint8
	// Op is the operation (OpRequest, OpReply, ...).
	Op uint16
	// SenderMAC, SenderIP, TargetMAC and TargetIP are the addresses
	// (hardware types Ethernet and IEEE 802, protocol IPv4 only). The MACs
	// alias the parsed bytes.
	SenderMAC, TargetMAC net.HardwareAddr
	SenderIP, TargetIP   netip.Addr
}

// ErrShort is returned, wrapped, when the packet is shorter than its
// header says.
var ErrShort = errors.New("shorter than its address lengths say")

// Parse decodes an ARP packet.
func Parse(b []byte) (Packet, error) {
	var p Packet
	if len(b) < 8 {
		return p, fmt.Errorf("arp: %d bytes, header is 8: %w", len(b), ErrShort)
	}
	p.HType = binary.BigEndian.Uint16(b)
	p.PType = binary.BigEndian.Uint16(b[2:])
	p.HLen, p.PLen = b[4], b[5]
	p.Op = binary.BigEndian.Uint16(b[6:])
	h, pl := int(p.HLen), int(p.PLen)
	if need := 8 + 2*h + 2*pl; len(b) < need {
		return p, fmt.Errorf("arp: %d bytes, addresses need %d: %w", len(b), need, ErrShort)
	}
	off := 8
	sha, spa := b[off:off+h:off+h], b[off+h:off+h+pl]
	off += h + pl
	tha, tpa := b[off:off+h:off+h], b[off+h:off+h+pl]
	if h == 6 && (p.HType == 1 || p.HType == 6) { // Ethernet, IEEE 802
		p.SenderMAC, p.TargetMAC = sha, tha
	}
	if pl == 4 && p.PType == 0x0800 {
		p.SenderIP = netip.AddrFrom4([4]byte(spa))
		p.TargetIP = netip.AddrFrom4([4]byte(tpa))
	}
	return p, nil
}

// Kind classifies the packet.
func (p *Packet) Kind() Kind {
	switch p.Op {
	case OpRequest:
		switch {
		case p.SenderIP.IsValid() && p.SenderIP.IsUnspecified():
			return Probe
		case p.SenderIP.IsValid() && p.SenderIP == p.TargetIP:
			return Announcement
		}
		return Request
	case OpReply:
		if p.SenderIP.IsValid() && p.SenderIP == p.TargetIP {
			return Gratuitous
		}
		return Reply
	}
	return Other
}

// IsGratuitous reports whether a request or reply has equal sender and
// target protocol addresses (announcements and gratuitous replies), as
// tshark's arp.isgratuitous does.
func (p *Packet) IsGratuitous() bool {
	return (p.Op == OpRequest || p.Op == OpReply) && p.SenderIP.IsValid() && p.SenderIP == p.TargetIP
}
