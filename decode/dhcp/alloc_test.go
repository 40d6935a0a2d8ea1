package dhcp

import "testing"

// TestParseAllocations bounds the allocations of a Discover: only the
// hostname and vendor class strings.
func TestParseAllocations(t *testing.T) {
	b := bootp(1, 1, "0.0.0.0", mac, []byte{0x35, 1, 1, 0x0c, 5, 't', 'h', 'i', 'n', 'g',
		0x37, 4, 1, 3, 6, 15, 0x3c, 3, 'a', 'b', 'c', 0x3d, 7, 1, 0, 0x12, 0xfb, 1, 2, 3, 0xff})
	n := testing.AllocsPerRun(100, func() {
		if _, err := Parse(b); err != nil {
			t.Fatal(err)
		}
	})
	if n > 2 {
		t.Errorf("%.0f allocations per parse, want at most 2", n)
	}
}
