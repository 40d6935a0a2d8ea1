package ssdp

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Kind is the kind of SSDP message.
type Kind uint8

// SSDP message kinds.
const (
	// Notify is a NOTIFY announcement (ssdp:alive, ssdp:byebye, ssdp:update).
	Notify Kind = iota + 1
	// Search is an M-SEARCH request.
	Search
	// Response is an HTTP/1.1 reply to a search.
	Response
)

// String returns "NOTIFY", "M-SEARCH" or "RESPONSE".
func (k Kind) String() string {
	switch k {
	case Notify:
		return "NOTIFY"
	case Search:
		return "M-SEARCH"
	case Response:
		return "RESPONSE"
	}
	return "kind " + strconv.Itoa(int(k))
}

// MaxHeaders caps the header lines Parse reads.
const MaxHeaders = 64

// Header is one header line kept as it came.
type Header struct {
	Name, Value string
}

// Message is one SSDP message.
type Message struct {
	// Kind is NOTIFY, M-SEARCH or a response.
	Kind Kind
	// Status is a response's status code (200).
	Status int
	// NT (notification type), NTS (ssdp:alive, ssdp:byebye), USN (unique
	// service name), Server, Location (the device description URL), ST
	// (search target), Man, Host, UserAgent, CacheControl and MX are the
	// common headers, "" when absent.
	NT, NTS, USN, Server, Location, ST, Man, Host, UserAgent, CacheControl, MX string
	// Other holds the remaining headers in order.
	Other []Header
}

// ErrNotSSDP is returned, wrapped, for a payload that does not start with
// an SSDP request or status line.
var ErrNotSSDP = errors.New("not an SSDP message")

// Parse decodes one SSDP message from a UDP payload. Header names are
// matched without regard to case; a body after the blank line is ignored.
func Parse(b []byte) (Message, error) {
	var m Message
	line, rest, _ := bytes.Cut(b, []byte("\n"))
	line = bytes.TrimRight(line, "\r")
	switch {
	case hasPrefixFold(line, "NOTIFY * HTTP/1."):
		m.Kind = Notify
	case hasPrefixFold(line, "M-SEARCH * HTTP/1."):
		m.Kind = Search
	case hasPrefixFold(line, "HTTP/1."):
		m.Kind = Response
		f := strings.Fields(string(line))
		if len(f) < 2 {
			return m, fmt.Errorf("ssdp: status line %.40q has no code: %w", line, ErrNotSSDP)
		}
		code, err := strconv.Atoi(f[1])
		if err != nil || code < 100 || code > 999 {
			return m, fmt.Errorf("ssdp: status line %.40q has a bad code: %w", line, ErrNotSSDP)
		}
		m.Status = code
	default:
		return m, fmt.Errorf("ssdp: first line %.40q: %w", line, ErrNotSSDP)
	}
	for n := 0; len(rest) > 0; n++ {
		line, rest, _ = bytes.Cut(rest, []byte("\n"))
		line = bytes.TrimRight(line, "\r")
		if len(line) == 0 {
			break
		}
		if n == MaxHeaders {
			return m, fmt.Errorf("ssdp: more than %d header lines", MaxHeaders)
		}
		name, value, ok := bytes.Cut(line, []byte(":"))
		if !ok {
			return m, fmt.Errorf("ssdp: header line %d %.40q has no colon", n+1, line)
		}
		m.set(string(bytes.TrimSpace(name)), string(bytes.TrimSpace(value)))
	}
	return m, nil
}

func (m *Message) set(name, value string) {
	if dst := m.field(name); dst != nil {
		*dst = value
		return
	}
	m.Other = append(m.Other, Header{name, value})
}

// field returns the field that holds the named header, nil for others.
func (m *Message) field(name string) *string {
	for _, f := range [...]struct {
		name string
		dst  *string
	}{
		{"NT", &m.NT}, {"NTS", &m.NTS}, {"USN", &m.USN}, {"SERVER", &m.Server},
		{"LOCATION", &m.Location}, {"ST", &m.ST}, {"MAN", &m.Man}, {"HOST", &m.Host},
		{"USER-AGENT", &m.UserAgent}, {"CACHE-CONTROL", &m.CacheControl}, {"MX", &m.MX},
	} {
		if strings.EqualFold(name, f.name) {
			return f.dst
		}
	}
	return nil
}

// Get returns the value of the named header (any case), "" when absent.
func (m *Message) Get(name string) string {
	if f := m.field(name); f != nil {
		return *f
	}
	for _, h := range m.Other {
		if strings.EqualFold(h.Name, name) {
			return h.Value
		}
	}
	return ""
}

// ByeBye reports whether the message announces that a device leaves.
func (m *Message) ByeBye() bool {
	return m.Kind == Notify && strings.EqualFold(m.NTS, "ssdp:byebye")
}

// UUID returns the device UUID of the USN ("uuid:XXXX::urn:..." gives
// "XXXX"), "" when the USN has none.
func (m *Message) UUID() string {
	u, ok := cutPrefixFold(m.USN, "uuid:")
	if !ok {
		return ""
	}
	u, _, _ = strings.Cut(u, "::")
	return u
}

// Product guesses the product from the SERVER header (or a search's
// USER-AGENT), which UPnP defines as "OS/version UPnP/1.x product/version":
// the part after the UPnP token, else the part after the first token.
// "Linux/3.14.0 UPnP/1.0 IpBridge/1.9.0" gives "IpBridge/1.9.0",
// "Linux, UPnP/1.0 DCS-935L/1.0" gives "DCS-935L/1.0". Placeholders such
// as "Unspecified" give "".
func (m *Message) Product() string {
	s := m.Server
	if s == "" {
		s = m.UserAgent
	}
	return Product(s)
}

// Product applies Message.Product's rule to a SERVER header value.
func Product(server string) string {
	s := strings.TrimSpace(server)
	i := indexFold(s, "upnp/")
	if i >= 0 {
		rest := s[i+len("upnp/"):]
		// Skip the UPnP version.
		j := strings.IndexAny(rest, " ,")
		if j < 0 {
			rest = ""
		} else {
			rest = rest[j:]
		}
		s = rest
	} else if j := strings.IndexAny(s, " ,"); j >= 0 {
		s = s[j:]
	}
	s = strings.Trim(s, " ,")
	if strings.EqualFold(s, "unspecified") || strings.EqualFold(s, "unknown") {
		return ""
	}
	return s
}

// indexFold is strings.Index ignoring ASCII case; unlike searching a
// lowered copy, its offsets are valid in s whatever s holds.
func indexFold(s, sub string) int {
	for i := 0; i+len(sub) <= len(s); i++ {
		if strings.EqualFold(s[i:i+len(sub)], sub) {
			return i
		}
	}
	return -1
}

func hasPrefixFold(b []byte, p string) bool {
	return len(b) >= len(p) && strings.EqualFold(string(b[:len(p)]), p)
}

func cutPrefixFold(s, p string) (string, bool) {
	if len(s) >= len(p) && strings.EqualFold(s[:len(p)], p) {
		return s[len(p):], true
	}
	return s, false
}
