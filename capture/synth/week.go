package synth

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
)

// The week's script, for tests to hold its story against.
const (
	// WeekSnap is the snap length the week is captured with: the headers
	// of a frame and a few bytes more, as tcpdump -s 64 keeps.
	WeekSnap = 64
	// WeekCycles cycles of WeekPeriod (± WeekJitter) make the week.
	WeekCycles = 84
	WeekPeriod = 2 * time.Hour
	WeekJitter = 40 * time.Second
	// WeekUpload is what the camera sends its cloud in each cycle (TLS,
	// port 8883), WeekDownload what comes back.
	WeekUpload   = 600_000
	WeekDownload = 3_100
	// WeekVLAN is the camera's VLAN; WeekPPPoESession the hub's session.
	WeekVLAN         = 20
	WeekPPPoESession = 0x1a2b
)

// WeekStart is when the week begins: the afternoon the camera was
// plugged in.
func WeekStart() time.Time { return time.Date(2021, time.March, 8, 15, 22, 15, 0, time.UTC) }

// weekCast: the router, a camera on VLAN 20 behind it, its cloud (MQTT
// over TLS on 8883) and its clear-text MQTT broker (1883), and a hub
// that dials out by PPPoE to an access concentrator and asks a time
// server on the way. MAC prefixes are real OUIs of the vendors named.
func weekCast() (router, cam, cloud, broker, hub, ac, ntp node) {
	router = node{mac: net.HardwareAddr{0x00, 0x1d, 0x7e, 0x10, 0x20, 0x30}, ip: net.IPv4(192, 168, 20, 1).To4(), ttl: 64} // Cisco-Linksys
	cam = node{mac: net.HardwareAddr{0x24, 0x0a, 0xc4, 0x5e, 0x61, 0x07}, ip: net.IPv4(192, 168, 20, 23).To4(), ttl: 64}   // Espressif
	cloud = remote(router, net.IPv4(203, 0, 113, 10))
	broker = remote(router, net.IPv4(198, 51, 100, 20))
	hub = node{mac: net.HardwareAddr{0x00, 0x17, 0x88, 0x2a, 0x3b, 0x4c}, ip: net.IPv4(192, 0, 2, 34).To4(), ttl: 64} // Philips Lighting
	ac = node{mac: net.HardwareAddr{0x00, 0x1b, 0x21, 0x99, 0x88, 0x77}, ip: net.IPv4(192, 0, 2, 1).To4(), ttl: 64}   // Intel
	ntp = node{mac: ac.mac, ip: net.IPv4(192, 0, 2, 123).To4(), ttl: 56}
	return
}

