package device

import (
	"fmt"
	"net/netip"
	"thingsniff/decode"
)

// flowPacket keeps the connection event of p's flow up to date and feeds
// HTTP and TLS parsing.
func (b *Builder) flowPacket(src *Device, p *decode.Packet, f *decode.Flow) {
	for int(f.ID) >= len(b.flows) {
		b.flows = append(b.flows, nil)
	}
	fs := b.flows[f.ID]
	if fs == nil {
		fs = b.newFlowState(src, p, f)
		b.flows[f.ID] = fs
	}
	if fs.dev == nil {
		return
	}
	fs.captured += uint64(len(p.Payload))
	if len(p.Payload) > 0 && fs.conn != nil {
		// HTTP and TLS tell of a connection in its event: when the cap on
		// events left that out, they are left out too.
		b.payload(fs, p, f)
	}
	if fs.http != nil {
		b.tcpSegment(fs, p, f)
	}
	if fs.conn != nil && !fs.closeNoted && (f.State == decode.StateClosed || f.State == decode.StateReset) {
		// Sum the connection up as it closes, so that a live capture's
		// timeline tells it without waiting for the end.
		b.finishFlow(fs, f)
	}
}

// newFlowState decides whose story a flow belongs to: the client's when
// the client is on the LAN, else the server's (a connection coming in).
func (b *Builder) newFlowState(src *Device, p *decode.Packet, f *decode.Flow) *flowState {
	fs := &flowState{tcp: f.Proto == decode.ProtoTCP}
	fromClient := f.FromClient(p)
	clientLocal := isLocal(f.Client.Addr()) || !isLocal(f.Server.Addr())
	switch {
	case fromClient && clientLocal:
		fs.dev, fs.clientIsDevice, fs.peer = src, true, f.Server.Addr()
	case !fromClient && !clientLocal:
		fs.dev, fs.clientIsDevice, fs.peer = src, false, f.Client.Addr()
	case fromClient:
		fs.dev, fs.peer = b.destination(p), f.Client.Addr()
	default:
		fs.dev, fs.clientIsDevice, fs.peer = b.destination(p), true, f.Server.Addr()
	}
	if fs.dev == nil {
		return fs
	}
	if !wantsConnEvent(p, f) || !b.roomForEvent(fs.dev) {
		return fs
	}
	kind := KindUDP
	if f.Proto == decode.ProtoTCP {
		kind = KindTCP
	}
	if f.Proto == decode.ProtoICMP || f.Proto == decode.ProtoICMPv6 {
		kind = Kind("icmp")
	}
	e := &Event{Time: stamp(f.First), Kind: kind, Packets: []uint32{f.FirstPacket}, Flow: f.ID,
		Peer: peerString(f, fs.clientIsDevice)}
	if name, ok := fs.dev.resolved[fs.peer]; ok {
		e.PeerName = name
	}
	fs.conn = b.add(fs.dev, e)
	b.firstContact(e, fs.peer)
	return fs
}

// firstContact marks e, a connection to peer, when no device of the
// capture talked to that peer before (by name when known, else
// address). The peers remembered are capped; beyond the cap no contact
// is marked first.
func (b *Builder) firstContact(e *Event, peer netip.Addr) {
	if b.namesSeen == nil {
		b.namesSeen, b.addrsSeen = map[string]struct{}{}, map[netip.Addr]struct{}{}
	}
	if len(b.namesSeen)+len(b.addrsSeen) >= maxAddresses {
		return
	}
	if e.PeerName != "" {
		if _, ok := b.namesSeen[e.PeerName]; ok {
			return
		}
		b.namesSeen[e.PeerName] = struct{}{}
	} else {
		if _, ok := b.addrsSeen[peer]; ok || !peer.IsValid() {
			return
		}
		b.addrsSeen[peer] = struct{}{}
	}
	e.FirstContact = true
}

// wantsConnEvent leaves out UDP exchanges that have events of their own
// (DHCP, DNS and its kin, SSDP) and traffic to a group address (a burst
// event tells of floods).
func wantsConnEvent(p *decode.Packet, f *decode.Flow) bool {
	if f.Proto != decode.ProtoUDP {
		return true
	}
	if f.Server.Addr().IsMulticast() || isBroadcast4(f.Server.Addr()) {
		return false
	}
	return !readsMessages(p.Proto)
}

func peerString(f *decode.Flow, clientIsDevice bool) string {
	if clientIsDevice {
		return f.Server.String()
	}
	return f.Client.String()
}

