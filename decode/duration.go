package decode

import (
	"fmt"
	"time"
)

// FormatDuration writes a duration the one way the whole program shows it:
// short, in the largest sensible unit, so that a table column, a finding and
// a command's output agree ("850µs", "12.5ms", "3.25s", "4m05s", "5h55m",
// "2d03h").
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
	case d < 24*time.Hour:
		return fmt.Sprintf("%dh%02dm", int(d.Hours()), int(d.Minutes())%60)
	}
	// Captures can span days: hours beyond a day would read as "53h10m".
	return fmt.Sprintf("%dd%02dh", int(d.Hours())/24, int(d.Hours())%24)
}
