package synth

import (
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
)

// httpDate is the date format of HTTP headers and cookie expiries.
const httpDate = "Mon, 02 Jan 2006 15:04:05 GMT"

// DemoStart is when the demo capture in assets/ begins: the evening the
// curious owner plugged the player into the laptop.
func DemoStart() time.Time { return time.Date(2016, time.October, 23, 20, 1, 0, 0, time.UTC) }

// The story's cast. Addresses follow Windows Internet Connection Sharing
// (192.168.137.0/24, the laptop at .1 is gateway, DHCP and DNS server);
// MAC prefixes are real OUIs of the vendors named.
func storyCast() (laptop, thing, iptv, logger node) {
	laptop = node{mac: net.HardwareAddr{0x00, 0x14, 0x22, 0x5e, 0xa1, 0x07}, ip: net.IPv4(192, 168, 137, 1).To4(), ttl: 128} // Dell
	thing = node{mac: net.HardwareAddr{0x00, 0x12, 0xfb, 0x3c, 0x91, 0xd4}, ip: net.IPv4(192, 168, 137, 23).To4(), ttl: 64}  // Samsung
	iptv = node{mac: net.HardwareAddr{0x00, 0x0e, 0x59, 0x7a, 0x20, 0x11}, ip: net.IPv4(192, 168, 137, 50).To4(), ttl: 64}   // Sagemcom
	logger = node{mac: net.HardwareAddr{0x3c, 0xcd, 0x5a, 0x01, 0x4b, 0x2e}, ip: net.IPv4(192, 168, 137, 40).To4(), ttl: 64} // Technische Alternative
	return laptop, thing, iptv, logger
}

// Story writes the demo capture as pcapng, its first packet at start: a
// Samsung Blu-ray player ("BD-5500", 00:12:fb:…) on a Windows ICS LAN takes
// a DHCP lease for 192.168.137.23, ARPs for the gateway 192.168.137.1 and
// announces itself, resolves liveupdate.samsung.example and sends
// GET /liveupdate.jsp?model=BD-5500&ver=1.2&region=EU&mac=…&serial=… in clear
// text, gets "[NO UPDATE]" with a cookie that expired 3.5 years before the
// response's Date, and the server closes the idle connection with the first
// FIN. The player also announces itself by SSDP and mDNS and opens a TLS
// connection to api.samsung.example. Beside it an IP-TV set floods a
// multicast group for a few seconds, and a heating data logger (DHCP
// hostname "CMI-UVR16x2") that answered the laptop's HTTP polls stops
// answering once the flood starts. The capture has fewer than 2000 packets
// and is the same bytes for the same start.
func Story(w io.Writer, start time.Time) error {
	start = start.UTC()
	s := newScene()
	r := rand.New(rand.NewPCG(0x7468696e67, 0x73746f7279)) // fixed: the story is always the same
	laptop, thing, iptv, logger := storyCast()

	s.dhcpReboot(200*time.Millisecond, logger, laptop, 0x3a7f0c21, "CMI-UVR16x2", "udhcp 1.19.4")
	s.dhcpDORA(600*time.Millisecond, iptv, laptop, 0x5d10e2a4, "MediaReceiver-303", "MSFT_IPTV")
	s.dhcpDORA(800*time.Millisecond, thing, laptop, 0x1d5c0b7e, "BD-5500", "SAMSUNG BD-5500")

	// The player announces its new address, then looks for its gateway.
	s.arp(2100*time.Millisecond, layers.ARPRequest, thing, nil, thing.ip)
	s.arp(2300*time.Millisecond, layers.ARPRequest, thing, nil, laptop.ip)
	s.arp(2300*time.Millisecond+300*time.Microsecond, layers.ARPReply, laptop, thing.mac, thing.ip)

	s.liveUpdate(2310*time.Millisecond, start, thing, laptop)
	s.announce(2600*time.Millisecond, thing)
	s.apiTLS(4*time.Second, r, thing, laptop)
	s.polls(4900*time.Millisecond, laptop, logger)
	s.flood(28*time.Second, iptv)

	pw, err := newWriter(w, FormatPcapng)
	if err != nil {
		return fmt.Errorf("write story: %w", err)
	}
	if err := s.write(pw, start); err != nil {
		return fmt.Errorf("write story: %w", err)
	}
	return nil
}

