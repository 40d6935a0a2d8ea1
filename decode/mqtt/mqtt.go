package mqtt

import (
	"errors"
	"fmt"
)

// Type is an MQTT control packet type (the fixed header's high nibble).
type Type uint8

// Control packet types.
const (
	Connect Type = iota + 1
	ConnAck
	Publish
	PubAck
	PubRec
	PubRel
	PubComp
	Subscribe
	SubAck
	Unsubscribe
	UnsubAck
	PingReq
	PingResp
	Disconnect
	Auth
)

var typeNames = [...]string{"Reserved", "Connect Command", "Connect Ack", "Publish Message", "Publish Ack",
	"Publish Received", "Publish Release", "Publish Complete", "Subscribe Request", "Subscribe Ack",
	"Unsubscribe Request", "Unsubscribe Ack", "Ping Request", "Ping Response", "Disconnect Req", "Authentication Exchange"}

// String names the type as Wireshark's packet list does ("Connect Command").
func (t Type) String() string {
	if int(t) < len(typeNames) {
		return typeNames[t]
	}
	return fmt.Sprintf("Type %d", uint8(t))
}

// MaxTopics is how many topics of one SUBSCRIBE or UNSUBSCRIBE are kept.
const MaxTopics = 16

// ErrShort means the packet's bytes end before the packet does.
var ErrShort = errors.New("MQTT packet cut short")

// Span is where a field lies: Off bytes from the start of the packet
// given to Parse, Len bytes long (Len 0 when the field is absent).
type Span struct{ Off, Len int }

// Message is one MQTT control packet.
type Message struct {
	Type  Type
	Flags uint8 // the fixed header's low nibble
	// Remaining is the length the fixed header announces after itself;
	// HeaderLen is the fixed header's own length (2 to 5 bytes).
	Remaining, HeaderLen int

	QoS         uint8 // PUBLISH
	Dup, Retain bool  // PUBLISH
	PacketID    uint16

	// CONNECT.
	ProtocolName string
	Level        uint8 // 3 = 3.1, 4 = 3.1.1, 5 = 5.0
	ConnectFlags uint8
	KeepAlive    uint16
	ClientID     string
	Username     string
	HasUsername  bool
	HasPassword  bool
	WillTopic    string

	// CONNACK.
	SessionPresent bool
	ReturnCode     uint8

	// Topic is PUBLISH's topic; Topics SUBSCRIBE's and UNSUBSCRIBE's
	// (at most MaxTopics), with Dropped counting the rest.
	Topic   string
	Topics  []string
	Dropped int

	// Where the fields shown in a details tree lie.
	At struct {
		PacketID, ProtocolName, Level, ConnectFlags, KeepAlive  Span
		ClientID, WillTopic, Username, Password, Topic, Payload Span
		ReturnCode                                              Span
		Topics                                                  []Span
	}
}

// Len is the packet's whole length: fixed header and what it announces.
func (m *Message) Len() int { return m.HeaderLen + m.Remaining }

// ParseHeader reads the fixed header at the start of b.
func ParseHeader(b []byte) (m Message, err error) {
	if len(b) < 2 {
		return m, ErrShort
	}
	m.Type, m.Flags = Type(b[0]>>4), b[0]&0x0f
	if m.Type == 0 {
		return m, errors.New("MQTT packet type 0 is reserved")
	}
	mult := 1
	for i := 1; ; i++ {
		if i > 4 {
			return m, errors.New("MQTT remaining length longer than 4 bytes")
		}
		if i >= len(b) {
			return m, ErrShort
		}
		m.Remaining += int(b[i]&0x7f) * mult
		mult <<= 7
		if b[i]&0x80 == 0 {
			m.HeaderLen = i + 1
			break
		}
	}
	if m.Type == Publish {
		m.QoS, m.Dup, m.Retain = m.Flags>>1&3, m.Flags&8 != 0, m.Flags&1 != 0
	}
	return m, nil
}

