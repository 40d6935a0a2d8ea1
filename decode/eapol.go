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

// KeyMessage is which message of a WPA key handshake an EAPOL-Key PDU
// is: Number of Of (4 for the pairwise 4-way handshake, 2 for a group
// key handshake).
type KeyMessage struct {
	Number, Of int
}

// Group reports whether the message belongs to a group key handshake.
func (m KeyMessage) Group() bool { return m.Of == 2 }

// String names the message as Wireshark's Info does: "Message 1 of 4",
// "Group Message 2 of 2".
func (m KeyMessage) String() string {
	if m.Group() {
		return fmt.Sprintf("Group Message %d of 2", m.Number)
	}
	return fmt.Sprintf("Message %d of 4", m.Number)
}

// EAPOLKey reads which handshake message an EAPOL PDU (from its version
// byte on) is; ok is false for a PDU that is no key or too short to say.
// The pairwise 4-way handshake's messages 1 and 3 come from the access
// point (Ack set; 3 also says Install), 2 and 4 answer them (2 carries
// the station's security element as key data, 4 carries none).
func EAPOLKey(pdu []byte) (m KeyMessage, ok bool) {
	if len(pdu) < eapolHeader || pdu[1] != eapolKey {
		return KeyMessage{}, false
	}
	body := pdu[eapolHeader:]
	// Descriptor type (1), Key Information (2), Key Length (2), Replay
	// Counter (8), Nonce (32), IV (16), RSC (8), reserved (8), MIC (16
	// for every descriptor version in use), Key Data Length (2).
	const dataLenAt = 1 + 2 + 2 + 8 + 32 + 16 + 8 + 8 + 16
	if len(body) < dataLenAt+2 {
		return KeyMessage{}, false
	}
	info := binary.BigEndian.Uint16(body[1:])
	dataLen := binary.BigEndian.Uint16(body[dataLenAt:])
	ack := info&keyInfoAck != 0
	switch {
	case info&keyInfoPairwise == 0 && ack:
		return KeyMessage{1, 2}, true
	case info&keyInfoPairwise == 0:
		return KeyMessage{2, 2}, true
	case ack && info&keyInfoInstall != 0:
		return KeyMessage{3, 4}, true
	case ack:
		return KeyMessage{1, 4}, true
	case dataLen > 0:
		return KeyMessage{2, 4}, true
	}
	return KeyMessage{4, 4}, true
}

// eapolInfo: "Key (Message 1 of 4)", "Start", "Logoff", "EAP Packet".
func eapolInfo(b *strings.Builder, pdu []byte) bool {
	if len(pdu) < eapolHeader {
		return false
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
		if m, ok := EAPOLKey(pdu); ok {
			b.WriteString(" (" + m.String() + ")")
		}
	default:
		fmt.Fprintf(b, "EAPOL type %d", pdu[1])
	}
	return true
}
