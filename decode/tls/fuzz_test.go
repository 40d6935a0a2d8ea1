package tls

import "testing"

func FuzzTLS(f *testing.F) {
	f.Add(records(modern, 50), 7)
	f.Add([]byte{0x80, 0x0c, 1, 3, 1, 0, 3, 0, 0, 0, 0, 1, 2, 3}, 3)
	f.Add([]byte{22, 3, 3, 0, 4, 2, 0, 0, 0}, 1)
	f.Fuzz(func(t *testing.T, b []byte, chunk int) {
		if chunk <= 0 {
			chunk = 1
		}
		a := Accumulator{Max: 4096}
		for i := 0; i < len(b); i += chunk {
			a.Write(b[i:min(len(b), i+chunk)])
		}
		_ = LooksLikeTLS(b)
		if c, err := a.ClientHello(); err == nil {
			if ja4 := c.JA4(OverTCP); len(ja4) < len("t00i000000_000000000000_000000000000") {
				t.Errorf("JA4 %q is short", ja4)
			}
		}
		_, _ = a.ServerHello()
		if c, err := ParseClientHello(b); err == nil {
			_ = c.JA4(OverQUIC)
		}
		_, _ = ParseServerHello(b)
	})
}
