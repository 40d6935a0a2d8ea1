package app

import (
	"time"

	"thingsniff/decode"
)

// Describe formats a decoded packet as a packet-list row.
func Describe(p *decode.Packet, f *decode.Flow) decode.Summary {
	return decode.Summarize(p, f)
}

// FormatDuration is decode.FormatDuration, kept for callers in other
// branches; new code calls decode.FormatDuration.
func FormatDuration(d time.Duration) string { return decode.FormatDuration(d) }