// finishFlows writes each connection's final numbers into its event.
func (b *Builder) finishFlows(flows func(id uint32) *decode.Flow) {
	for id, fs := range b.flows {
		if fs == nil {
			continue
		}
		f := flows(uint32(id))
		if f == nil || fs.dev == nil {
			continue
		}
		b.countBytes(fs, f)
		if fs.conn != nil {
			b.finishFlow(fs, f)
		}
	}
}

func (b *Builder) finishFlow(fs *flowState, f *decode.Flow) {
	e := fs.conn
	out, in := 0, 1
	if !fs.clientIsDevice {
		out, in = 1, 0
	}
	e.BytesOut, e.BytesIn = f.Payload[out], f.Payload[in]
	e.PayloadNote = payloadNote(fs.captured, f.Payload[0]+f.Payload[1])
	e.DurationMs = float64(f.Last-f.First) / 1e6
	e.App = appName(f)
	if f.LastPacket != f.FirstPacket {
		e.Packets = append(e.Packets[:1], f.LastPacket)
	}
	if enc := fs.encrypted(f); e.Encrypted == nil || *e.Encrypted != enc {
		e.Encrypted = &enc
	}
	if fs.tls != nil && fs.tls.sni != "" && e.PeerName == "" {
		e.PeerName = fs.tls.sni
	}
	if f.Proto == decode.ProtoTCP && f.Close != decode.CloseNone {
		who := f.ClosedBy
		if !fs.clientIsDevice {
			// From the device's point of view, "server" is the peer.
			if who == decode.SideClient {
				who = decode.SideServer
			} else {
				who = decode.SideClient
			}
		}
		switch who {
		case decode.SideClient:
			e.ClosedBy = "device"
		case decode.SideServer:
			e.ClosedBy = "peer"
		default:
			e.ClosedBy = ""
		}
		e.Close = f.Close.String()
		e.IdleBeforeMs = float64(f.IdleBeforeClose()) / 1e6
		if e.ClosedBy == "peer" && fs.clientIsDevice && !fs.closeNoted {
			label := peerLabel(e)
			key := label + " " + e.Close
			if !fs.dev.repeat("server-closed", key, []uint32{f.ClosePacket}) {
				fs.dev.find(Finding{Kind: "server-closed", Severity: Info, Time: stamp(f.CloseTime), Packets: []uint32{f.ClosePacket}, Flow: f.ID,
					Text: fmt.Sprintf("%s closed the connection (%s) after %s idle", label, upper(e.Close), fmtMs(e.IdleBeforeMs)),
					key:  key})
			}
		}
	}
	// A connection summed up as it closed is summed up again at the end,
	// mostly from the same numbers (only a last ACK came after the FIN):
	// its words are put together again only when what they tell changed,
	// and kept when they come out the same.
	if w := wordsOf(e); e.Summary == "" || w != fs.worded {
		b.summary = appendConnSummary(b.summary[:0], e, f)
		if string(b.summary) != e.Summary {
			e.Summary = string(b.summary)
		}
		fs.worded = w
	}
	if f.Close != decode.CloseNone {
		fs.closeNoted = true
	}
}

// payloadNote says how much of a flow's payload the capture kept, when
// not all of it: "" when all (or none was sent).
func payloadNote(captured, sent uint64) string {
	switch {
	case captured >= sent:
		return ""
	case captured == 0:
		return "headers only: payload not captured"
	}
	return "payload partly captured: " + decode.FormatBytes(captured) + " of " + decode.FormatBytes(sent)
}

// connWords is what a connection's summary is worded from (see
// appendConnSummary).
type connWords struct {
	out, in                    uint64
	app, peer, close, closedBy string
	idleMs                     float64
	encrypted, knownEncrypted  bool
	note                       string
}

func wordsOf(e *Event) connWords {
	w := connWords{out: e.BytesOut, in: e.BytesIn, app: e.App, peer: e.PeerName, close: e.Close, closedBy: e.ClosedBy, idleMs: e.IdleBeforeMs, note: e.PayloadNote}
	if e.Encrypted != nil {
		w.encrypted, w.knownEncrypted = *e.Encrypted, true
	}
	return w
}

func (fs *flowState) encrypted(f *decode.Flow) bool {
	return f.App == decode.ProtoTLS || f.App == decode.ProtoQUIC || fs.tls != nil && fs.tls.client
}