// Week writes a week of a "thing" recorded at the router, to w as pcap,
// with headers only when snap is WeekSnap (as public IoT data sets are),
// or whole frames when snap is 0:
//
//   - A camera (24:0a:c4:…, 192.168.20.23) on VLAN 20 takes a DHCP lease,
//     then every WeekPeriod (± WeekJitter), WeekCycles times, looks up
//     its cloud and holds a ten-second TLS connection to 203.0.113.10:8883
//     (MQTT over TLS), sending WeekUpload bytes and getting WeekDownload.
//   - Once a day it connects in clear text to an MQTT broker,
//     198.51.100.20:1883 (CONNECT with client id, username and password),
//     pings it every minute, and the broker closes it a day later.
//   - A hub (00:17:88:…) dials out by PPPoE (discovery, then session
//     WeekPPPoESession) and asks 192.0.2.123 the time by NTP every hour,
//     from a new port each time.
//
// The same start gives the same bytes.
func Week(w io.Writer, start time.Time, snap int) error {
	s := newScene()
	s.snap = snap
	r := rand.New(rand.NewPCG(0x7765656b, 0x73746f7279))
	router, cam, cloud, broker, hub, ac, ntp := weekCast()
	s.wrap = func(f []byte) []byte {
		switch {
		case bytes.Equal(f[0:6], cam.mac) || bytes.Equal(f[6:12], cam.mac) || bytes.Equal(f[6:12], router.mac):
			return vlanTag(f, WeekVLAN)
		case bytes.Equal(f[0:6], hub.mac) || bytes.Equal(f[6:12], hub.mac):
			return pppoeSession(f, WeekPPPoESession)
		}
		return f
	}
	week := time.Duration(WeekCycles) * WeekPeriod

	s.dhcpDORA(time.Second, cam, router, 0x5e6107a1, "cam-5e6107", "espressif")
	s.pppoeDiscovery(2*time.Second, hub, ac)
	for i := 0; i < WeekCycles; i++ {
		at := 30*time.Second + time.Duration(i)*WeekPeriod + time.Duration(r.Int64N(int64(2*WeekJitter))) - WeekJitter
		s.dns(at, 12*time.Millisecond, cam, router, uint16(40000+i), uint16(0x3000+i), "a1b2c3.iot.example",
			layers.DNSResourceRecord{Name: []byte("a1b2c3.iot.example"), Type: layers.DNSTypeA, Class: layers.DNSClassIN, TTL: 60, IP: cloud.ip})
		s.cloudCycle(at+50*time.Millisecond, r, cam, cloud, uint16(49152+i))
	}
	for day := 0; day < int(week/(24*time.Hour)); day++ {
		s.mqttDay(time.Duration(day)*24*time.Hour+5*time.Minute, cam, broker, uint16(52000+day))
	}
	for h := 0; h < int(week/time.Hour); h++ {
		at := 10*time.Second + time.Duration(h)*time.Hour
		port := uint16(33000 + h) // a new source port for each query
		s.udp(at, hub, ntp, port, 123, gopacket.Payload(ntpRequest()))
		s.udp(at+25*time.Millisecond, ntp, hub, 123, port, gopacket.Payload(ntpRequest()))
	}
	header := snap
	if header == 0 {
		header = snapLen
	}
	pw, err := newWriterSnap(w, FormatPcap, header)
	if err != nil {
		return fmt.Errorf("write week: %w", err)
	}
	if err := s.write(pw, start.UTC()); err != nil {
		return fmt.Errorf("write week: %w", err)
	}
	return nil
}

// cloudCycle is one cycle's TLS connection: hello, WeekUpload bytes up,
// WeekDownload down, and the camera closes it ten seconds after it began.
func (s *scene) cloudCycle(at time.Duration, r *rand.Rand, cam, cloud node, port uint16) {
	rtt := 45 * time.Millisecond
	c := s.conn(cam, cloud, port, 8883, r.Uint32(), r.Uint32())
	c.open(at, rtt)
	t := at + rtt + time.Millisecond
	hello := appendClientHello(nil, r, "a1b2c3.iot.example", "\x04mqtt")
	c.send(t, client, hello)
	t += rtt
	c.send(t, server, appendServerHello13(nil, r, WeekDownload-100))
	t += rtt
	up := make([]byte, WeekUpload-len(hello))
	for sent := 0; sent < len(up); sent += 64 * 1460 {
		// A window of segments, then the peer's acknowledgement.
		n := min(64*1460, len(up)-sent)
		t = c.send(t, client, up[sent:sent+n])
		c.ack(t+rtt, server)
		t += rtt + time.Millisecond
	}
	c.send(t, server, make([]byte, 100))
	c.close(at+10*time.Second, rtt, client)
}

