package decode

import (
	"encoding/binary"
	"fmt"
	"strings"
)

// EAPOL (IEEE 802.1X) carries the handshake a device makes as it joins a
// Wi-Fi network or a port-secured LAN: on a capture of a thing's setup,
// its first packets are the WPA 4-way handshake's keys.

// eapolHeader is the length of an EAPOL PDU's header: version, type and
// body length.
const eapolHeader = 4

// EAPOL PDU types.
const (
	eapolEAP    = 0
	eapolStart  = 1
	eapolLogoff = 2
	eapolKey    = 3
)

// Key Information bits of an EAPOL-Key descriptor (IEEE 802.11-2020 12.7.2).
const (
	keyInfoPairwise = 1 << 3
	keyInfoInstall  = 1 << 6
	keyInfoAck      = 1 << 7
)

// eapolKeyMessage names the handshake message an EAPOL-Key body is, as
// Wireshark's Info does: the pairwise 4-way handshake's messages 1 and 3
// come from the access point (Ack set; 3 also says Install), 2 and 4
// answer them (2 carries the station's security element as key data, 4
// carries none); a group key handshake has two messages. ok is false
// when the body is too short to hold a descriptor.
func eapolKeyMessage(body []byte) (msg string, ok bool) {
	// Descriptor type (1), Key Information (2), Key Length (2), Replay
	// Counter (8), Nonce (32), IV (16), RSC (8), reserved (8), MIC (16
	// for every descriptor version in use), Key Data Length (2).
	const dataLenAt = 1 + 2 + 2 + 8 + 32 + 16 + 8 + 8 + 16
	if len(body) < dataLenAt+2 {
		return "", false
	}
	info := binary.BigEndian.Uint16(body[1:])
	dataLen := binary.BigEndian.Uint16(body[dataLenAt:])
	ack := info&keyInfoAck != 0
	switch {
	case info&keyInfoPairwise == 0 && ack:
		return "Group Message 1 of 2", true
	case info&keyInfoPairwise == 0:
		return "Group Message 2 of 2", true
	case ack && info&keyInfoInstall != 0:
		return "Message 3 of 4", true
	case ack:
		return "Message 1 of 4", true
	case dataLen > 0:
		return "Message 2 of 4", true
	}
	return "Message 4 of 4", true
}

// eapolInfo: "Key (Message 1 of 4)", "Start", "Logoff", "EAP Packet".
func eapolInfo(b *strings.Builder, pdu []byte) bool {
	if len(pdu) < eapolHeader {
		return false
	}
	body := pdu[eapolHeader:]
	if n := int(binary.BigEndian.Uint16(pdu[2:])); n < len(body) {
		body = body[:n] // Ethernet padding is no part of it
	}
	switch pdu[1] {
	case eapolEAP:
		b.WriteString("EAP Packet")
	case eapolStart:
		b.WriteString("Start")
	case eapolLogoff:
		b.WriteString("Logoff")
	case eapolKey:
		b.WriteString("Key")
		if msg, ok := eapolKeyMessage(body); ok {
			b.WriteString(" (" + msg + ")")
		}
	default:
		fmt.Fprintf(b, "EAPOL type %d", pdu[1])
	}
	return true
}
