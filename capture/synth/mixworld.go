package synth

import (
	"fmt"
	"math/rand/v2"
	"net"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
)

// host is a machine on the mix's LAN with its pre-built UDP payloads.
type host struct {
	ep       endpoint
	name     string
	nextPort uint16
	dhcp     [4][]byte // Discover, Offer, Request, ACK; xid patched per use
	ssdp     []byte
	mdns     []byte
	// tsNext is where the host's next stream to each group picks up the
	// continuity counter, so that a stream resumed later runs on.
	tsNext [tsGroups]uint8
}

// site is a remote server by name, with the DNS query and answer that
// resolve it (ID patched per use).
type site struct {
	name   string
	ep     endpoint
	query  []byte
	answer []byte
	tls    bool
}

// world is everything a mix draws from: the LAN, the remote sites and
// blocks of payload bytes. It is built once per Mix call.
type world struct {
	gw    endpoint
	hosts []host
	sites []site
	bulk  []byte // random bytes: file transfers and encrypted data
	text  []byte // HTML-like text: HTTP bodies
	ts    []byte // tsCycle MPEG-TS datagrams of a multicast stream
	icmp  []byte // ping payload
}

// ouis are real vendor prefixes (Apple, Intel, Dell, HP, Espressif, Google,
// LG, Brother, Amazon, Samsung, Sagemcom, Xiaomi, Technische Alternative).
func ouis() [][3]byte {
	return [][3]byte{{0x00, 0x03, 0x93}, {0x00, 0x12, 0xf0}, {0x00, 0x14, 0x22}, {0x00, 0x01, 0xe6},
		{0x00, 0x4b, 0x12}, {0x00, 0x1a, 0x11}, {0x00, 0xa1, 0x59}, {0x00, 0x1b, 0xa9}, {0x00, 0x71, 0x47},
		{0x00, 0x12, 0xfb}, {0x00, 0x0e, 0x59}, {0x04, 0x7a, 0x0b}, {0x3c, 0xcd, 0x5a}}
}

// siteNames are the remote names hosts look up; the .example, .test and
// .invalid domains are reserved and resolve nowhere real.
func siteNames() []string {
	return []string{"www.example.com", "cdn.example.net", "api.weather.example", "updates.vendor.example",
		"images.shop.example", "mail.example.org", "time.devices.example", "video.stream.example",
		"news.example.com", "static.cdn.example", "login.example.org", "telemetry.things.example",
		"files.backup.example", "maps.example.net", "music.example.com", "push.phone.example",
		"ads.tracker.example", "docs.example.org", "social.example.net", "store.apps.example"}
}

const lanHosts = 60

// A multicast stream's datagram holds seven 188-byte transport stream
// packets; sixteen datagrams bring the 4-bit continuity counter round.
const (
	tsDatagram = 7 * 188
	tsCycle    = 16
	tsGroups   = 8
)

// newWorld builds the LAN (10.20.0.0/24, gateway .1) and its sites.
func newWorld(r *rand.Rand) (*world, error) {
	w := &world{gw: endpoint{mac: [6]byte{0x00, 0x04, 0x0e, 0x11, 0x22, 0x01}, ip: [4]byte{10, 20, 0, 1}, ttl: 64}} // AVM
	o := ouis()
	for i := 0; i < lanHosts; i++ {
		v := o[i%len(o)]
		h := host{ep: endpoint{mac: [6]byte{v[0], v[1], v[2], byte(r.IntN(256)), byte(i), byte(r.IntN(256))},
			ip: [4]byte{10, 20, 0, byte(10 + i)}, ttl: 64}, name: fmt.Sprintf("host-%02d", i),
			nextPort: uint16(49152 + r.IntN(8000))}
		if i%4 == 1 {
			h.ep.ttl = 128
		}
		w.hosts = append(w.hosts, h)
	}
	names := siteNames()
	for i, n := range names {
		ip := [4]byte{203, 0, 113, byte(10 + i)}
		if i >= 10 {
			ip = [4]byte{198, 51, 100, byte(10 + i)}
		}
		w.sites = append(w.sites, site{name: n, ep: endpoint{mac: w.gw.mac, ip: ip, ttl: 52}, tls: i%3 != 0})
	}
	if err := w.buildTemplates(r); err != nil {
		return nil, fmt.Errorf("build mix templates: %w", err)
	}
	return w, nil
}

