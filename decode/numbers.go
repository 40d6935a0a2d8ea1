package decode

import "strconv"

// Thousands writes n with its thousands separated by commas: 1,234,567.
func Thousands(n int) string {
	s := strconv.Itoa(n)
	start := 0
	if n < 0 {
		start = 1
	}
	for i := len(s) - 3; i > start; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// AtLeast writes a count that stopped at its limit as "at least 65,536",
// and any other as Thousands does.
func AtLeast(n, limit int) string {
	if n >= limit {
		return "at least " + Thousands(n)
	}
	return Thousands(n)
}

// FormatBytes writes a size as people read it: "512 B", "1.5 kB", "2.0
// MB", "1.25 GB" (powers of 1,000), the one way stories, tables and the
// window write sizes.
func FormatBytes(n uint64) string { return string(AppendBytes(nil, n)) }

// AppendBytes appends n as FormatBytes writes it, without allocating.
func AppendBytes(b []byte, n uint64) []byte {
	x := float64(n)
	switch {
	case n < 1000:
		return append(strconv.AppendUint(b, n, 10), " B"...)
	case n < 1000*1000:
		return append(strconv.AppendFloat(b, x/1e3, 'f', 1, 64), " kB"...)
	case n < 1000*1000*1000:
		return append(strconv.AppendFloat(b, x/1e6, 'f', 1, 64), " MB"...)
	}
	return append(strconv.AppendFloat(b, x/1e9, 'f', 2, 64), " GB"...)
}
