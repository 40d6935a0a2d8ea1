package chart

import (
	"cmp"
	"fmt"
	"image"
	"math"
	"net/netip"
	"slices"
	"strings"

	"thingsniff/decode/device"
)

// TalkMap is whom one device talks to: the device, its gateway, and the
// names (or addresses) behind them, each edge as thick as its bytes.
type TalkMap struct {
	Device *device.Device
}

// peer is one end the device talked to.
type peer struct {
	label string
	addr  string
	bytes uint64
	conns int
	local bool
	x, y  int
	w     int
}

// peers adds up the device's connections by peer name (or address).
func (m *TalkMap) peers() []*peer {
	by := map[string]*peer{}
	var out []*peer
	for _, e := range m.Device.Events {
		if e.Peer == "" || e.Kind != device.KindTCP && e.Kind != device.KindUDP {
			continue
		}
		ap, err := netip.ParseAddrPort(e.Peer)
		if err != nil {
			continue
		}
		label := e.PeerName
		if label == "" {
			label = ap.Addr().String()
		}
		p := by[label]
		if p == nil {
			a := ap.Addr()
			p = &peer{label: label, addr: a.String(), local: a.IsPrivate() || a.IsLinkLocalUnicast() || a.IsLoopback()}
			by[label] = p
			out = append(out, p)
		}
		p.bytes += e.BytesIn + e.BytesOut
		p.conns++
	}
	slices.SortStableFunc(out, func(a, b *peer) int { return cmp.Compare(b.bytes, a.bytes) })
	return out
}

// Draw draws the map w by h pixels, and returns it with a mark per node:
// a click on a peer selects its packets.
func (m *TalkMap) Draw(w, h int, pal Palette) (*image.RGBA, []Mark) {
	c := newCanvas(w, h, pal)
	if m.Device == nil {
		c.text(10, 10, "Choose a device.", pal.Muted)
		return c.img, nil
	}
	peers := m.peers()
	var remote, local []*peer
	for _, p := range peers {
		if p.local {
			local = append(local, p)
		} else {
			remote = append(remote, p)
		}
	}
	rows := max(1, (h-40)/(lineHeight+8))
	left := 0
	if len(remote) > rows {
		left, remote = len(remote)-rows, remote[:rows]
	}
	if len(local) > rows/2 {
		local = local[:rows/2]
	}
	var most, viaGateway uint64
	for _, p := range peers {
		most = max(most, p.bytes)
		if !p.local {
			viaGateway += p.bytes
		}
	}
	most = max(most, viaGateway, 1)
	thick := func(b uint64) float64 { return 1 + 11*math.Sqrt(float64(b)/float64(most)) }

	name := m.Device.Key
	if len(m.Device.Names) > 0 {
		name = m.Device.Names[0] + " (" + m.Device.Key + ")"
	}
	dx, dy := 12, h/2
	devW := min(textWidth(name)+12, w/4)
	gw := m.Device.Profile.Gateway
	gLabel := "gateway"
	if gw != "" {
		gLabel = "gateway " + gw
	}
	gx, gy := w*2/5, h/3
	right := w - 12
	var marks []Mark
	node := func(x, y, width int, label string, mk Mark) {
		r := image.Rect(x, y-lineHeight/2-3, x+width, y+lineHeight/2+4)
		c.fill(r, pal.Grid)
		c.text(x+6, y-lineHeight/2, clip(label, width-10), pal.Foreground)
		mk.Rect = r
		marks = append(marks, mk)
	}
	// Remote peers in a column on the right, reached through the gateway.
	colW := min(260, w/3)
	for i, p := range remote {
		p.x, p.y, p.w = right-colW, 20+i*(lineHeight+8)+lineHeight/2, colW
		c.line(float64(gx+textWidth(gLabel)+12), float64(gy), float64(p.x), float64(p.y), thick(p.bytes), pal.Total)
	}
	// Local peers below the gateway, reached directly.
	for i, p := range local {
		p.x, p.y, p.w = w*2/5, h*2/3+i*(lineHeight+8), min(textWidth(p.label)+12, colW)
		c.line(float64(dx+devW), float64(dy), float64(p.x), float64(p.y), thick(p.bytes), pal.Lines[0])
	}
	if len(remote) > 0 {
		c.line(float64(dx+devW), float64(dy), float64(gx), float64(gy), thick(viaGateway), pal.Total)
		node(gx, gy, textWidth(gLabel)+12, gLabel, Mark{Tip: fmt.Sprintf("%s: %s to and from beyond it", gLabel, bytesText(viaGateway)), Host: gw})
	}
	node(dx, dy, devW, name, Mark{Tip: deviceTip(m.Device), Host: firstOf(m.Device.IPs)})
	for _, p := range append(remote, local...) {
		tip := fmt.Sprintf("%s (%s): %s in %d connection", p.label, p.addr, bytesText(p.bytes), p.conns)
		if p.conns != 1 {
			tip += "s"
		}
		node(p.x, p.y, p.w, p.label+"  "+bytesText(p.bytes), Mark{Tip: tip, Host: p.addr})
	}
	if left > 0 {
		c.text(right-colW, h-lineHeight-4, fmt.Sprintf("and %d more", left), pal.Muted)
	}
	if len(peers) == 0 {
		c.text(dx, dy+lineHeight+8, "It opened no connection.", pal.Muted)
	}
	return c.img, marks
}

func deviceTip(d *device.Device) string {
	s := d.Key
	if d.Vendor != "" {
		s += " (" + d.Vendor + ")"
	}
	if len(d.IPs) > 0 {
		s += ": " + strings.Join(d.IPs, " ")
	}
	return s
}

func firstOf(s []string) string {
	if len(s) == 0 {
		return ""
	}
	return s[0]
}
