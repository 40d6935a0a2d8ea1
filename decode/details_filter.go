package decode

import (
	"net"
	"reflect"
	"strconv"
	"strings"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
)

// filterReads says whether the display filter reads layer l of a packet
// as the details show it: the filter takes its fields from the packet
// list's own decoding (ours), which reads one IP header, one transport
// header and one frame, the innermost of a tunnel; a layer that decoding
// did not reach, or one of several alike, offers no filter. once says
// l's type stands only once in the packet.
func filterReads(l gopacket.Layer, ours *Packet, once bool) bool {
	if !once || ours.Tunneled || ours.Malformed {
		return false
	}
	switch x := l.(type) {
	case *layers.Ethernet:
		return ours.HasMAC
	case *layers.IPv4:
		return ours.HasIP && ours.IP.Version == 4
	case *layers.IPv6:
		return ours.HasIP && ours.IP.Version == 6
	case *layers.TCP:
		return ours.IPProto == layers.IPProtocolTCP && !ours.Fragment && ours.SrcPort == uint16(x.SrcPort) && ours.DstPort == uint16(x.DstPort)
	case *layers.UDP:
		return ours.IPProto == layers.IPProtocolUDP && !ours.Fragment && ours.SrcPort == uint16(x.SrcPort) && ours.DstPort == uint16(x.DstPort)
	case *layers.ARP:
		return ours.ARP != nil
	}
	return false
}

// filterValue writes a field's value as a display filter's literal.
func filterValue(f reflect.Value) (string, bool) {
	if !f.IsValid() {
		return "", false
	}
	switch x := f.Interface().(type) {
	case net.IP:
		if len(x) == 0 {
			return "", false
		}
		return x.String(), true
	case net.HardwareAddr:
		if len(x) != 6 {
			return "", false
		}
		return x.String(), true
	}
	switch f.Kind() {
	case reflect.Bool:
		if f.Bool() {
			return "1", true
		}
		return "0", true
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return strconv.FormatUint(f.Uint(), 10), true
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return strconv.FormatInt(f.Int(), 10), true
	}
	return "", false
}

// FilterString writes s as a display filter's string literal: in double
// quotes, with the escapes the filter language reads (\" \\ \n \t \r,
// and \xNN for any other control byte).
func FilterString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"' || c == '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case c == '\n':
			b.WriteString(`\n`)
		case c == '\t':
			b.WriteString(`\t`)
		case c == '\r':
			b.WriteString(`\r`)
		case c < 0x20 || c == 0x7f:
			b.WriteString(`\x`)
			b.WriteByte("0123456789abcdef"[c>>4])
			b.WriteByte("0123456789abcdef"[c&15])
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// httpHeaderFilters names the display filter field of the HTTP headers
// the filter language reads, by lower-case name.
var httpHeaderFilters = map[string]string{"host": "http.host", "user-agent": "http.user_agent",
	"server": "http.server", "content-type": "http.content_type"}

// httpLineFilter is the filter that matches a line of an HTTP head: the
// request's URI or the response's code on its first line, the value of
// a header the filter language reads on the others.
func httpLineFilter(line string, first bool) string {
	if first {
		f := strings.Fields(line)
		switch {
		case len(f) >= 2 && strings.HasPrefix(f[0], "HTTP/"):
			if code, err := strconv.Atoi(f[1]); err == nil {
				return "http.response.code == " + strconv.Itoa(code)
			}
		case len(f) == 3 && strings.HasPrefix(f[2], "HTTP/"):
			return "http.request.uri == " + FilterString(f[1])
		}
		return ""
	}
	name, value, ok := strings.Cut(line, ":")
	if field := httpHeaderFilters[strings.ToLower(name)]; ok && field != "" {
		return field + " == " + FilterString(strings.TrimSpace(value))
	}
	return ""
}