// mqttDay is a day's clear-text MQTT session: CONNECT (client id,
// username, password), CONNACK, a PINGREQ and PINGRESP every minute,
// and the broker closes it at the end of the day.
func (s *scene) mqttDay(at time.Duration, cam, broker node, port uint16) {
	rtt := 30 * time.Millisecond
	c := s.conn(cam, broker, port, 1883, 0x10000000+uint32(port), 0x20000000+uint32(port))
	c.open(at, rtt)
	t := at + rtt + time.Millisecond
	c.send(t, client, mqttConnect("cam-5e6107", "camera", "hunter2"))
	c.send(t+rtt, server, []byte{0x20, 0x02, 0x00, 0x00}) // CONNACK accepted
	c.ack(t+rtt+time.Millisecond, client)
	end := at + 24*time.Hour - 10*time.Minute
	for p := t + time.Minute; p < end; p += time.Minute {
		c.send(p, client, []byte{0xc0, 0x00}) // PINGREQ
		c.send(p+rtt, server, []byte{0xd0, 0x00})
		c.ack(p+rtt+time.Millisecond, client)
	}
	c.close(end+30*time.Second, rtt, server)
}

// mqttConnect is an MQTT 3.1.1 CONNECT packet with a client id, a
// username and a password, keep-alive 60 s.
func mqttConnect(id, user, pass string) []byte {
	str := func(b []byte, s string) []byte { return append(binary.BigEndian.AppendUint16(b, uint16(len(s))), s...) }
	v := str(nil, "MQTT")
	v = append(v, 4, 0xc2, 0, 60) // level 4; username, password, clean session; keep-alive
	v = str(v, id)
	v = str(v, user)
	v = str(v, pass)
	return append([]byte{0x10, byte(len(v))}, v...)
}

// ntpRequest is a 48-byte NTPv4 client request.
func ntpRequest() []byte {
	b := make([]byte, 48)
	b[0] = 0x23 // version 4, client
	return b
}

// vlanTag returns frame f with an 802.1Q tag of VLAN id after its MACs.
func vlanTag(f []byte, id uint16) []byte {
	out := make([]byte, 0, len(f)+4)
	out = append(out, f[:12]...)
	out = append(out, 0x81, 0x00, byte(id>>8), byte(id))
	return append(out, f[12:]...)
}

// pppoeSession returns an IPv4 frame f carried in PPPoE session id
// (ethertype 0x8864, PPP protocol 0x0021); other frames as they are.
func pppoeSession(f []byte, id uint16) []byte {
	if len(f) < 14 || binary.BigEndian.Uint16(f[12:]) != uint16(layers.EthernetTypeIPv4) {
		return f
	}
	payload := f[14:]
	out := make([]byte, 0, len(f)+8)
	out = append(out, f[:12]...)
	out = append(out, 0x88, 0x64, 0x11, 0x00, byte(id>>8), byte(id))
	out = binary.BigEndian.AppendUint16(out, uint16(len(payload)+2))
	out = append(out, 0x00, 0x21)
	return append(out, payload...)
}

// pppoeDiscovery emits PADI (broadcast), PADO, PADR and PADS between
// hub and the access concentrator, which grants WeekPPPoESession.
func (s *scene) pppoeDiscovery(at time.Duration, hub, ac node) {
	tags := []byte{0x01, 0x01, 0x00, 0x00, 0x01, 0x03, 0x00, 0x04, 0xde, 0xad, 0xbe, 0xef} // Service-Name, Host-Uniq
	disc := func(at time.Duration, src, dst net.HardwareAddr, code byte, session uint16) {
		body := append([]byte{0x11, code, byte(session >> 8), byte(session)}, binary.BigEndian.AppendUint16(nil, uint16(len(tags)))...)
		s.emit(at, eth(src, dst, layers.EthernetTypePPPoEDiscovery), gopacket.Payload(append(body, tags...)))
	}
	disc(at, hub.mac, broadcastMAC(), 0x09, 0)
	disc(at+5*time.Millisecond, ac.mac, hub.mac, 0x07, 0)
	disc(at+10*time.Millisecond, hub.mac, ac.mac, 0x19, 0)
	disc(at+15*time.Millisecond, ac.mac, hub.mac, 0x65, WeekPPPoESession)
}