// remote is a host beyond the gateway: its frames carry the gateway's MAC.
func remote(gw node, ip net.IP) node { return node{mac: gw.mac, ip: ip.To4(), ttl: 53} }

// dns emits a query from c to the resolver and its answer rtt later.
func (s *scene) dns(at, rtt time.Duration, c, resolver node, port, id uint16, name string, answers ...layers.DNSResourceRecord) {
	q := layers.DNSQuestion{Name: []byte(name), Type: layers.DNSTypeA, Class: layers.DNSClassIN}
	s.udp(at, c, resolver, port, 53, &layers.DNS{ID: id, RD: true, Questions: []layers.DNSQuestion{q}})
	s.udp(at+rtt, resolver, c, 53, port, &layers.DNS{ID: id, QR: true, RD: true, RA: true,
		ResponseCode: layers.DNSResponseCodeNoErr, Questions: []layers.DNSQuestion{q}, Answers: answers})
}

// liveUpdate is the heart of the story: the update check in clear text.
func (s *scene) liveUpdate(at time.Duration, start time.Time, thing, laptop node) {
	srv := remote(laptop, net.IPv4(203, 0, 113, 80))
	s.dns(at, 8*time.Millisecond, thing, laptop, 41237, 0x2f1a, "liveupdate.samsung.example",
		layers.DNSResourceRecord{Name: []byte("liveupdate.samsung.example"), Type: layers.DNSTypeCNAME, Class: layers.DNSClassIN, TTL: 300, CNAME: []byte("lu-eu.samsung.example")},
		layers.DNSResourceRecord{Name: []byte("lu-eu.samsung.example"), Type: layers.DNSTypeA, Class: layers.DNSClassIN, TTL: 60, IP: srv.ip})

	rtt := 38 * time.Millisecond
	c := s.conn(thing, srv, 37546, 80, 0x8c31a07e, 0x4e9d2b11)
	t := at + 20*time.Millisecond
	c.open(t, rtt)
	t += rtt + 2*time.Millisecond
	req := "GET /liveupdate.jsp?model=BD-5500&ver=1.2&region=EU&mac=0012FB3C91D4&serial=0BH73CKD500123F HTTP/1.1\r\n" +
		"Host: liveupdate.samsung.example\r\n" +
		"User-Agent: SEC_HHP_BD-5500/1.0 (Linux; Samsung Blu-ray)\r\n" +
		"Accept: */*\r\n" +
		"Cookie: JSESSIONID=7E2A91C04B3D5F6A8B9C0D1E2F3A4B5C\r\n" +
		"Connection: keep-alive\r\n\r\n"
	c.send(t, client, []byte(req))
	c.ack(t+rtt, server)
	t += rtt + 30*time.Millisecond
	date := start.Add(t)
	expires := date.AddDate(-3, -6, 0)
	body := "[NO UPDATE]"
	resp := "HTTP/1.1 200 OK\r\n" +
		"Date: " + date.Format(httpDate) + "\r\n" +
		"Server: Apache\r\n" +
		"Set-Cookie: JSESSIONID=0A1B2C3D4E5F60718293A4B5C6D7E8F9; Expires=" + expires.Format(httpDate) + "; Path=/\r\n" +
		"Content-Type: text/plain\r\n" +
		fmt.Sprintf("Content-Length: %d\r\n", len(body)) +
		"Keep-Alive: timeout=15, max=100\r\n" +
		"Connection: Keep-Alive\r\n\r\n" + body
	c.send(t, server, []byte(resp))
	c.ack(t+400*time.Microsecond, client)
	// Nothing more to say: after 15 idle seconds the server hangs up first.
	c.close(t+15*time.Second, rtt, server)
}

