package device

import (
	"strconv"
	"time"
)

// Layouts of times in stories: the time of day alone while a capture
// stays within one day (UTC), the date before it when it crosses midnight.
const (
	layoutTime     = "15:04:05"
	layoutTimeMs   = "15:04:05.000"
	layoutDateTime = "2006-01-02 15:04:05"
	layoutDateMs   = "2006-01-02 15:04:05.000"
	layoutDay      = "2006-01-02"
)

// FormatTime writes t as the stories do: "15:04:05.000", or with its date
// first ("2006-01-02 15:04:05.000") when withDate, as for a capture that
// crosses midnight (see Report.MultiDay).
func FormatTime(t time.Time, withDate bool) string {
	if withDate {
		return t.UTC().Format(layoutDateMs)
	}
	return t.UTC().Format(layoutTimeMs)
}

// FormatDay writes t's day (UTC), as a timeline's day heading.
func FormatDay(t time.Time) string { return t.UTC().Format(layoutDay) }

// sameDay reports whether Unix nanoseconds a and b fall on one UTC day.
func sameDay(a, b int64) bool {
	const day = int64(24 * time.Hour)
	return floorDiv(a, day) == floorDiv(b, day)
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && a < 0 {
		q--
	}
	return q
}

// clock writes t for a story told while the capture is read: with its
// date once the capture has crossed midnight or t is on another day than
// its first packet; with milliseconds when ms.
func (b *Builder) clock(t time.Time, ms bool) string {
	withDate := !sameDay(b.first, b.latest) || !sameDay(b.first, t.UnixNano())
	switch {
	case withDate && ms:
		return t.UTC().Format(layoutDateMs)
	case withDate:
		return t.UTC().Format(layoutDateTime)
	case ms:
		return t.UTC().Format(layoutTimeMs)
	}
	return t.UTC().Format(layoutTime)
}

// FormatDuration writes d the one way stories write durations: "250 µs",
// "12 ms", "3.5 s", "4 min 10 s", "5 h 55 min", "6 d 23 h".
func FormatDuration(d time.Duration) string {
	return string(appendMs(nil, float64(d)/float64(time.Millisecond)))
}

// appendMs appends a duration given in milliseconds (see FormatDuration).
func appendMs(b []byte, ms float64) []byte {
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
