package dns

import "testing"

// TestParseAllocations bounds the allocations of a typical answer: the
// question and answer slices and one string per distinct name.
func TestParseAllocations(t *testing.T) {
	b := msg(7, 0x8180, 1, 2, 0, 0, q(name("thing", "example"), 1, 1),
		rr(ptr(12), 1, 1, 60, []byte{192, 0, 2, 7}),
		rr(ptr(12), 1, 1, 60, []byte{192, 0, 2, 8}))
	n := testing.AllocsPerRun(100, func() {
		if _, err := Parse(b); err != nil {
			t.Fatal(err)
		}
	})
	// questions, answers, three name strings
	if n > 5 {
		t.Errorf("%.0f allocations per parse, want at most 5", n)
	}
}