// announce has the player name its model by SSDP and mDNS.
func (s *scene) announce(at time.Duration, thing node) {
	group := node{mac: net.HardwareAddr{0x01, 0x00, 0x5e, 0x7f, 0xff, 0xfa}, ip: net.IPv4(239, 255, 255, 250).To4()}
	for i, nt := range []string{"upnp:rootdevice", "urn:schemas-upnp-org:device:MediaRenderer:1"} {
		usn := "uuid:1f2e3d4c-5b6a-7980-0012-fb3c91d40000"
		if i > 0 {
			usn += "::" + nt
		}
		msg := "NOTIFY * HTTP/1.1\r\n" +
			"HOST: 239.255.255.250:1900\r\n" +
			"CACHE-CONTROL: max-age=1800\r\n" +
			"LOCATION: http://192.168.137.23:7676/smp_2_\r\n" +
			"NT: " + nt + "\r\n" +
			"NTS: ssdp:alive\r\n" +
			"SERVER: SHP, UPnP/1.0, Samsung UPnP SDK/1.0\r\n" +
			"USN: " + usn + "::upnp:rootdevice\r\n" +
			"X-FRIENDLY-NAME: [BD]Samsung BD-5500\r\n\r\n"
		s.udp(at+time.Duration(i)*2*time.Millisecond, thing, group, 1900, 1900, gopacket.Payload(msg))
	}
	mgroup := node{mac: net.HardwareAddr{0x01, 0x00, 0x5e, 0x00, 0x00, 0xfb}, ip: net.IPv4(224, 0, 0, 251).To4(), ttl: 255}
	thing.ttl = 255
	svc := []byte("BD-5500._samsung-bd._tcp.local")
	s.udp(at+200*time.Millisecond, thing, mgroup, 5353, 5353, &layers.DNS{QR: true, AA: true, Answers: []layers.DNSResourceRecord{
		{Name: []byte("_samsung-bd._tcp.local"), Type: layers.DNSTypePTR, Class: layers.DNSClassIN, TTL: 4500, PTR: svc},
		{Name: svc, Type: layers.DNSTypeTXT, Class: layers.DNSClassIN | 0x8000, TTL: 4500, TXTs: [][]byte{[]byte("model=BD-5500"), []byte("vendor=Samsung"), []byte("fw=1.2")}},
		{Name: []byte("BD-5500.local"), Type: layers.DNSTypeA, Class: layers.DNSClassIN | 0x8000, TTL: 120, IP: thing.ip},
	}})
}

// apiTLS resolves api.samsung.example and talks TLS 1.3 to it.
func (s *scene) apiTLS(at time.Duration, r *rand.Rand, thing, laptop node) {
	srv := remote(laptop, net.IPv4(203, 0, 113, 91))
	s.dns(at, 9*time.Millisecond, thing, laptop, 41238, 0x2f1b, "api.samsung.example",
		layers.DNSResourceRecord{Name: []byte("api.samsung.example"), Type: layers.DNSTypeA, Class: layers.DNSClassIN, TTL: 60, IP: srv.ip})
	rtt := 41 * time.Millisecond
	c := s.conn(thing, srv, 37548, 443, 0x19e4c2d3, 0xa07b55e9)
	t := at + 20*time.Millisecond
	c.open(t, rtt)
	t += rtt + time.Millisecond
	c.send(t, client, appendClientHello(nil, r, "api.samsung.example", alpnH2HTTP11))
	t += rtt
	t = c.send(t, server, appendServerHello13(nil, r, 2900))
	c.ack(t+300*time.Microsecond, client)
	t += 5 * time.Millisecond
	c.send(t, client, appendAppData(appendChangeCipherSpec(nil), r, 53))
	c.send(t+time.Millisecond, client, appendAppData(nil, r, 311))
	t += rtt + 20*time.Millisecond
	c.send(t, server, appendAppData(appendAppData(nil, r, 186), r, 820))
	c.ack(t+300*time.Microsecond, client)
	t += 900 * time.Millisecond
	c.send(t, client, appendAppData(nil, r, 19)) // encrypted close_notify
	c.close(t+time.Millisecond, rtt, client)
}