// serialize returns the bytes of ls (lengths fixed) as a new slice.
func serialize(ls ...gopacket.SerializableLayer) ([]byte, error) {
	buf := gopacket.NewSerializeBuffer()
	if err := gopacket.SerializeLayers(buf, gopacket.SerializeOptions{FixLengths: true}, ls...); err != nil {
		return nil, err
	}
	return append([]byte(nil), buf.Bytes()...), nil
}

// buildTemplates serializes the UDP payloads once with gopacket's layers;
// conversations copy them and patch identifiers.
func (w *world) buildTemplates(r *rand.Rand) error {
	w.bulk = appendRandom(nil, r, 1<<18)
	const textLen = 1<<16 + 2048
	w.text = make([]byte, 0, textLen+256)
	for len(w.text) < textLen {
		w.text = fmt.Appendf(w.text, "<p id=\"p%d\">Lorem ipsum dolor sit amet, consectetur adipiscing elit %d.</p>\n", len(w.text), r.IntN(1000))
	}
	w.text = w.text[:textLen]
	w.ts = appendRandom(make([]byte, 0, tsCycle*tsDatagram), r, tsCycle*tsDatagram)
	for p := 0; p < tsCycle*7; p++ {
		w.ts[p*188], w.ts[p*188+1], w.ts[p*188+2], w.ts[p*188+3] = 0x47, 0x01, 0x00, 0x10|byte(p&0x0f)
	}
	w.icmp = make([]byte, 56)
	for i := range w.icmp {
		w.icmp[i] = byte(0x10 + i)
	}
	for i := range w.sites {
		s := &w.sites[i]
		q := layers.DNSQuestion{Name: []byte(s.name), Type: layers.DNSTypeA, Class: layers.DNSClassIN}
		var err error
		if s.query, err = serialize(&layers.DNS{RD: true, Questions: []layers.DNSQuestion{q}}); err != nil {
			return fmt.Errorf("dns query %s: %w", s.name, err)
		}
		a := layers.DNSResourceRecord{Name: q.Name, Type: layers.DNSTypeA, Class: layers.DNSClassIN, TTL: 300, IP: net.IP(s.ep.ip[:])}
		if s.answer, err = serialize(&layers.DNS{QR: true, RD: true, RA: true, Questions: []layers.DNSQuestion{q}, Answers: []layers.DNSResourceRecord{a}}); err != nil {
			return fmt.Errorf("dns answer %s: %w", s.name, err)
		}
	}
	gw := node{mac: net.HardwareAddr(w.gw.mac[:]), ip: net.IP(w.gw.ip[:])}
	for i := range w.hosts {
		h := &w.hosts[i]
		cl := node{mac: net.HardwareAddr(h.ep.mac[:]), ip: net.IP(h.ep.ip[:])}
		for j, t := range []layers.DHCPMsgType{layers.DHCPMsgTypeDiscover, layers.DHCPMsgTypeOffer, layers.DHCPMsgTypeRequest, layers.DHCPMsgTypeAck} {
			var err error
			if h.dhcp[j], err = serialize(dhcpMsg(t, 0, cl, gw, cl.ip, h.name, "MSFT 5.0")); err != nil {
				return fmt.Errorf("dhcp for %s: %w", h.name, err)
			}
		}
		h.ssdp = []byte("NOTIFY * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nCACHE-CONTROL: max-age=1800\r\n" +
			"LOCATION: http://" + net.IP(h.ep.ip[:]).String() + ":8080/description.xml\r\nNT: upnp:rootdevice\r\nNTS: ssdp:alive\r\n" +
			"SERVER: Linux/4.9 UPnP/1.0 " + h.name + "/1.0\r\nUSN: uuid:" + fmt.Sprintf("%x", h.ep.mac) + "::upnp:rootdevice\r\n\r\n")
		local := []byte(h.name + ".local")
		var err error
		if h.mdns, err = serialize(&layers.DNS{QR: true, AA: true, Answers: []layers.DNSResourceRecord{
			{Name: local, Type: layers.DNSTypeA, Class: layers.DNSClassIN | 0x8000, TTL: 120, IP: net.IP(h.ep.ip[:])},
		}}); err != nil {
			return fmt.Errorf("mdns for %s: %w", h.name, err)
		}
	}
	return nil
}
