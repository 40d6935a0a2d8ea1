package decode

import (
	"testing"
	"time"
)

func TestFormatDuration(t *testing.T) {
	for _, c := range []struct {
		d    time.Duration
		want string
	}{
		{250 * time.Microsecond, "250 µs"},
		{12 * time.Millisecond, "12 ms"},
		{3500 * time.Millisecond, "3.5 s"},
		{4*time.Minute + 10*time.Second, "4 min 10 s"},
		// The idle time a finding once wrote as "21300.8 s".
		{21300800 * time.Millisecond, "5 h 55 min"},
		{2 * time.Hour, "2 h 0 min"},
		{82803 * time.Second, "23 h 0 min"},
		{6*24*time.Hour + 23*time.Hour + 10*time.Minute, "6 d 23 h"},
		{-2 * time.Second, "-2.0 s"},
	} {
		if got := FormatDuration(c.d); got != c.want {
			t.Errorf("FormatDuration(%v) = %q, want %q", c.d, got, c.want)
		}
	}
}
