package device

import "time"

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

// SameDay reports whether Unix nanoseconds a and b fall on one UTC day:
// a capture that crosses midnight writes dates beside its times.
func SameDay(a, b int64) bool {
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
	withDate := !SameDay(b.first, b.latest) || !SameDay(b.first, t.UnixNano())
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
