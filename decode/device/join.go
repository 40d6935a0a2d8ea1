package device

import (
	"bytes"
	"cmp"
	"fmt"
	"slices"
	"time"

	"thingsniff/decode"
)

// A device joining a Wi-Fi network (or a port-secured LAN) proves it
// holds the key in the WPA 4-way handshake: the access point sends
// messages 1 and 3, the station answers with 2 and 4. The story tells
// each handshake once, on the station, when it completes or, at the end
// of the capture, where it stopped: a station that never sends message
// 4 did not get on the network.

// join is a key handshake in progress.
type join struct {
	start   int64
	ap      [6]byte
	packets []uint32
	last    int // the last message seen
}

// maxJoins caps the handshakes in progress followed at once.
const maxJoins = 4096

// eapolPacket follows the pairwise key handshakes; group key messages
// (a key renewed on a joined network) tell nothing of joining.
func (b *Builder) eapolPacket(p *decode.Packet) {
	m, ok := decode.EAPOLKey(p.Payload)
	if !ok || m.Group() || !p.HasMAC || len(p.SrcMAC) != 6 || len(p.DstMAC) != 6 {
		return
	}
	var sta, ap [6]byte
	if m.Number%2 == 1 { // from the access point
		sta, ap = [6]byte(p.DstMAC), [6]byte(p.SrcMAC)
	} else {
		sta, ap = [6]byte(p.SrcMAC), [6]byte(p.DstMAC)
	}
	j := b.joins[sta]
	if (j == nil || j.ap != ap) && m.Number > 2 {
		return // the end of a handshake the capture did not see begin, or one sent again
	}
	if j == nil || m.Number == 1 || j.ap != ap {
		// A message 1 (sent again, or for a new attempt) starts over.
		if j == nil && len(b.joins) >= maxJoins {
			return
		}
		if b.joins == nil {
			b.joins = map[[6]byte]*join{}
		}
		j = &join{start: p.Time, ap: ap}
		b.joins[sta] = j
	}
	j.packets = appendCapped(j.packets, p.Num)
	j.last = max(j.last, m.Number)
	if m.Number == 4 {
		delete(b.joins, sta)
		b.joined(sta, j, p.Time)
	}
}

// joined tells a handshake that ended at time end (the last message
// seen) in the story of station sta.
func (b *Builder) joined(sta [6]byte, j *join, end int64) {
	d := b.deviceByMAC(sta, j.start)
	e := &Event{Time: stamp(j.start), Kind: KindJoin, Packets: j.packets, AccessPoint: macKey(j.ap)}
	took := decode.FormatDuration(time.Duration(end - j.start))
	if j.last == 4 {
		e.Joined = true
		e.Summary = fmt.Sprintf("joined the network: WPA key handshake with access point %s, done in %s", e.AccessPoint, took)
		b.add(d, e)
		return
	}
	e.Summary = fmt.Sprintf("WPA key handshake with access point %s stopped after message %d of 4: not on the network", e.AccessPoint, j.last)
	b.add(d, e)
	if d != nil {
		d.find(Finding{Kind: "join-failed", Severity: Warning, Time: e.Time, Packets: e.Packets,
			Text: fmt.Sprintf("did not join the network: its WPA key handshake with %s stopped after message %d of 4 (a wrong passphrase looks like this)", e.AccessPoint, j.last),
			key:  e.AccessPoint})
	}
}

// finishJoins tells the handshakes the capture left unfinished, in the
// order they started.
func (b *Builder) finishJoins() {
	stas := make([][6]byte, 0, len(b.joins))
	for sta := range b.joins {
		stas = append(stas, sta)
	}
	slices.SortFunc(stas, func(x, y [6]byte) int {
		// Same start: by MAC, so that the report is the same every run.
		return cmp.Or(cmp.Compare(b.joins[x].start, b.joins[y].start), bytes.Compare(x[:], y[:]))
	})
	for _, sta := range stas {
		j := b.joins[sta]
		b.joined(sta, j, b.latest)
	}
	b.joins = nil
}
