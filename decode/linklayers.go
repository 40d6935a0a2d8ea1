package decode

import (
	"encoding/binary"
	"errors"
	"net"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
)

// LinkTypeNFLOG is Linux netfilter's NFLOG link type (DLT 239).
const LinkTypeNFLOG layers.LinkType = 239

// LinkTypePPPSerial is PPP in HDLC-like framing (DLT_PPP_SERIAL, 50):
// the address and control bytes ff 03, then the protocol, as PPP's
// decoder takes them.
const LinkTypePPPSerial layers.LinkType = 50

// layerTypeNFLOG is the NFLOG header layer's type for DecodingLayerParser;
// it is not registered with gopacket, so no global state is touched.
const layerTypeNFLOG = gopacket.LayerType(2390)

// nflog decodes the NFLOG pseudo-header: family, version, resource id,
// then TLVs (in host order, little-endian on the captures we meet) of which
// type 9 carries the IP packet.
type nflog struct {
	layers.BaseLayer
	Family uint8
}

func (n *nflog) CanDecode() gopacket.LayerClass { return layerTypeNFLOG }
func (n *nflog) LayerType() gopacket.LayerType  { return layerTypeNFLOG }

func (n *nflog) NextLayerType() gopacket.LayerType {
	switch n.Family {
	case 2:
		return layers.LayerTypeIPv4
	case 10:
		return layers.LayerTypeIPv6
	}
	return gopacket.LayerTypePayload
}

func (n *nflog) DecodeFromBytes(data []byte, df gopacket.DecodeFeedback) error {
	if len(data) < 4 {
		return errors.New("NFLOG header too short")
	}
	n.Family = data[0]
	off := 4
	for off+4 <= len(data) {
		l := int(binary.LittleEndian.Uint16(data[off:]))
		typ := binary.LittleEndian.Uint16(data[off+2:]) & 0x7fff
		if l < 4 || off+l > len(data) {
			return errors.New("NFLOG TLV runs past the end")
		}
		if typ == 9 { // NFULA_PAYLOAD
			n.BaseLayer = layers.BaseLayer{Contents: data[:off+4], Payload: data[off+4 : off+l]}
			return nil
		}
		off += (l + 3) &^ 3
	}
	return errors.New("NFLOG packet has no payload TLV")
}

// linuxSLL decodes Linux cooked headers like gopacket's LinuxSLL, but
// tolerates an address length over 8 as Wireshark does (the address field
// is 8 bytes wide; the rest is ignored) instead of rejecting the packet.
type linuxSLL struct{ layers.LinuxSLL }

func (s *linuxSLL) DecodeFromBytes(data []byte, df gopacket.DecodeFeedback) error {
	if len(data) < 16 {
		//lint:ignore ST1005 Linux is a name
		return errors.New("Linux SLL packet too small")
	}
	s.PacketType = layers.LinuxSLLPacketType(binary.BigEndian.Uint16(data[0:2]))
	s.AddrType = binary.BigEndian.Uint16(data[2:4])
	s.AddrLen = binary.BigEndian.Uint16(data[4:6])
	n := min(int(s.AddrLen), 8)
	s.Addr = net.HardwareAddr(data[6 : 6+n])
	s.EthernetType = layers.EthernetType(binary.BigEndian.Uint16(data[14:16]))
	s.BaseLayer = layers.BaseLayer{Contents: data[:16], Payload: data[16:]}
	return nil
}
