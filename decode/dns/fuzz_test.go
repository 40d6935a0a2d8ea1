package dns

import "testing"

func FuzzDNS(f *testing.F) {
	f.Add(msg(7, 0x8180, 1, 2, 0, 0, q(name("thing", "example"), 1, 1),
		rr(ptr(12), 5, 1, 60, cat([]byte{3, 'w', 'w', 'w'}, ptr(12))),
		rr(ptr(12), 33, 1, 60, cat([]byte{0, 0, 0, 0, 0, 80}, ptr(12)))))
	f.Add(msg(1, 0, 1, 0, 0, 0, []byte{1, 'a'}, ptr(12)))
	f.Add(msg(1, 0x8000, 0, 1, 0, 0, rr(name("x"), 6, 1, 0, cat(ptr(12), ptr(12), make([]byte, 20)))))
	f.Fuzz(func(t *testing.T, b []byte) {
		m, _ := Parse(b)
		m.Records(func(_ int, rr *RR) bool {
			if len(rr.Name) > 4*maxNameWire {
				t.Fatalf("name of %d bytes", len(rr.Name))
			}
			return true
		})
		_, _ = ParseNBNS(b)
		_, _, _ = SplitTCP(b)
		if LooksLikeDNS(b) {
			if _, err := Parse(b); err != nil {
				t.Fatalf("taken for DNS but does not parse: %v", err)
			}
		}
	})
}
