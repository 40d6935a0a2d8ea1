package device

import (
	"fmt"
	"strings"

	"thingsniff/decode"
	"thingsniff/decode/httpmsg"
	"thingsniff/decode/stream"
)

// ssdpPacket records an SSDP message (HTTP over UDP port 1900): the
// announcements (NOTIFY) and answers a device sends about itself, and the
// searches (M-SEARCH) it makes. The SERVER header often names the model.
func (b *Builder) ssdpPacket(src *Device, p *decode.Packet) {
	if src == nil || !decode.LooksLikeHTTP(p.Payload) {
		return
	}
	var msg *httpmsg.Message
	conv := httpmsg.NewConversation(httpmsg.Config{MaxBody: -1}, func(m *httpmsg.Message) error {
		if msg == nil {
			msg = m
		}
		return nil
	})
	_ = conv.Chunk(stream.Chunk{Dir: stream.ClientToServer, Data: p.Payload, FirstPacket: uint64(p.Num), LastPacket: uint64(p.Num)})
	_ = conv.Close()
	if msg == nil {
		return
	}
	e := &Event{Time: stamp(p.Time), Kind: KindSSDP, Packets: []uint32{p.Num}, Protocol: "ssdp",
		Method: msg.Method, URI: msg.URI, Host: msg.Host, Status: msg.StatusCode, UserAgent: msg.UserAgent,
		NT: firstNonEmpty(msg.Header("NT"), msg.Header("ST")), USN: msg.Header("USN"),
		ServerID: msg.Header("SERVER"), Location: msg.Header("LOCATION")}
	switch {
	case msg.Method == "NOTIFY":
		e.Summary = fmt.Sprintf("announced %s via SSDP (%s)", orDash(e.NT), strings.TrimPrefix(msg.Header("NTS"), "ssdp:"))
	case msg.Method == "M-SEARCH":
		e.Summary = fmt.Sprintf("searched for %s via SSDP", orDash(msg.Header("ST")))
	case msg.StatusCode != 0:
		e.Summary = fmt.Sprintf("answered an SSDP search: %s", orDash(e.NT))
	default:
		e.Summary = "SSDP " + msg.Method
	}
	if e.ServerID != "" && msg.Method != "M-SEARCH" {
		e.Summary += ", server " + e.ServerID
		src.Profile.Models = appendUnique(src.Profile.Models, e.ServerID)
	}
	if e.Location != "" {
		e.Summary += ", description at " + e.Location
	}
	b.add(src, e)
}

func firstNonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}
