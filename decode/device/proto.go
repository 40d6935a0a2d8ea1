package device

import (
	"thingsniff/decode"
)

func (b *Builder) ssdpPacket(src *Device, p *decode.Packet) {}

type tlsFlow struct {
	client bool
	sni    string
}

func looksLikeTLS(b []byte) bool { return false }

func (b *Builder) tlsPayload(fs *flowState, p *decode.Packet, f *decode.Flow) {}
