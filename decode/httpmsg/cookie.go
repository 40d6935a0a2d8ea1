package httpmsg

import (
	"strconv"
	"strings"
	"time"
)

// ParseSetCookie parses one Set-Cookie value.
func ParseSetCookie(v string) SetCookie {
	c := SetCookie{Raw: v}
	parts := strings.Split(v, ";")
	name, value, _ := strings.Cut(parts[0], "=")
	c.Name, c.Value = strings.TrimSpace(name), strings.TrimSpace(value)
	for _, a := range parts[1:] {
		k, val, _ := strings.Cut(strings.TrimSpace(a), "=")
		k, val = strings.TrimSpace(k), strings.TrimSpace(val)
		switch strings.ToLower(k) {
		case "expires":
			c.ExpiresRaw = val
			if t, ok := ParseDate(val); ok {
				c.Expires = t
			}
		case "max-age":
			if n, err := strconv.ParseInt(val, 10, 64); err == nil {
				c.MaxAge, c.HasMaxAge = n, true
			}
		case "domain":
			c.Domain = val
		case "path":
			c.Path = val
		case "secure":
			c.Secure = true
		case "httponly":
			c.HTTPOnly = true
		case "samesite":
			c.SameSite = val
		}
	}
	return c
}

var months = [...]string{"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"}

// ParseDate reads an HTTP or cookie date in any of the usual forms (RFC
// 1123, RFC 850, asctime, Netscape's "Wdy, DD-Mon-YYYY", two-digit years)
// with the tolerant algorithm of RFC 6265 section 5.1.1. The result is in
// UTC.
func ParseDate(s string) (time.Time, bool) {
	var (
		haveTime, haveDay, haveMonth, haveYear bool
		hh, mm, ss, day, year                  int
		month                                  time.Month
	)
	// Tokens are split at ASCII delimiters, byte by byte: the bytes of a
	// multi-byte character are never delimiters, so this splits as a
	// walk over runes would, without one (every response has a Date).
	for i := 0; i < len(s); {
		for i < len(s) && dateDelim(s[i]) {
			i++
		}
		j := i
		for j < len(s) && !dateDelim(s[j]) {
			j++
		}
		if j == i {
			break
		}
		tok := s[i:j]
		i = j
		switch {
		case !haveTime && parseClock(tok, &hh, &mm, &ss):
			haveTime = true
		case !haveDay && leadingDigits(tok, 1, 2, &day):
			haveDay = true
		case !haveMonth && len(tok) >= 3 && monthOf(tok[:3]) > 0:
			month, haveMonth = monthOf(tok[:3]), true
		case !haveYear && leadingDigits(tok, 2, 4, &year):
			haveYear = true
		}
	}
	if !haveTime || !haveDay || !haveMonth || !haveYear {
		return time.Time{}, false
	}
	switch {
	case year >= 70 && year <= 99:
		year += 1900
	case year >= 0 && year <= 69:
		year += 2000
	}
	if day < 1 || day > 31 || year < 1601 || hh > 23 || mm > 59 || ss > 59 {
		return time.Time{}, false
	}
	t := time.Date(year, month, day, hh, mm, ss, 0, time.UTC)
	if t.Day() != day {
		return time.Time{}, false // 31 Feb and the like
	}
	return t, true
}

// dateDelim reports whether c separates the tokens of a date (RFC 6265
// section 5.1.1).
func dateDelim(c byte) bool {
	return c == 0x09 || (c >= 0x20 && c <= 0x2f) || (c >= 0x3b && c <= 0x40) ||
		(c >= 0x5b && c <= 0x60) || (c >= 0x7b && c <= 0x7e)
}

// monthOf returns the month whose three-letter name s is, in any case.
// It lowers ASCII letters byte by byte, without the copy strings.ToLower
// makes (dates are read for every HTTP response): three bytes lower to a
// month's name only when they are its letters.
func monthOf(s string) time.Month {
	if len(s) != 3 {
		return 0
	}
	var l [3]byte
	for i := range l {
		c := s[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		l[i] = c
	}
	for i, m := range months {
		if string(l[:]) == m {
			return time.Month(i + 1)
		}
	}
	return 0
}

// leadingDigits reads min..max digits at the start of tok, followed by
// nothing or a non-digit.
func leadingDigits(tok string, lo, hi int, out *int) bool {
	n := 0
	for n < len(tok) && tok[n] >= '0' && tok[n] <= '9' {
		n++
	}
	if n < lo || n > hi {
		return false
	}
	v, _ := strconv.Atoi(tok[:n])
	*out = v
	return true
}

// parseClock reads "h[h]:m[m]:s[s]" optionally followed by non-digits.
func parseClock(tok string, hh, mm, ss *int) bool {
	h, rest, ok := strings.Cut(tok, ":")
	m, sec, ok2 := strings.Cut(rest, ":")
	if !ok || !ok2 {
		return false
	}
	var v [3]int
	for i, p := range [3]string{h, m, sec} {
		if i < 2 {
			if len(p) < 1 || len(p) > 2 {
				return false
			}
			n, err := strconv.Atoi(p)
			if err != nil {
				return false
			}
			v[i] = n
		} else if !leadingDigits(p, 1, 2, &v[2]) {
			return false
		}
	}
	*hh, *mm, *ss = v[0], v[1], v[2]
	return true
}
