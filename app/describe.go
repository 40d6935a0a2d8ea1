package app

import (
	"fmt"
	"time"

	"thingsniff/decode"
)

// Describe formats a decoded packet as a packet-list row.
func Describe(p *decode.Packet, f *decode.Flow) decode.Summary {
	return decode.Summarize(p, f)
}

// FormatDuration prints a duration the way the tables show it: short and
// with a sensible unit.
func FormatDuration(d time.Duration) string {
	switch {
	case d < 0:
		return "-" + FormatDuration(-d)
	case d < time.Millisecond:
		return fmt.Sprintf("%dµs", d.Microseconds())
	case d < time.Second:
		return fmt.Sprintf("%.1fms", float64(d)/1e6)
	case d < time.Minute:
		return fmt.Sprintf("%.2fs", d.Seconds())
	case d < time.Hour:
		return fmt.Sprintf("%dm%02ds", int(d.Minutes()), int(d.Seconds())%60)
	}
	return fmt.Sprintf("%dh%02dm", int(d.Hours()), int(d.Minutes())%60)
}