// polls has the laptop fetch the logger's values over HTTP every five
// seconds; from 28 s on, while the IP-TV floods the LAN, the logger falls
// silent and the laptop's SYNs and ARPs go unanswered.
func (s *scene) polls(at time.Duration, laptop, logger node) {
	s.arp(at, layers.ARPRequest, laptop, nil, logger.ip)
	s.arp(at+400*time.Microsecond, layers.ARPReply, logger, laptop.mac, laptop.ip)
	req := "GET /INCLUDE/api.cgi?jsonnode=1&jsonparam=I,O HTTP/1.1\r\n" +
		"Host: 192.168.137.40\r\n" +
		"User-Agent: UVR-Logger/2.1\r\n" +
		"Authorization: Basic YWRtaW46YWRtaW4=\r\n\r\n"
	rtt := 2 * time.Millisecond
	for i := 0; i < 5; i++ {
		t := at + 100*time.Millisecond + time.Duration(i)*5*time.Second
		c := s.conn(laptop, logger, uint16(50210+i), 80, 0x6b000000+uint32(i)*0x01234567, 0x00a10000+uint32(i)*0x00777777)
		c.open(t, rtt)
		t += rtt + time.Millisecond
		c.send(t, client, []byte(req))
		t += 25 * time.Millisecond
		temp := 521 + 3*i
		body := fmt.Sprintf(`{"Header":{"Version":5,"Device":"87","Timestamp":%d},"Data":{"Inputs":[{"Number":1,"Value":{"Value":%d.%d,"Unit":"1"}},{"Number":2,"Value":{"Value":38.4,"Unit":"1"}}],"Outputs":[{"Number":1,"Value":{"State":1}}]},"Status":"OK","Status code":0}`,
			1477252860+5*i, temp/10, temp%10)
		resp := "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n" +
			fmt.Sprintf("Content-Length: %d\r\n\r\n", len(body)) + body
		c.send(t, server, []byte(resp))
		t += 500 * time.Microsecond
		c.close(t, rtt, client)
	}
	// The flood has started: the logger is silent.
	for i, t := range []time.Duration{30 * time.Second, 35 * time.Second} {
		c := s.conn(laptop, logger, uint16(50215+i), 80, 0x7c000000+uint32(i)*0x01234567, 0)
		c.retrySYN(t, time.Second, 3*time.Second)
	}
	for i := 0; i < 3; i++ {
		s.arp(40*time.Second+time.Duration(i)*time.Second, layers.ARPRequest, laptop, nil, logger.ip)
	}
}

// flood has the IP-TV set send an MPEG transport stream to a multicast
// group at 400 packets a second for three seconds.
func (s *scene) flood(at time.Duration, iptv node) {
	group := node{mac: net.HardwareAddr{0x01, 0x00, 0x5e, 0x23, 0x0a, 0x04}, ip: net.IPv4(239, 35, 10, 4).To4()}
	iptv.ttl = 4
	const n, gap = 1200, 2500 * time.Microsecond
	payload := make([]byte, 7*188)
	cc := byte(0)
	for i := 0; i < n; i++ {
		for p := 0; p < 7; p++ {
			ts := payload[p*188 : (p+1)*188]
			ts[0], ts[1], ts[2], ts[3] = 0x47, 0x01, 0x00, 0x10|cc&0x0f
			for j := 4; j < len(ts); j++ {
				ts[j] = byte(i*7 + p + j)
			}
			cc++
		}
		s.udp(at+time.Duration(i)*gap, iptv, group, 5000, 10000, gopacket.Payload(payload))
	}
}
