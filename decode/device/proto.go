package device

import (
	"thingsniff/decode"
)

// dnsState links queries to answers.
type dnsState struct{}

func newDNSState() dnsState { return dnsState{} }

func (b *Builder) dnsPacket(src *Device, p *decode.Packet, f *decode.Flow) {}

func (b *Builder) ssdpPacket(src *Device, p *decode.Packet) {}

type tlsFlow struct {
	client bool
	sni    string
}

func looksLikeTLS(b []byte) bool { return false }

func (b *Builder) tlsPayload(fs *flowState, p *decode.Packet, f *decode.Flow) {}
