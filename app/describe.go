package app

import "thingsniff/decode"

// Describe formats a decoded packet as a packet-list row.
func Describe(p *decode.Packet, f *decode.Flow) decode.Summary {
	return decode.Summarize(p, f)
}
