package tls

import "testing"

// TestAccumulatorAllocations: a reused Accumulator buffers without
// allocating, and a hello costs its few slices and strings.
func TestAccumulatorAllocations(t *testing.T) {
	b := records(modern, 100)
	var a Accumulator
	a.Write(b)
	n := testing.AllocsPerRun(100, func() {
		a.Reset()
		if a.Write(b) != Done {
			t.Fatal(a.Err())
		}
	})
	if n != 0 {
		t.Errorf("%.0f allocations per Write on a reused Accumulator", n)
	}
	n = testing.AllocsPerRun(100, func() {
		if _, err := a.ClientHello(); err != nil {
			t.Fatal(err)
		}
	})
	// SNI, ALPN slice and two strings, versions, extensions, and the
	// cipher suites (for the JA4 fingerprint)
	if n > 7 {
		t.Errorf("%.0f allocations per ClientHello, want at most 7", n)
	}
}
