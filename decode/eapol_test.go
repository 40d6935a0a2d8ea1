package decode

import (
	"encoding/binary"
	"testing"

	"github.com/gopacket/gopacket/layers"
)

// eapolFrame builds an Ethernet frame carrying an EAPOL PDU of type typ;
// for a key (typ 3), a descriptor with the given Key Information and
// Key Data length, as the IoT-Sentinel setups' handshakes carry them.
func eapolFrame(typ byte, keyInfo uint16, dataLen int, vlan bool) []byte {
	var body []byte
	if typ == eapolKey {
		body = make([]byte, 95+dataLen)
		body[0] = 2 // RSN descriptor
		binary.BigEndian.PutUint16(body[1:], keyInfo)
		binary.BigEndian.PutUint16(body[93:], uint16(dataLen))
	}
	f := []byte{0xb0, 0xc5, 0x54, 0x25, 0x5b, 0x0e, 0x28, 0xb2, 0xbd, 0xc3, 0x41, 0x79}
	if vlan {
		f = append(f, 0x81, 0x00, 0x00, 0x14)
	}
	f = append(f, 0x88, 0x8e, 2, typ, byte(len(body)>>8), byte(len(body)))
	f = append(f, body...)
	return append(f, make([]byte, 8)...) // Ethernet padding
}

// Each EAPOL message is named as Wireshark's Info names it. The Key
// Information values are those tshark reads on the corpus's setups.
func TestEAPOLInfo(t *testing.T) {
	for _, c := range []struct {
		frame []byte
		info  string
	}{
		{eapolFrame(eapolKey, 0x008a, 0, false), "Key (Message 1 of 4)"},
		{eapolFrame(eapolKey, 0x010a, 22, false), "Key (Message 2 of 4)"},
		{eapolFrame(eapolKey, 0x13ca, 56, true), "Key (Message 3 of 4)"},
		{eapolFrame(eapolKey, 0x0309, 0, false), "Key (Message 4 of 4)"},
		{eapolFrame(eapolKey, 0x1382, 32, false), "Key (Group Message 1 of 2)"},
		{eapolFrame(eapolKey, 0x0301, 0, false), "Key (Group Message 2 of 2)"},
		{eapolFrame(eapolStart, 0, 0, false), "Start"},
		{eapolFrame(eapolLogoff, 0, 0, true), "Logoff"},
		{eapolFrame(eapolKey, 0x008a, 0, false)[:40], "Key"}, // a key that ends before its descriptor does
	} {
		var pk Packet
		pk.OrigLen = len(c.frame)
		NewParser().Decode(c.frame, layers.LinkTypeEthernet, &pk)
		if pk.Proto != ProtoEAPOL {
			t.Errorf("%s: protocol %v", c.info, pk.Proto)
		}
		if got := Summarize(&pk, nil).Info; got != c.info {
			t.Errorf("info %q, want %q", got, c.info)
		}
	}
}
