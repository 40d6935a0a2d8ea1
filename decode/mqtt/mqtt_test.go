package mqtt

import (
	"encoding/hex"
	"errors"
	"strings"
	"testing"
)

func unhex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(strings.Join(strings.Fields(s), ""))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// connect311 is a CONNECT of MQTT 3.1.1 written by hand: client id
// "cam-7", username "admin", a password "pw", keep-alive 60 s.
const connect311 = `10 1c  0004 4d515454  04  c2  003c
	0005 63616d2d37  0005 61646d696e  0002 7077`

func TestConnect(t *testing.T) {
	b := unhex(t, connect311)
	m, err := Parse(b)
	if err != nil {
		t.Fatal(err)
	}
	if m.Type != Connect || m.ProtocolName != "MQTT" || m.Level != 4 || m.KeepAlive != 60 {
		t.Errorf("header: %+v", m)
	}
	if m.ClientID != "cam-7" || m.Username != "admin" || !m.HasUsername || !m.HasPassword {
		t.Errorf("client %q user %q (%v) password %v", m.ClientID, m.Username, m.HasUsername, m.HasPassword)
	}
	if m.Len() != len(b) {
		t.Errorf("Len %d, packet is %d bytes", m.Len(), len(b))
	}
	if got := string(b[m.At.ClientID.Off+2 : m.At.ClientID.Off+m.At.ClientID.Len]); got != "cam-7" {
		t.Errorf("client id span holds %q", got)
	}
	if m.At.Password != (Span{26, 4}) {
		t.Errorf("password span %+v", m.At.Password)
	}
}

func TestPublishSubscribePing(t *testing.T) {
	cases := []struct {
		name, hex string
		typ       Type
		id        uint16
		topic     string
		topics    []string
	}{
		// PUBLISH QoS 1, topic "a/b", packet id 7, payload "on".
		{"publish", "32 09 0003 612f62 0007 6f6e", Publish, 7, "a/b", nil},
		// PUBLISH QoS 0 retained: no packet id.
		{"publish qos0", "31 07 0003 612f62 6f6e", Publish, 0, "a/b", nil},
		// SUBSCRIBE id 2 to "x/#" (QoS 1) and "y" (QoS 0).
		{"subscribe", "82 0c 0002 0003 782f23 01 0001 79 00", Subscribe, 2, "", []string{"x/#", "y"}},
		{"unsubscribe", "a2 07 0003 0003 782f23", Unsubscribe, 3, "", []string{"x/#"}},
		{"pingreq", "c0 00", PingReq, 0, "", nil},
		{"puback", "40 02 0007", PubAck, 7, "", nil},
	}
	for _, c := range cases {
		m, err := Parse(unhex(t, c.hex))
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		if m.Type != c.typ || m.PacketID != c.id || m.Topic != c.topic || strings.Join(m.Topics, ",") != strings.Join(c.topics, ",") {
			t.Errorf("%s: got %v id %d topic %q topics %q", c.name, m.Type, m.PacketID, m.Topic, m.Topics)
		}
		if !Looks(unhex(t, c.hex)) {
			t.Errorf("%s: Looks is false", c.name)
		}
	}
}

func TestCutShort(t *testing.T) {
	b := unhex(t, connect311)
	for n := 0; n < len(b); n++ {
		m, err := Parse(b[:n])
		if !errors.Is(err, ErrShort) {
			t.Fatalf("%d bytes: err %v", n, err)
		}
		if n >= 2 && m.Type != Connect {
			t.Fatalf("%d bytes: type %v", n, m.Type)
		}
	}
}

func TestNotMQTT(t *testing.T) {
	for _, s := range []string{"GET / HTTP/1.1\r\n", "\x16\x03\x01\x00\x10", "\x00\x00", "\x10\xff\xff\xff\xff\x01"} {
		if Looks([]byte(s)) {
			m, err := Parse([]byte(s))
			t.Errorf("%q looks like MQTT: %v %v", s, m.Type, err)
		}
	}
}

func FuzzMQTT(f *testing.F) {
	f.Add(unhex(f, connect311))
	f.Add(unhex(f, "82 0c 0002 0003 782f23 01 0001 79 00"))
	f.Add(unhex(f, "32 09 0003 612f62 0007 6f6e"))
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := Parse(b)
		if err == nil && m.Len() > len(b) {
			t.Fatalf("parsed a packet of %d bytes from %d", m.Len(), len(b))
		}
		if len(m.Topics) > MaxTopics {
			t.Fatalf("%d topics kept", len(m.Topics))
		}
		for _, s := range append(m.At.Topics, m.At.ClientID, m.At.Username, m.At.Topic, m.At.Password) {
			if s.Off < 0 || s.Off+s.Len > len(b) {
				t.Fatalf("span %+v outside %d bytes", s, len(b))
			}
		}
		_ = Looks(b)
	})
}
