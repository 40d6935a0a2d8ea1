package device

import (
	"thingsniff/decode"
)

func (b *Builder) ssdpPacket(src *Device, p *decode.Packet) {}
