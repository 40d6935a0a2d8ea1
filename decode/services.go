package decode

// Service is what a well-known port says a connection carries.
type Service struct {
	// Name is the protocol as a person knows it ("HTTPS", "MQTT over TLS").
	Name string
	// TLS is set for services that run inside TLS (or DTLS on UDP).
	TLS bool
}

// tcpServices and udpServices map well-known ports to what they carry, by transport. Only
// ports that nearly always mean one thing are listed: a port is a hint,
// and the bytes (a TLS record header, an HTTP request line) come first.
var tcpServices = map[uint16]Service{
	21: {"FTP", false}, 22: {"SSH", false}, 23: {"Telnet", false}, 25: {"SMTP", false},
	53: {"DNS", false}, 80: {"HTTP", false}, 110: {"POP3", false}, 143: {"IMAP", false},
	443: {"HTTPS", true}, 465: {"SMTPS", true}, 554: {"RTSP", false}, 587: {"SMTP", false},
	636: {"LDAPS", true}, 853: {"DNS over TLS", true}, 990: {"FTPS", true}, 993: {"IMAPS", true},
	995: {"POP3S", true}, 1883: {"MQTT", false}, 5222: {"XMPP", false}, 5223: {"XMPP over TLS", true},
	5228: {"Google push (TLS)", true}, 5061: {"SIP over TLS", true}, 5671: {"AMQP over TLS", true},
	5672: {"AMQP", false}, 8080: {"HTTP", false}, 8443: {"HTTPS", true}, 8883: {"MQTT over TLS", true},
	8884: {"MQTT over TLS (WebSocket)", true}, 61614: {"STOMP over TLS", true},
}

var udpServices = map[uint16]Service{
	53: {"DNS", false}, 67: {"DHCP", false}, 68: {"DHCP", false}, 123: {"NTP", false},
	137: {"NBNS", false}, 443: {"QUIC", true}, 1900: {"SSDP", false}, 3478: {"STUN", false},
	4789: {"VXLAN", false}, 5353: {"mDNS", false}, 5355: {"LLMNR", false}, 5683: {"CoAP", false},
	5684: {"CoAP over DTLS", true}, 546: {"DHCPv6", false}, 547: {"DHCPv6", false},
}

// ServiceOf names what a connection between two ports carries, from the
// better known of the two (the lower, when both are known): "HTTPS" for
// TCP to 443, "MQTT over TLS" for 8883. ok is false when neither port is
// well known. tcp chooses the transport.
func ServiceOf(tcp bool, srcPort, dstPort uint16) (s Service, ok bool) {
	table := udpServices
	if tcp {
		table = tcpServices
	}
	a, aok := table[srcPort]
	b, bok := table[dstPort]
	switch {
	case aok && bok && srcPort < dstPort, aok && !bok:
		return a, true
	case bok:
		return b, true
	}
	return Service{}, false
}

// TLSName names the protocol a TLS connection between two ports carries:
// "MQTT over TLS" on 8883, "HTTPS" on 443, "IMAPS" on 993, and plain
// "TLS" where the ports say nothing (or name a clear-text protocol that
// was upgraded, STARTTLS, which is TLS all the same from then on).
func TLSName(srcPort, dstPort uint16) string {
	if s, ok := ServiceOf(true, srcPort, dstPort); ok && s.TLS {
		return s.Name
	}
	return "TLS"
}

// TLSName is TLSName of the flow's ports.
func (f *Flow) TLSName() string { return TLSName(f.Client.Port(), f.Server.Port()) }
