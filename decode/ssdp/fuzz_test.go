package ssdp

import (
	"testing"

	"thingsniff/decode/dns"
)

func FuzzSSDP(f *testing.F) {
	f.Add([]byte("NOTIFY * HTTP/1.1\r\nNT: upnp:rootdevice\r\nSERVER: Linux/3.14.0 UPnP/1.0 IpBridge/1.9.0\r\nUSN: uuid:1::x\r\n\r\n"))
	f.Add([]byte("HTTP/1.1 200 OK\r\nST: ssdp:all\r\n\r\n"))
	f.Add(announcement())
	f.Fuzz(func(t *testing.T, b []byte) {
		m, _ := Parse(b)
		_ = m.Product()
		_ = m.UUID()
		_ = m.Get("x")
		d, _ := dns.Parse(b)
		_ = MDNSNames(&d)
		_, _, _ = SplitInstance(string(b))
	})
}
