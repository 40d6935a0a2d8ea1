package dhcp

import "testing"

func FuzzDHCP(f *testing.F) {
	f.Add(bootp(1, 1, "0.0.0.0", mac, []byte{0x35, 1, 1, 0x37, 3, 1, 3, 6, 0x34, 1, 3, 0xff}))
	f.Add(bootp(2, 1, "10.0.0.1", mac, []byte{0x03, 4, 1, 2, 3, 4, 0x51, 5, 4, 0, 0, 1, 'a'}))
	f.Add(make([]byte, 240))
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := Parse(b)
		if err == nil && len(b) < headerLen {
			t.Fatalf("short input accepted")
		}
		_ = m.Fingerprint()
	})
}
