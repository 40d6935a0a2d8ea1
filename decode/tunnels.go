package decode

import (
	"encoding/binary"
	"errors"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
)

// gopacket decodes PPPoE, PPP and MPLS only through gopacket.NewPacket;
// these DecodingLayers give the hot path the same layers without an
// allocation per packet, so that what a DSL line or a provider's core
// carries is decoded as what it is (a DNS query inside PPPoE inside QinQ
// is DNS). GRE, VXLAN and IP-in-IP need nothing here: gopacket's own
// layers decode them.

// pppoe decodes a PPPoE header (RFC 2516), session or discovery stage.
// A frame cut by the snap length keeps the bytes it has.
type pppoe struct {
	layers.BaseLayer
	Code      layers.PPPoECode
	SessionID uint16
	Length    uint16
}

func (p *pppoe) CanDecode() gopacket.LayerClass { return layers.LayerTypePPPoE }
func (p *pppoe) LayerType() gopacket.LayerType  { return layers.LayerTypePPPoE }

// NextLayerType is PPP in the session stage; discovery carries tags only.
func (p *pppoe) NextLayerType() gopacket.LayerType {
	if p.Code == layers.PPPoECodeSession {
		return layers.LayerTypePPP
	}
	return gopacket.LayerTypePayload
}

func (p *pppoe) DecodeFromBytes(data []byte, df gopacket.DecodeFeedback) error {
	if len(data) < 6 {
		df.SetTruncated()
		return errors.New("PPPoE header too short")
	}
	if data[0] != 0x11 {
		return errors.New("PPPoE version or type is not 1")
	}
	p.Code = layers.PPPoECode(data[1])
	p.SessionID = binary.BigEndian.Uint16(data[2:4])
	p.Length = binary.BigEndian.Uint16(data[4:6])
	end := min(6+int(p.Length), len(data))
	if end < 6+int(p.Length) {
		df.SetTruncated()
	}
	p.BaseLayer = layers.BaseLayer{Contents: data[:6], Payload: data[6:end]}
	return nil
}

// ppp decodes the PPP protocol field (with or without the address and
// control bytes ff 03 in front, compressed to one byte or not).
type ppp struct {
	layers.BaseLayer
	Type layers.PPPType
}

func (p *ppp) CanDecode() gopacket.LayerClass { return layers.LayerTypePPP }
func (p *ppp) LayerType() gopacket.LayerType  { return layers.LayerTypePPP }

func (p *ppp) NextLayerType() gopacket.LayerType {
	switch p.Type {
	case layers.PPPTypeIPv4:
		return layers.LayerTypeIPv4
	case layers.PPPTypeIPv6:
		return layers.LayerTypeIPv6
	case layers.PPPTypeMPLSUnicast, layers.PPPTypeMPLSMulticast:
		return layers.LayerTypeMPLS
	}
	return gopacket.LayerTypePayload
}

func (p *ppp) DecodeFromBytes(data []byte, df gopacket.DecodeFeedback) error {
	off := 0
	if len(data) >= 2 && data[0] == 0xff && data[1] == 0x03 {
		off = 2
	}
	switch {
	case len(data) <= off:
		df.SetTruncated()
		return errors.New("PPP header too short")
	case data[off]&1 == 1: // a protocol compressed to one byte
		p.Type = layers.PPPType(data[off])
		off++
	case len(data) < off+2:
		df.SetTruncated()
		return errors.New("PPP header too short")
	default:
		p.Type = layers.PPPType(binary.BigEndian.Uint16(data[off:]))
		off += 2
	}
	p.BaseLayer = layers.BaseLayer{Contents: data[:off], Payload: data[off:]}
	return nil
}

// mpls decodes one MPLS label stack entry (RFC 3032). MPLS does not say
// what it carries; as Wireshark does, the version nibble after the
// bottom of the stack tells IPv4 from IPv6.
type mpls struct {
	layers.BaseLayer
	Label  uint32
	Bottom bool
}

func (m *mpls) CanDecode() gopacket.LayerClass { return layers.LayerTypeMPLS }
func (m *mpls) LayerType() gopacket.LayerType  { return layers.LayerTypeMPLS }

func (m *mpls) NextLayerType() gopacket.LayerType {
	if !m.Bottom {
		return layers.LayerTypeMPLS
	}
	if len(m.Payload) > 0 {
		switch m.Payload[0] >> 4 {
		case 4:
			return layers.LayerTypeIPv4
		case 6:
			return layers.LayerTypeIPv6
		}
	}
	return gopacket.LayerTypePayload
}

func (m *mpls) DecodeFromBytes(data []byte, df gopacket.DecodeFeedback) error {
	if len(data) < 4 {
		df.SetTruncated()
		return errors.New("MPLS label too short")
	}
	v := binary.BigEndian.Uint32(data)
	m.Label, m.Bottom = v>>12, v&0x100 != 0
	m.BaseLayer = layers.BaseLayer{Contents: data[:4], Payload: data[4:]}
	return nil
}