// countBytes adds a flow's payload to its device's clear-text, encrypted
// or unread totals.
func (b *Builder) countBytes(fs *flowState, f *decode.Flow) {
	total := f.Payload[0] + f.Payload[1]
	switch {
	case fs.encrypted(f):
		fs.dev.tlsBytes += total
	case isClearApp(f.App) || fs.http != nil && fs.http.messages > 0:
		fs.dev.clearBytes += total
		fs.dev.clearApps[appName(f)] = true
	case fs.captured == 0:
		// Nothing of it was kept to be read: unknown, not nothing; its
		// port may tell what it likely was.
		fs.dev.uncapturedBytes += total
		if s, ok := portService(f); ok && total > 0 {
			if fs.dev.byPort == nil {
				fs.dev.byPort = map[string]uint64{}
			}
			fs.dev.byPort[s.Name] += total
		}
	default:
		fs.dev.otherBytes += total
	}
}

// appName names what a flow carried: TLS by its port's protocol ("MQTT
// over TLS" on 8883, "HTTPS" on 443), else the protocol read.
func appName(f *decode.Flow) string {
	switch f.App {
	case decode.ProtoUnknown:
		return f.Proto.String()
	case decode.ProtoTLS:
		return f.TLSName()
	}
	return f.App.String()
}

// portService is what a flow's well-known port says it carries, for a
// flow whose payload was not captured to tell.
func portService(f *decode.Flow) (decode.Service, bool) {
	return decode.ServiceOf(f.Proto == decode.ProtoTCP, f.Client.Port(), f.Server.Port())
}

func isClearApp(p decode.Proto) bool {
	switch p {
	case decode.ProtoHTTP, decode.ProtoDNS, decode.ProtoMDNS, decode.ProtoLLMNR, decode.ProtoNBNS,
		decode.ProtoDHCP, decode.ProtoSSDP, decode.ProtoNTP, decode.ProtoMQTT:
		return true
	}
	return false
}

// peerLabel names a connection's peer: its name, with its address after.
func peerLabel(e *Event) string { return string(appendPeerLabel(nil, e)) }

// appendPeerLabel appends peerLabel(e).
func appendPeerLabel(s []byte, e *Event) []byte {
	if e.PeerName != "" {
		s = append(s, e.PeerName...)
		s = append(s, " ("...)
		s = append(s, e.Peer...)
		return append(s, ')')
	}
	return append(s, e.Peer...)
}

func appendConnSummary(s []byte, e *Event, f *decode.Flow) []byte {
	what := "clear text"
	if e.Encrypted != nil && *e.Encrypted {
		what = "encrypted (TLS)"
	} else if !isClearApp(f.App) && f.App != decode.ProtoHTTP {
		what = "unrecognised payload"
		if e.BytesOut+e.BytesIn == 0 {
			what = "no payload"
		}
	}
	if e.PayloadNote != "" && (e.Encrypted == nil || !*e.Encrypted) && !isClearApp(f.App) {
		what = e.PayloadNote
		if s, ok := portService(f); ok && f.App == decode.ProtoUnknown || ok && f.Proto == decode.ProtoUDP {
			what += " (its port says " + s.Name + ")"
		}
	}
	// Built by appending: thousands of connections are summed up, twice
	// each when a capture is loaded (as they close, and at the end).
	s = append(s, e.App...)
	s = append(s, ' ')
	s = append(s, verb(e)...)
	s = append(s, ' ')
	s = appendPeerLabel(s, e)
	s = append(s, ": "...)
	s = decode.AppendBytes(s, e.BytesOut)
	s = append(s, " out, "...)
	s = decode.AppendBytes(s, e.BytesIn)
	s = append(s, " in, "...)
	s = append(s, what...)
	if e.PayloadNote != "" && what != e.PayloadNote {
		s = append(s, ", "...)
		s = append(s, e.PayloadNote...)
	}
	if e.Close != "" {
		closer := "the device"
		if e.ClosedBy == "peer" {
			closer = "the peer"
		}
		s = append(s, "; closed by "...)
		s = append(s, closer...)
		s = append(s, " ("...)
		s = appendUpper(s, e.Close)
		s = append(s, ") after "...)
		s = decode.AppendMs(s, e.IdleBeforeMs)
		s = append(s, " idle"...)
	}
	return s
}

func verb(e *Event) string {
	if e.Kind == KindTCP {
		return "connection to"
	}
	return "exchange with"
}

func upper(s string) string { return string(appendUpper(nil, s)) }

// appendUpper appends s with its ASCII letters in upper case.
func appendUpper(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'a' <= c && c <= 'z' {
			c -= 32
		}
		b = append(b, c)
	}
	return b
}

func fmtMs(ms float64) string { return string(decode.AppendMs(nil, ms)) }
