package device

import (
	"fmt"
	"net/netip"
	"time"
)

// countBroadcast counts a broadcast or multicast packet from d per second
// and opens, extends or closes a burst event when the rate crosses the
// threshold. to is the group it was sent to: an IP address, or none
// (invalid) for a broadcast below IP.
func (b *Builder) countBroadcast(d *Device, t int64, num uint32, to netip.Addr) {
	bs := b.bursts[d]
	if bs == nil {
		bs = &burst{}
		b.bursts[d] = bs
	}
	sec := t / int64(time.Second)
	if sec != bs.second {
		bs.second, bs.count = sec, 0
	}
	bs.count++
	if bs.event != nil {
		if sec-bs.lastHot > 2 {
			bs.event = nil // the burst ended; a new one may start below
		} else {
			bs.event.Sent++
			bs.event.Packets = appendCapped(bs.event.Packets, num)
			if bs.count >= b.opts.FloodRate {
				bs.lastHot = sec
			}
			b.updateBurst(bs.event, t, bs.count)
			return
		}
	}
	if bs.count < b.opts.FloodRate {
		return
	}
	bs.lastHot = sec
	e := &Event{Time: stamp(t), Kind: KindBurst, Packets: []uint32{num}, Sent: uint64(bs.count),
		Peer: to.String()}
	if !to.IsValid() {
		e.Peer = "broadcast"
	}
	e.DurationMs = 0
	b.updateBurst(e, t, bs.count)
	bs.event = b.add(d, e)
	b.floods = append(b.floods, e)
	d.find(Finding{Kind: "flood", Severity: Warning, Time: e.Time, Packets: e.Packets[:1],
		Text: fmt.Sprintf("sends broadcast/multicast faster than %d packets/s (to %s)", b.opts.FloodRate, e.Peer)})
}

// updateBurst keeps a burst's numbers current; Report words them (see
// burstSummary), not every packet of a flood.
func (b *Builder) updateBurst(e *Event, now int64, countThisSecond int) {
	e.DurationMs = float64(now-e.Time.UnixNano()) / 1e6
	if r := float64(countThisSecond); r > e.Rate {
		e.Rate = r
	}
}

// burstSummary words a burst's numbers as they stand.
func burstSummary(e *Event) string {
	return fmt.Sprintf("flooded %s: %d packets in %s, peak %.0f packets/s", e.Peer, e.Sent,
		fmtMs(e.DurationMs), e.Rate)
}

// maxEventPackets caps the packet numbers an event keeps (a flood can
// have millions).
const maxEventPackets = 64

func appendCapped(s []uint32, n uint32) []uint32 {
	if len(s) >= maxEventPackets {
		return s
	}
	return append(s, n)
}

// quietDevices reports devices that stopped answering while others kept
// talking to them, and ties it to a flood going on at that moment.
func (b *Builder) quietDevices() {
	for _, d := range b.order {
		if d.unanswered < 3 || d.Packets == 0 || b.last-d.lastSent < int64(5*time.Second) {
			continue
		}
		text := fmt.Sprintf("stopped answering at %s: %d packets sent to it afterwards went unanswered",
			b.clock(stamp(d.lastSent), true), d.unanswered)
		for _, fl := range b.floods {
			start := fl.Time.UnixNano()
			end := start + int64(fl.DurationMs*1e6) + int64(5*time.Second)
			if d.lastSent >= start-int64(5*time.Second) && d.lastSent <= end && fl.Device != d.Key {
				text += fmt.Sprintf(", during the broadcast/multicast flood from %s", fl.Device)
				break
			}
		}
		e := &Event{Time: stamp(d.lastSent), Kind: KindQuiet, Packets: []uint32{d.firstUnanswered}, Summary: text}
		b.add(d, e)
		d.find(Finding{Kind: "quiet", Severity: Alert, Text: text, Time: e.Time, Packets: e.Packets})
	}
}
