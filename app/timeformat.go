package app

import (
	"fmt"
	"strconv"
	"time"

	"thingsniff/decode/device"
)

// TimeFormat is how the packet list's Time column writes a packet's time,
// as Wireshark's View → Time Display Format offers it. Times of day are
// UTC, as the device stories tell them.
type TimeFormat int

// The time formats, in the order the View menu lists them.
const (
	// TimeSinceStart is seconds since the capture's first packet
	// (Wireshark's default).
	TimeSinceStart TimeFormat = iota
	// TimeSincePrevious is seconds since the packet captured before.
	TimeSincePrevious
	// TimeSinceShown is seconds since the packet shown before it, in
	// capture order: under a filter, the one before that passed.
	TimeSinceShown
	// TimeOfDay is the UTC time of day, with the date before it when the
	// capture crosses midnight (a week-long capture must not repeat
	// "03:12:44" without saying which day).
	TimeOfDay
	// TimeDateAndTime is the UTC date and time of day.
	TimeDateAndTime
	// TimeEpoch is seconds since 1970-01-01 UTC.
	TimeEpoch
)

// timeFormats names each format for menus, preferences and the command
// line, with the tshark -t letter it matches.
var timeFormats = []struct {
	title, name, tshark string
}{
	TimeSinceStart:    {"Seconds since the first packet", "relative", "r"},
	TimeSincePrevious: {"Seconds since the packet captured before", "delta", "d"},
	TimeSinceShown:    {"Seconds since the packet shown before", "delta-shown", "dd"},
	TimeOfDay:         {"Time of day (UTC)", "time", "u"},
	TimeDateAndTime:   {"Date and time of day (UTC)", "date", "ud"},
	TimeEpoch:         {"Seconds since 1970-01-01", "epoch", "e"},
}

// TimeFormats lists every time format, in menu order.
func TimeFormats() []TimeFormat {
	out := make([]TimeFormat, len(timeFormats))
	for i := range out {
		out[i] = TimeFormat(i)
	}
	return out
}

// Title is the format's name in the View menu.
func (f TimeFormat) Title() string { return timeFormats[f.valid()].title }

// String is the format's short name, as preferences and `packets --time`
// spell it ("relative", "delta", "delta-shown", "time", "date", "epoch").
func (f TimeFormat) String() string { return timeFormats[f.valid()].name }

// TsharkFlag is tshark's -t argument for the same format.
func (f TimeFormat) TsharkFlag() string { return timeFormats[f.valid()].tshark }

func (f TimeFormat) valid() TimeFormat {
	if f < 0 || int(f) >= len(timeFormats) {
		return TimeSinceStart
	}
	return f
}

// ParseTimeFormat reads a format's short name (see String).
func ParseTimeFormat(s string) (TimeFormat, error) {
	for i, tf := range timeFormats {
		if tf.name == s {
			return TimeFormat(i), nil
		}
	}
	names := ""
	for i, tf := range timeFormats {
		if i > 0 {
			names += ", "
		}
		names += tf.name
	}
	return TimeSinceStart, fmt.Errorf("time format %q: want one of %s", s, names)
}

// PacketTimes is what a Time column needs to write one packet's time, in
// Unix nanoseconds. Previous and Shown are the packet's own time for the
// first packet (and the first shown), so that their delta is zero.
type PacketTimes struct {
	At       int64 // the packet's
	First    int64 // the capture's first packet's
	Previous int64 // the packet captured before
	Shown    int64 // the packet shown before, in capture order
	// MultiDay says the capture crosses midnight (UTC).
	MultiDay bool
}

// Format writes t in format f: seconds with six decimals, or a UTC time
// of day with microseconds.
func (f TimeFormat) Format(t PacketTimes) string {
	switch f {
	case TimeOfDay:
		if t.MultiDay || !device.SameDay(t.First, t.At) {
			return stamp(t.At, "2006-01-02 15:04:05.000000")
		}
		return stamp(t.At, "15:04:05.000000")
	case TimeDateAndTime:
		return stamp(t.At, "2006-01-02 15:04:05.000000")
	}
	return seconds(f.SortKey(t))
}

// seconds writes ns nanoseconds as seconds with six decimals, rounded to
// the nearest microsecond. Integer arithmetic keeps an epoch time exact,
// where a float64 holds only about 16 digits.
func seconds(ns int64) string {
	sign := ""
	u := uint64(ns)
	if ns < 0 {
		sign, u = "-", uint64(-ns)
	}
	us := (u + 500) / 1000
	frac := strconv.FormatUint(us%1e6, 10)
	return sign + strconv.FormatUint(us/1e6, 10) + "." + "000000"[len(frac):] + frac
}

// SortKey is what sorting the Time column in format f orders by: the
// seconds a delta format shows, otherwise the packet's time.
func (f TimeFormat) SortKey(t PacketTimes) int64 {
	switch f {
	case TimeSinceStart:
		return t.At - t.First
	case TimeSincePrevious:
		return t.At - t.Previous
	case TimeSinceShown:
		return t.At - t.Shown
	}
	return t.At
}

// stamp writes ns in layout, rounded to the microsecond as seconds are.
func stamp(ns int64, layout string) string {
	return time.Unix(0, ns).Round(time.Microsecond).UTC().Format(layout)
}
