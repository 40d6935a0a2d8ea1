package decode

import (
	"strconv"
	"time"
)

// FormatDuration writes d the one way the whole program writes durations,
// so that a table column, a story, a finding and a command's output agree:
// "250 µs", "12 ms", "3.5 s", "4 min 10 s", "5 h 55 min", "6 d 23 h".
func FormatDuration(d time.Duration) string {
	ms := float64(d) / float64(time.Millisecond)
	if ms < 0 {
		return "-" + string(AppendMs(nil, -ms))
	}
	return string(AppendMs(nil, ms))
}

// AppendMs appends a duration given in milliseconds, written as
// FormatDuration writes it, without allocating.
func AppendMs(b []byte, ms float64) []byte {
	switch {
	case ms < 1:
		return append(strconv.AppendFloat(b, ms*1000, 'f', 0, 64), " µs"...)
	case ms < 1000:
		return append(strconv.AppendFloat(b, ms, 'f', 0, 64), " ms"...)
	case ms < 60_000:
		return append(strconv.AppendFloat(b, ms/1000, 'f', 1, 64), " s"...)
	}
	secs := int64(ms/1000 + 0.5)
	switch {
	case secs < 3600:
		return appendTwo(b, secs/60, "min", secs%60, "s")
	case secs < 86400:
		mins := (secs + 30) / 60
		return appendTwo(b, mins/60, "h", mins%60, "min")
	}
	hours := (secs + 1800) / 3600
	return appendTwo(b, hours/24, "d", hours%24, "h")
}

// appendTwo appends "3 h 5 min" (and "2 h 0 min": both parts always, so
// that durations read alike).
func appendTwo(b []byte, big int64, bigUnit string, small int64, smallUnit string) []byte {
	b = strconv.AppendInt(b, big, 10)
	b = append(b, ' ')
	b = append(b, bigUnit...)
	b = append(b, ' ')
	b = strconv.AppendInt(b, small, 10)
	b = append(b, ' ')
	return append(b, smallUnit...)
}
