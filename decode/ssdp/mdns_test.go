package ssdp

import (
	"encoding/binary"
	"net/netip"
	"testing"

	"thingsniff/decode/dns"
)

// name writes labels in DNS wire form.
func name(labels ...string) []byte {
	var b []byte
	for _, l := range labels {
		b = append(b, byte(len(l)))
		b = append(b, l...)
	}
	return append(b, 0)
}

// rr writes a record with class IN.
func rr(n []byte, typ uint16, data []byte) []byte {
	b := append([]byte(nil), n...)
	b = binary.BigEndian.AppendUint16(b, typ)
	b = binary.BigEndian.AppendUint16(b, 0x8001)
	b = binary.BigEndian.AppendUint32(b, 120)
	b = binary.BigEndian.AppendUint16(b, uint16(len(data)))
	return append(b, data...)
}

// announcement builds an mDNS response of a bridge: PTR _hap._tcp.local
// to the instance, SRV to Hue-1.local:8080, TXT md=BSB002 and fn=Living,
// A 10.0.0.6 and AAAA fe80::1 for Hue-1.local, and an enumeration PTR.
func announcement() []byte {
	inst := name("Philips hue - 2476FF", "_hap", "_tcp", "local")
	host := name("Hue-1", "local")
	b := []byte{0, 0, 0x84, 0, 0, 0, 0, 6, 0, 0, 0, 0}
	b = append(b, rr(name("_hap", "_tcp", "local"), 12, inst)...)
	b = append(b, rr(inst, 33, append([]byte{0, 0, 0, 0, 0x1f, 0x90}, host...))...)
	b = append(b, rr(inst, 16, []byte("\x09md=BSB002\x09fn=Living\x07novalue"))...)
	b = append(b, rr(host, 1, []byte{10, 0, 0, 6})...)
	b = append(b, rr(host, 28, netip.MustParseAddr("fe80::1").AsSlice())...)
	b = append(b, rr(name("_services", "_dns-sd", "_udp", "local"), 12, name("_hap", "_tcp", "local"))...)
	return b
}

func TestMDNSNames(t *testing.T) {
	m, err := dns.Parse(announcement())
	if err != nil {
		t.Fatal(err)
	}
	n := MDNSNames(&m)
	if len(n.Instances) != 1 {
		t.Fatalf("instances %+v", n.Instances)
	}
	i := n.Instances[0]
	if i.Name != "Philips hue - 2476FF" || i.Service != "_hap._tcp.local" || i.Host != "Hue-1.local" || i.Port != 8080 {
		t.Errorf("instance %+v", i)
	}
	if len(n.Hosts) != 1 || n.Hosts[0].Name != "Hue-1.local" || len(n.Hosts[0].Addrs) != 2 ||
		n.Hosts[0].Addrs[0].String() != "10.0.0.6" || n.Hosts[0].Addrs[1].String() != "fe80::1" {
		t.Errorf("hosts %+v", n.Hosts)
	}
	if n.Model != "BSB002" || n.FriendlyName != "Living" {
		t.Errorf("model %q name %q", n.Model, n.FriendlyName)
	}
}

func TestSplitInstance(t *testing.T) {
	for in, want := range map[string][2]string{
		"Philips hue - 2476FF._hap._tcp.local": {"Philips hue - 2476FF", "_hap._tcp.local"},
		"Printer._ipp._tcp.local":              {"Printer", "_ipp._tcp.local"},
		"a.b._http._tcp.local":                 {"a.b", "_http._tcp.local"},
		"_hap._tcp.local":                      {"", ""},
		"x._sub._http._tcp.local":              {"", ""},
		"host.local":                           {"", ""},
	} {
		i, s, ok := SplitInstance(in)
		if i != want[0] || s != want[1] || ok != (want[0] != "") {
			t.Errorf("SplitInstance(%q) = %q %q %v", in, i, s, ok)
		}
	}
}
