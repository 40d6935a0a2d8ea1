package dhcp

import (
	"encoding/binary"
	"errors"
	"fmt"
	"net/netip"
	"time"
)

// Layout of the fixed BOOTP header (RFC 951, RFC 2131).
const (
	offSname   = 44
	offFile    = 108
	headerLen  = 236
	cookieLen  = 4
	maxHLen    = 16
	optPad     = 0
	optEnd     = 255
	magicValue = 0x63825363
)

// ErrShort is returned, wrapped, for a payload shorter than the BOOTP header.
var ErrShort = errors.New("shorter than the 236-byte BOOTP header")

// Parse decodes one DHCP or BOOTP message from a UDP payload. On malformed
// input it returns the fields read so far and an error naming the problem
// and its byte offset.
func Parse(b []byte) (Message, error) {
	var m Message
	m.header(b)
	if len(b) < headerLen {
		return m, fmt.Errorf("dhcp: %d bytes: %w", len(b), ErrShort)
	}
	if len(b) < headerLen+cookieLen || binary.BigEndian.Uint32(b[headerLen:]) != magicValue {
		// Plain BOOTP: the vendor area is not DHCP options.
		m.ServerName = cstring(b[offSname:offFile])
		m.File = cstring(b[offFile:headerLen])
		return m, nil
	}
	err := m.options(b, headerLen+cookieLen, len(b))
	if err == nil && m.Overload&1 != 0 {
		err = m.options(b, offFile, headerLen)
	}
	if err == nil && m.Overload&2 != 0 {
		err = m.options(b, offSname, offFile)
	}
	if m.Overload&2 == 0 {
		m.ServerName = cstring(b[offSname:offFile])
	}
	if m.Overload&1 == 0 {
		m.File = cstring(b[offFile:headerLen])
	}
	return m, err
}

// header reads the fixed fields that b holds; a cut-off header (a capture
// with a small snap length) still yields its leading fields.
func (m *Message) header(b []byte) {
	if len(b) < 4 {
		return
	}
	m.Op, m.HType, m.HLen, m.Hops = b[0], b[1], b[2], b[3]
	if len(b) >= 8 {
		m.XID = binary.BigEndian.Uint32(b[4:])
	}
	if len(b) >= 12 {
		m.Secs = binary.BigEndian.Uint16(b[8:])
		m.Broadcast = b[10]&0x80 != 0
	}
	for i, dst := range []*netip.Addr{&m.ClientIP, &m.YourIP, &m.ServerIP, &m.RelayIP} {
		if off := 12 + 4*i; len(b) >= off+4 {
			*dst = addr4(b[off:])
		}
	}
	if m.HLen > 0 && m.HLen <= maxHLen && len(b) >= 28+int(m.HLen) {
		m.ClientMAC = b[28 : 28+int(m.HLen) : 28+int(m.HLen)]
	}
}

// options decodes the options in b[start:end]. Offsets in errors are from
// the start of b.
func (m *Message) options(b []byte, start, end int) error {
	i := start
	for i < end {
		code := b[i]
		if code == optPad {
			i++
			continue
		}
		if code == optEnd {
			return nil
		}
		if i+1 >= end {
			return fmt.Errorf("dhcp: option %d has no length byte at byte %d", code, i)
		}
		n := int(b[i+1])
		if i+2+n > end {
			return fmt.Errorf("dhcp: option %d runs past the end at byte %d (length %d, %d bytes left)", code, i, n, end-i-2)
		}
		if err := m.option(code, b[i+2:i+2+n]); err != nil {
			return fmt.Errorf("dhcp: option %d at byte %d: %w", code, i, err)
		}
		i += 2 + n
	}
	// A missing End is common enough (tshark accepts it too).
	return nil
}

// option stores one option's value.
func (m *Message) option(code uint8, d []byte) error {
	switch code {
	case 1:
		return one4(d, &m.SubnetMask)
	case 3:
		return list4(d, &m.Routers)
	case 6:
		return list4(d, &m.DNSServers)
	case 12:
		m.Hostname = cstring(d)
	case 15:
		m.DomainName = cstring(d)
	case 50:
		return one4(d, &m.RequestedIP)
	case 51:
		if len(d) != 4 {
			return fmt.Errorf("lease time has %d bytes, want 4", len(d))
		}
		s := binary.BigEndian.Uint32(d)
		if s == 0xffffffff {
			m.LeaseTime = Infinite
		} else {
			m.LeaseTime = time.Duration(s) * time.Second
		}
	case 52:
		if len(d) != 1 {
			return fmt.Errorf("overload has %d bytes, want 1", len(d))
		}
		if m.Overload == 0 { // only the first, so options in file cannot re-trigger
			m.Overload = d[0] & 3
		}
	case 53:
		if len(d) != 1 {
			return fmt.Errorf("message type has %d bytes, want 1", len(d))
		}
		m.Type = MessageType(d[0])
	case 54:
		return one4(d, &m.ServerID)
	case 55:
		if m.ParamRequest == nil {
			m.ParamRequest = d[:len(d):len(d)] // capped, so a later append copies
		} else {
			m.ParamRequest = append(m.ParamRequest, d...) // RFC 3396 concatenation
		}
	case 57:
		if len(d) != 2 {
			return fmt.Errorf("maximum message size has %d bytes, want 2", len(d))
		}
		m.MaxMessageSize = binary.BigEndian.Uint16(d)
	case 60:
		m.VendorClass = string(d)
	case 61:
		m.ClientID = d
	case 81:
		if len(d) < 3 {
			return fmt.Errorf("client FQDN has %d bytes, want at least 3", len(d))
		}
		m.FQDNFlags = d[0]
		m.FQDN = fqdn(d[3:], d[0]&0x04 != 0)
	default:
		m.Options = append(m.Options, Option{Code: code, Data: d})
	}
	return nil
}

func addr4(b []byte) netip.Addr {
	return netip.AddrFrom4([4]byte(b[:4]))
}

func one4(d []byte, dst *netip.Addr) error {
	if len(d) != 4 {
		return fmt.Errorf("address has %d bytes, want 4", len(d))
	}
	*dst = addr4(d)
	return nil
}

func list4(d []byte, dst *[]netip.Addr) error {
	if len(d) == 0 || len(d)%4 != 0 {
		return fmt.Errorf("address list has %d bytes, not a multiple of 4", len(d))
	}
	for i := 0; i+4 <= len(d); i += 4 {
		*dst = append(*dst, addr4(d[i:]))
	}
	return nil
}

// cstring returns b up to its first NUL byte as a string.
func cstring(b []byte) string {
	for i, c := range b {
		if c == 0 {
			return string(b[:i])
		}
	}
	return string(b)
}

// fqdn decodes option 81's name: DNS wire labels when the E flag is set
// (RFC 4702), else ASCII. Compression is not allowed there.
func fqdn(d []byte, wire bool) string {
	if !wire {
		return cstring(d)
	}
	out := make([]byte, 0, len(d))
	for i := 0; i < len(d); {
		n := int(d[i])
		if n == 0 || n > 63 || i+1+n > len(d) {
			break
		}
		if len(out) > 0 {
			out = append(out, '.')
		}
		out = append(out, d[i+1:i+1+n]...)
		i += 1 + n
	}
	return string(out)
}
