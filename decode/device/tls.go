package device

import (
	"fmt"
	"strings"

	"thingsniff/decode"
	"thingsniff/decode/quic"
	"thingsniff/decode/tls"
)

// tlsFlow reads the hellos at the start of a TLS connection: the
// client's (SNI, ALPN, versions offered) and the server's (version
// chosen). Bytes are fed in sequence order only; a retransmission or a
// segment out of order ends the reading of that direction.
type tlsFlow struct {
	acc    [2]tls.Accumulator
	next   [2]uint32
	seen   [2]bool
	done   [2]bool
	client bool // a ClientHello was read: the flow is encrypted
	sni    string
	event  *Event
}

const tlsHelloMax = 16 << 10

func looksLikeTLS(b []byte) bool { return tls.LooksLikeTLS(b) }

func (b *Builder) tlsPayload(fs *flowState, p *decode.Packet, f *decode.Flow) {
	t := fs.tls
	d := 1
	if f.FromClient(p) {
		d = 0
	}
	if t.done[d] {
		return
	}
	if t.seen[d] && p.Seq != t.next[d] {
		t.done[d], t.acc[d] = true, tls.Accumulator{}
		return
	}
	a := &t.acc[d]
	if !t.seen[d] {
		// Most hellos are whole in the first payload of their way: the
		// builder's own reader takes it, and only a hello that goes on
		// in later packets leaves its bytes with the flow (thousands of
		// connections would each copy theirs in otherwise).
		a = &b.tlsScratch
		a.Reset()
	}
	t.seen[d], t.next[d] = true, p.Seq+uint32(len(p.Payload))
	a.Max = tlsHelloMax
	switch a.Write(p.Payload) {
	case tls.NeedMore:
		if a == &b.tlsScratch {
			t.acc[d], b.tlsScratch = *a, tls.Accumulator{}
		}
		return
	case tls.NotTLS:
		t.done[d], t.acc[d] = true, tls.Accumulator{}
		return
	}
	t.done[d] = true
	// The hello is read below; then its bytes are no longer needed, and
	// thousands of TLS connections would otherwise keep them.
	defer func() { t.acc[d] = tls.Accumulator{} }()
	if d == 0 {
		hello, err := a.ClientHello()
		if err != nil {
			return
		}
		t.client, t.sni = true, hello.SNI
		t.event = b.helloEvent(fs, p, f, &hello, tls.OverTCP)
		return
	}
	sh, err := a.ServerHello()
	if err != nil || t.event == nil {
		return
	}
	t.event.Packets = append(t.event.Packets, p.Num)
	t.event.Version = sh.Version.String()
	t.event.Summary += fmt.Sprintf("; the server chose %s", sh.Version)
	if sh.ALPN != "" {
		t.event.Summary += " with " + sh.ALPN
	}
}

func tlsSummary(e *Event, ech bool) string {
	name := e.SNI
	if name == "" {
		name = "a server that was not named (no SNI)"
	}
	s := fmt.Sprintf("TLS hello to %s, offering up to %s", name, e.Version)
	if len(e.ALPN) > 0 {
		s += " and " + strings.Join(e.ALPN, ", ")
	}
	if ech {
		s += " (Encrypted Client Hello: the name shown is the public one)"
	}
	if e.JA4 != "" {
		s += "; client JA4 " + e.JA4
	}
	return s
}

// quicHello reads the ClientHello of a QUIC connection's first Initial
// (when it holds it whole): the server's name, ALPN and the client's JA4.
func (b *Builder) quicHello(fs *flowState, p *decode.Packet, f *decode.Flow) {
	_, hello, err := quic.ClientHelloOf(p.Payload)
	if err != nil {
		return
	}
	fs.tls = &tlsFlow{client: true, sni: hello.SNI, done: [2]bool{true, true}}
	fs.tls.event = b.helloEvent(fs, p, f, &hello, tls.OverQUIC)
}

// helloEvent tells a client's hello, sent over transport (tls.OverTCP,
// tls.OverQUIC), in the story of its connection: the server's name
// (which names the connection's peer when nothing did), ALPN, version
// and the client's JA4.
func (b *Builder) helloEvent(fs *flowState, p *decode.Packet, f *decode.Flow, hello *tls.ClientHello, transport byte) *Event {
	e := &Event{Time: stamp(p.Time), Kind: KindTLS, Packets: []uint32{p.Num}, Flow: f.ID, SNI: hello.SNI,
		ALPN: hello.ALPN, Version: hello.MaxVersion().String(), Peer: fs.conn.Peer, PeerName: fs.conn.PeerName,
		JA4: hello.JA4(transport)}
	fs.conn.JA4 = e.JA4
	if fs.conn.PeerName == "" {
		fs.conn.PeerName = hello.SNI
	}
	e.Summary = tlsSummary(e, hello.ECH)
	if transport == tls.OverQUIC {
		e.Summary = "QUIC " + e.Summary
	}
	return b.add(fs.dev, e)
}