// Parse reads the MQTT control packet at the start of b. b may hold more
// (the next packet of a TCP segment, from m.Len() on). A packet cut short
// returns what could be read and ErrShort.
func Parse(b []byte) (Message, error) {
	m, err := ParseHeader(b)
	if err != nil {
		return m, err
	}
	end := m.Len()
	short := end > len(b)
	if short {
		end = len(b)
	}
	r := reader{b: b[:end], off: m.HeaderLen}
	switch m.Type {
	case Connect:
		m.connect(&r)
	case ConnAck:
		m.At.ReturnCode = Span{r.off + 1, 1}
		flags := r.u8()
		m.SessionPresent, m.ReturnCode = flags&1 != 0, r.u8()
	case Publish:
		m.Topic = r.str(&m.At.Topic)
		if m.QoS > 0 {
			m.At.PacketID = Span{r.off, 2}
			m.PacketID = r.u16()
		}
		// The payload's start needs version 5's properties skipped, and
		// the version is in the CONNECT: left to who knows it.
		m.At.Payload = Span{r.off, m.Len() - r.off}
	case PubAck, PubRec, PubRel, PubComp, SubAck, UnsubAck:
		m.At.PacketID = Span{r.off, 2}
		m.PacketID = r.u16()
	case Subscribe, Unsubscribe:
		m.At.PacketID = Span{r.off, 2}
		m.PacketID = r.u16()
		m.topics(&r)
	}
	switch {
	case r.err != nil && short:
		return m, ErrShort
	case r.err != nil:
		return m, fmt.Errorf("read MQTT %s: %w", m.Type, r.err)
	case short:
		return m, ErrShort
	}
	return m, nil
}

func (m *Message) connect(r *reader) {
	m.ProtocolName = r.str(&m.At.ProtocolName)
	m.At.Level, m.At.ConnectFlags, m.At.KeepAlive = Span{r.off, 1}, Span{r.off + 1, 1}, Span{r.off + 2, 2}
	m.Level = r.u8()
	m.ConnectFlags = r.u8()
	m.KeepAlive = r.u16()
	if m.Level == 5 {
		r.properties()
	}
	m.ClientID = r.str(&m.At.ClientID)
	if m.ConnectFlags&0x04 != 0 { // will
		if m.Level == 5 {
			r.properties()
		}
		m.WillTopic = r.str(&m.At.WillTopic)
		r.bin(nil)
	}
	m.HasUsername, m.HasPassword = m.ConnectFlags&0x80 != 0, m.ConnectFlags&0x40 != 0
	if m.HasUsername {
		m.Username = r.str(&m.At.Username)
	}
	if m.HasPassword {
		r.bin(&m.At.Password)
	}
}

// topics reads SUBSCRIBE's (topic, options) pairs or UNSUBSCRIBE's topics
// up to the packet's end.
func (m *Message) topics(r *reader) {
	// Version 5 puts properties before the topics; a first byte that
	// cannot start a topic length of a sensible packet tells them apart
	// without knowing the version: not attempted, 3.1.1 is what things speak.
	for r.err == nil && r.off < len(r.b) {
		var at Span
		t := r.str(&at)
		if m.Type == Subscribe {
			r.u8()
		}
		if r.err != nil {
			return
		}
		if len(m.Topics) < MaxTopics {
			m.Topics = append(m.Topics, t)
			m.At.Topics = append(m.At.Topics, at)
		} else {
			m.Dropped++
		}
	}
}

// reader reads MQTT's big-endian fields; the first failure sticks.
type reader struct {
	b   []byte
	off int
	err error
}

func (r *reader) take(n int) []byte {
	if r.err != nil {
		return nil
	}
	if n < 0 || r.off+n > len(r.b) {
		r.err = ErrShort
		return nil
	}
	s := r.b[r.off : r.off+n]
	r.off += n
	return s
}

func (r *reader) u8() uint8 {
	if s := r.take(1); s != nil {
		return s[0]
	}
	return 0
}

func (r *reader) u16() uint16 {
	if s := r.take(2); s != nil {
		return uint16(s[0])<<8 | uint16(s[1])
	}
	return 0
}

// bin reads a length-prefixed byte string, noting where it lies in at.
func (r *reader) bin(at *Span) []byte {
	start := r.off
	n := int(r.u16())
	s := r.take(n)
	if at != nil && r.err == nil {
		*at = Span{start, 2 + n}
	}
	return s
}

func (r *reader) str(at *Span) string { return string(r.bin(at)) }

// properties skips an MQTT 5 property list (a variable-length count of
// bytes, then the properties).
func (r *reader) properties() {
	n, mult := 0, 1
	for i := 0; i < 4; i++ {
		c := r.u8()
		n += int(c&0x7f) * mult
		mult <<= 7
		if c&0x80 == 0 {
			r.take(n)
			return
		}
	}
	if r.err == nil {
		r.err = errors.New("MQTT property length longer than 4 bytes")
	}
}

// Looks reports whether b plausibly starts an MQTT control packet: a
// known type whose reserved flag bits are as the standard fixes them and
// a well-formed remaining length. It is a check for a port already
// known to carry MQTT, not a detector for any port.
func Looks(b []byte) bool {
	m, err := ParseHeader(b)
	if err != nil && !errors.Is(err, ErrShort) || m.Type == 0 || len(b) < 2 {
		return false
	}
	switch m.Type {
	case Publish:
		return m.QoS != 3
	case PubRel, Subscribe, Unsubscribe:
		return m.Flags == 2
	}
	return m.Flags == 0
}
