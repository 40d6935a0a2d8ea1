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
		{850 * time.Microsecond, "850µs"},
		{12500 * time.Microsecond, "12.5ms"},
		{3250 * time.Millisecond, "3.25s"},
		{4*time.Minute + 5*time.Second, "4m05s"},
		{21300800 * time.Millisecond, "5h55m"},
		{51*time.Hour + 10*time.Minute, "2d03h"},
		{-2 * time.Second, "-2.00s"},
	} {
		if got := FormatDuration(c.d); got != c.want {
			t.Errorf("FormatDuration(%v) = %q, want %q", c.d, got, c.want)
		}
	}
}
