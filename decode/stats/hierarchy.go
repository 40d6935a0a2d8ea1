package stats

import (
	"cmp"
	"slices"

	"github.com/gopacket/gopacket/layers"

	"thingsniff/decode"
)

// proto is one layer of a protocol path, named as Wireshark's display
// filters name it.
type proto uint8

const (
	pNone proto = iota
	pEth
	pSLL
	pNull
	pNFLOG
	pVLAN
	pLLC
	pARP
	pIP
	pIPv6
	pTCP
	pUDP
	pICMP
	pICMPv6
	pIGMP
	pDNS
	pMDNS
	pLLMNR
	pNBNS
	pDHCP
	pDHCPv6
	pSSDP
	pHTTP
	pTLS
	pNTP
	pVXLAN
	pFragment
	pEAPOL
	pUnknown
)

var protoNames = [...]string{
	pNone: "", pEth: "eth", pSLL: "sll", pNull: "null", pNFLOG: "nflog", pVLAN: "vlan",
	pLLC: "llc", pARP: "arp", pIP: "ip", pIPv6: "ipv6", pTCP: "tcp", pUDP: "udp", pICMP: "icmp",
	pICMPv6: "icmpv6", pIGMP: "igmp", pDNS: "dns", pMDNS: "mdns", pLLMNR: "llmnr", pNBNS: "nbns",
	pDHCP: "dhcp", pDHCPv6: "dhcpv6", pSSDP: "ssdp", pHTTP: "http", pTLS: "tls", pNTP: "ntp",
	pVXLAN: "vxlan", pFragment: "fragment", pEAPOL: "eapol", pUnknown: "unknown",
}

// maxDepth bounds a path: link, VLAN, network, transport, application.
const maxDepth = 6

// path is a packet's protocols from the link up, pNone after the last.
type path [maxDepth]proto

func (k *path) push(p proto) {
	for i := range k {
		if k[i] == pNone {
			k[i] = p
			return
		}
	}
}

// appProtos maps the decoder's application protocols to path layers.
var appProtos = map[decode.Proto]proto{
	decode.ProtoDNS: pDNS, decode.ProtoMDNS: pMDNS, decode.ProtoLLMNR: pLLMNR, decode.ProtoNBNS: pNBNS,
	decode.ProtoDHCP: pDHCP, decode.ProtoDHCPv6: pDHCPv6, decode.ProtoSSDP: pSSDP, decode.ProtoHTTP: pHTTP,
	decode.ProtoTLS: pTLS, decode.ProtoNTP: pNTP, decode.ProtoVXLAN: pVXLAN,
}

// pathOf is the protocol path of a decoded packet: what the decoder
// recognised, from the link layer up.
func pathOf(p *decode.Packet) path {
	var k path
	switch p.Link {
	case layers.LinkTypeEthernet:
		k.push(pEth)
	case layers.LinkTypeLinuxSLL, layers.LinkTypeLinuxSLL2:
		k.push(pSLL)
	case layers.LinkTypeNull, layers.LinkTypeLoop:
		k.push(pNull)
	case decode.LinkTypeNFLOG:
		k.push(pNFLOG)
	case layers.LinkTypeRaw, layers.LinkTypeIPv4, layers.LinkTypeIPv6, 12, 14:
		// Raw IP has no link header: the path starts at IP, as Wireshark's does.
	default:
		k.push(pUnknown)
		return k
	}
	if p.Tagged {
		k.push(pVLAN)
	}
	switch {
	case p.ARP != nil:
		k.push(pARP)
		return k
	case p.Proto == decode.ProtoLLC:
		k.push(pLLC)
		return k
	case p.Proto == decode.ProtoEAPOL:
		k.push(pEAPOL)
		return k
	case !p.HasIP:
		return k
	case p.Src.Is4():
		k.push(pIP)
	default:
		k.push(pIPv6)
	}
	if p.Fragment && p.Proto == decode.ProtoFragment {
		return k // a fragment that joined no datagram (yet)
	}
	switch p.IPProto {
	// A transport header the decoder refused (cut short, a bad offset)
	// still counts as its protocol, as Wireshark counts a malformed one.
	case layers.IPProtocolTCP:
		k.push(pTCP)
	case layers.IPProtocolUDP:
		k.push(pUDP)
	case layers.IPProtocolICMPv4:
		k.push(pICMP)
		return k
	case layers.IPProtocolICMPv6:
		k.push(pICMPv6)
		return k
	case layers.IPProtocolIGMP:
		k.push(pIGMP)
		return k
	default:
		return k
	}
	// An empty datagram on an application's port carries none of it.
	if a, ok := appProtos[p.Proto]; ok && p.PayloadLen > 0 {
		k.push(a)
	}
	return k
}

// Node is one protocol of the hierarchy: the packets in which it was
// found under its parent's protocols, and the protocols found above it.
type Node struct {
	Name     string
	Count    Count
	Children []*Node
}

// Hierarchy returns the protocol hierarchy: one root per link type, each
// child under the protocol it was carried in, busiest first.
func (c *Collector) Hierarchy() []*Node {
	root := &Node{}
	for k, cnt := range c.paths {
		n := root
		for _, p := range k {
			if p == pNone {
				break
			}
			n = n.child(protoNames[p])
			n.Count.Packets += cnt.Packets
			n.Count.Bytes += cnt.Bytes
		}
	}
	root.sort()
	return root.Children
}

func (n *Node) child(name string) *Node {
	for _, c := range n.Children {
		if c.Name == name {
			return c
		}
	}
	c := &Node{Name: name}
	n.Children = append(n.Children, c)
	return c
}

func (n *Node) sort() {
	slices.SortFunc(n.Children, func(a, b *Node) int {
		if c := cmp.Compare(b.Count.Packets, a.Count.Packets); c != 0 {
			return c
		}
		return cmp.Compare(a.Name, b.Name)
	})
	for _, c := range n.Children {
		c.sort()
	}
}
