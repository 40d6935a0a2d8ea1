package dns

import (
	"math/rand/v2"
	"testing"
)

func TestLooksLikeDNS(t *testing.T) {
	query := msg(0x2a, 0x0100, 1, 0, 0, 0, q(name("us", "pool", "ntp", "org"), 1, 1))
	answer := append(append(append([]byte(nil), q(name("us", "pool", "ntp", "org"), 1, 1)...), ptr(12)...),
		0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 67, 129, 68, 9)
	response := msg(0x2a, 0x8180, 1, 1, 0, 0, answer)
	for _, c := range []struct {
		name string
		b    []byte
		want bool
	}{
		{"query", query, true},
		{"response", response, true},
		{"cut short", response[:len(response)-3], false},
		{"two questions", msg(1, 0x0100, 2, 0, 0, 0, q(name("a"), 1, 1), q(name("b"), 1, 1)), false},
		{"a query with answers", msg(1, 0x0100, 1, 1, 0, 0, answer), false},
		{"an update", msg(1, 0x2800, 1, 0, 0, 0, q(name("a"), 6, 1)), false},
		{"class CH", msg(1, 0x0100, 1, 0, 0, 0, q(name("version", "bind"), 16, 3)), false},
		{"a compressed question", msg(1, 0x0100, 1, 0, 0, 0, ptr(12), []byte{0, 1, 0, 1}), false},
		{"more records than bytes", msg(1, 0x8180, 1, 40, 0, 0, answer), false},
		{"header only", msg(1, 0x0100, 1, 0, 0, 0), false},
	} {
		if got := LooksLikeDNS(c.b); got != c.want {
			t.Errorf("%s: LooksLikeDNS = %v, want %v", c.name, got, c.want)
		}
	}
	// Bulk payloads (random bytes) must not pass, whatever their length.
	r := rand.New(rand.NewPCG(1, 2))
	b := make([]byte, 1500)
	for i := 0; i < 200000; i++ {
		n := 17 + r.IntN(len(b)-17)
		for j := range n {
			b[j] = byte(r.Uint32())
		}
		if LooksLikeDNS(b[:n]) {
			t.Fatalf("random payload % x… taken for DNS", b[:24])
		}
	}
}
