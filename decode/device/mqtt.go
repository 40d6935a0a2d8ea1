package device

import (
	"errors"
	"fmt"
	"strings"

	"thingsniff/decode"
	"thingsniff/decode/mqtt"
)

// mqttFlow is what a clear-text MQTT connection told: its CONNECT's event,
// which gathers the topics published and subscribed to after it.
type mqttFlow struct {
	event   *Event
	topics  map[string]bool
	dropped int // topics beyond maxMQTTTopics
	broken  bool
}

// maxMQTTTopics caps the topics told of one MQTT connection.
const maxMQTTTopics = 16

// mqttPayload reads the MQTT packets a segment of a clear-text MQTT
// connection begins with: a CONNECT makes an event (client id, username,
// and a finding when a username or password goes in clear text);
// PUBLISH and SUBSCRIBE topics are added to it. A segment that starts
// mid-packet, or a packet that makes no sense, stops the reading of
// that segment.
func (b *Builder) mqttPayload(fs *flowState, p *decode.Packet, f *decode.Flow) {
	if fs.mqtt == nil {
		fs.mqtt = &mqttFlow{}
	}
	mf := fs.mqtt
	if mf.broken {
		return
	}
	rest := p.Payload
	for len(rest) >= 2 {
		m, err := mqtt.Parse(rest)
		if err != nil && !errors.Is(err, mqtt.ErrShort) {
			return
		}
		switch m.Type {
		case mqtt.Connect:
			if m.ProtocolName == "" {
				return // not MQTT after all, or cut before its name
			}
			b.mqttConnect(fs, p, f, &m)
		case mqtt.Publish:
			mf.topic(m.Topic)
		case mqtt.Subscribe, mqtt.Unsubscribe:
			for _, t := range m.Topics {
				mf.topic(t)
			}
		}
		if err != nil || m.Len() <= 0 {
			break
		}
		rest = rest[min(m.Len(), len(rest)):]
	}
	if mf.event != nil {
		mf.event.Summary = mqttSummary(mf)
	}
}

func (mf *mqttFlow) topic(t string) {
	if t == "" || mf.event == nil || mf.topics[t] {
		return
	}
	if len(mf.topics) >= maxMQTTTopics {
		mf.dropped++
		return
	}
	if mf.topics == nil {
		mf.topics = map[string]bool{}
	}
	mf.topics[t] = true
	mf.event.Topics = append(mf.event.Topics, t)
}

func (b *Builder) mqttConnect(fs *flowState, p *decode.Packet, f *decode.Flow, m *mqtt.Message) {
	e := &Event{Time: stamp(p.Time), Kind: KindMQTT, Packets: []uint32{p.Num}, Flow: f.ID,
		Peer: fs.conn.Peer, PeerName: fs.conn.PeerName, ClientID: m.ClientID, Username: m.Username, PasswordSent: m.HasPassword}
	fs.mqtt.event = b.add(fs.dev, e)
	if !m.HasUsername && !m.HasPassword {
		return
	}
	label := peerLabel(fs.conn)
	what := "a password"
	switch {
	case m.HasUsername && m.HasPassword:
		what = fmt.Sprintf("the username %q and a password", m.Username)
	case m.HasUsername:
		what = fmt.Sprintf("the username %q", m.Username)
	}
	fs.dev.find(Finding{Kind: "clear-text-credentials", Severity: Alert, Time: e.Time, Packets: e.Packets, Flow: f.ID,
		Text: fmt.Sprintf("sent %s in clear text to the MQTT broker %s", what, label), key: label + " mqtt " + m.Username})
}

func mqttSummary(mf *mqttFlow) string {
	e := mf.event
	var s strings.Builder
	fmt.Fprintf(&s, "MQTT CONNECT to %s as client id %q", peerLabel(e), e.ClientID)
	if e.Username != "" {
		fmt.Fprintf(&s, ", username %q", e.Username)
	}
	if e.PasswordSent {
		s.WriteString(", with a password in clear text")
	}
	if len(e.Topics) > 0 {
		s.WriteString("; topics " + strings.Join(e.Topics, ", "))
		if mf.dropped > 0 {
			fmt.Fprintf(&s, " and %d more", mf.dropped)
		}
	}
	return s.String()
}
