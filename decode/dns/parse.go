package dns

import (
	"encoding/binary"
	"errors"
	"fmt"
	"net/netip"
)

// headerLen is the size of the fixed DNS header.
const headerLen = 12

// ErrShort is returned, wrapped, for a message shorter than the header.
var ErrShort = errors.New("shorter than the 12-byte header")

// Parse decodes one DNS, mDNS or LLMNR message (a UDP payload, or a TCP
// message without its 2-byte length; see SplitTCP). On malformed input it
// returns the header and the entries read before the fault, and an error
// naming the fault and its byte offset.
func Parse(b []byte) (Message, error) {
	return parse(b, false)
}

// ParseNBNS decodes one NetBIOS name service message (UDP 137). It is
// Parse except that type 33 is NBSTAT, kept raw, rather than SRV. Names
// stay first-level encoded.
func ParseNBNS(b []byte) (Message, error) {
	return parse(b, true)
}

func parse(b []byte, nbns bool) (Message, error) {
	var m Message
	if len(b) < headerLen {
		return m, fmt.Errorf("dns: %d bytes: %w", len(b), ErrShort)
	}
	m.ID = binary.BigEndian.Uint16(b)
	f := binary.BigEndian.Uint16(b[2:])
	m.Response = f&0x8000 != 0
	m.Opcode = Opcode(f >> 11 & 0xf)
	m.Authoritative = f&0x0400 != 0
	m.Truncated = f&0x0200 != 0
	m.RecursionDesired = f&0x0100 != 0
	m.RecursionAvailable = f&0x0080 != 0
	m.AuthenticData = f&0x0020 != 0
	m.CheckingDisabled = f&0x0010 != 0
	m.RCode = RCode(f & 0xf)
	qd := int(binary.BigEndian.Uint16(b[4:]))
	an := int(binary.BigEndian.Uint16(b[6:]))
	ns := int(binary.BigEndian.Uint16(b[8:]))
	ar := int(binary.BigEndian.Uint16(b[10:]))

	off := headerLen
	// Bound preallocation by what the bytes can hold: a question takes at
	// least 5 bytes, a record at least 11.
	rest := len(b) - off
	if qd > 0 {
		m.Questions = make([]Question, 0, min(qd, rest/5))
	}
	for i := range qd {
		var q Question
		var err error
		q.Name, off, err = readName(b, off)
		if err != nil {
			return m, fmt.Errorf("dns: question %d name: %w", i+1, err)
		}
		if off+4 > len(b) {
			return m, fmt.Errorf("dns: question %d type and class run past the end at byte %d", i+1, off)
		}
		q.Type = Type(binary.BigEndian.Uint16(b[off:]))
		c := binary.BigEndian.Uint16(b[off+2:])
		q.Class, q.UnicastResponse = Class(c&0x7fff), c&0x8000 != 0
		off += 4
		m.Questions = append(m.Questions, q)
	}
	var err error
	if m.Answers, off, err = readSection(b, off, an, nbns, &m.RCode); err != nil {
		return m, fmt.Errorf("dns: answer %w", err)
	}
	if m.Authority, off, err = readSection(b, off, ns, nbns, &m.RCode); err != nil {
		return m, fmt.Errorf("dns: authority %w", err)
	}
	if m.Additional, _, err = readSection(b, off, ar, nbns, &m.RCode); err != nil {
		return m, fmt.Errorf("dns: additional %w", err)
	}
	return m, nil
}

// readSection reads count records from b[off:]. An OPT record's extended
// rcode bits are merged into rcode. On error it returns the records read
// (with the faulty one when its header was readable) and an error that
// starts with "record N".
func readSection(b []byte, off, count int, nbns bool, rcode *RCode) ([]RR, int, error) {
	if count == 0 {
		return nil, off, nil
	}
	var rrs []RR
	if off < len(b) {
		rrs = make([]RR, 0, min(count, (len(b)-off)/11+1))
	}
	for i := range count {
		rr, next, err := readRR(b, off, nbns)
		if err != nil {
			if rr.Name != "" || rr.Type != 0 {
				rrs = append(rrs, rr) // header read, data bad: keep what is known
			}
			return rrs, off, fmt.Errorf("record %d: %w", i+1, err)
		}
		if rr.Type == TypeOPT {
			*rcode |= RCode(rr.TTL>>24) << 4
		}
		rrs = append(rrs, rr)
		off = next
	}
	return rrs, off, nil
}

// readRR decodes one resource record at b[off:].
func readRR(b []byte, off int, nbns bool) (RR, int, error) {
	var rr RR
	var err error
	rr.Name, off, err = readName(b, off)
	if err != nil {
		return RR{}, 0, fmt.Errorf("name: %w", err)
	}
	if off+10 > len(b) {
		return RR{}, 0, fmt.Errorf("fixed fields run past the end at byte %d", off)
	}
	rr.Type = Type(binary.BigEndian.Uint16(b[off:]))
	c := binary.BigEndian.Uint16(b[off+2:])
	if rr.Type == TypeOPT {
		rr.Class = Class(c)
	} else {
		rr.Class, rr.CacheFlush = Class(c&0x7fff), c&0x8000 != 0
	}
	rr.TTL = binary.BigEndian.Uint32(b[off+4:])
	n := int(binary.BigEndian.Uint16(b[off+8:]))
	start := off + 10
	if start+n > len(b) {
		return rr, 0, fmt.Errorf("%s data of %d bytes runs past the end at byte %d", rr.Type, n, start)
	}
	end := start + n
	rr.Data = b[start:end:end]
	if err := rr.rdata(b, start, end, nbns); err != nil {
		return rr, 0, fmt.Errorf("%s data at byte %d: %w", rr.Type, start, err)
	}
	return rr, end, nil
}

// rdata decodes the typed fields of rr from b[start:end]. Names inside
// may point anywhere in b.
func (rr *RR) rdata(b []byte, start, end int, nbns bool) error {
	d := b[start:end]
	var err error
	switch rr.Type {
	case TypeA:
		if nbns {
			break
		}
		if len(d) != 4 {
			return fmt.Errorf("%d bytes, want 4", len(d))
		}
		rr.Addr = netip.AddrFrom4([4]byte(d))
	case TypeAAAA:
		if len(d) != 16 {
			return fmt.Errorf("%d bytes, want 16", len(d))
		}
		rr.Addr = netip.AddrFrom16([16]byte(d))
	case TypeCNAME, TypePTR, TypeNS, 39: // 39: DNAME
		rr.Target, err = rdataName(b, start, end)
	case TypeNSEC:
		// The next name; mDNS compresses it though RFC 4034 says not to.
		rr.Target, err = rdataName(b, start, end)
	case TypeMX:
		if len(d) < 3 {
			return fmt.Errorf("%d bytes, too short", len(d))
		}
		rr.Preference = binary.BigEndian.Uint16(d)
		rr.Target, err = rdataName(b, start+2, end)
	case TypeSRV:
		if nbns { // NBSTAT
			break
		}
		if len(d) < 7 {
			return fmt.Errorf("%d bytes, too short", len(d))
		}
		rr.Priority = binary.BigEndian.Uint16(d)
		rr.Weight = binary.BigEndian.Uint16(d[2:])
		rr.Port = binary.BigEndian.Uint16(d[4:])
		rr.Target, err = rdataName(b, start+6, end)
	case TypeTXT, TypeHINFO:
		rr.Text, err = charStrings(d)
		if err == nil && rr.Type == TypeHINFO && len(rr.Text) != 2 {
			err = fmt.Errorf("%d strings, want CPU and OS", len(rr.Text))
		}
	case TypeSOA:
		var off int
		rr.Target, off, err = readName(b, start)
		if err != nil {
			return fmt.Errorf("primary server: %w", err)
		}
		if off < end {
			rr.SOA.RName, off, err = readName(b, off)
		}
		if err != nil {
			return fmt.Errorf("mailbox: %w", err)
		}
		if off+20 > end {
			return fmt.Errorf("numbers run past the data at byte %d", off)
		}
		s := b[off:end]
		rr.SOA.Serial = binary.BigEndian.Uint32(s)
		rr.SOA.Refresh = binary.BigEndian.Uint32(s[4:])
		rr.SOA.Retry = binary.BigEndian.Uint32(s[8:])
		rr.SOA.Expire = binary.BigEndian.Uint32(s[12:])
		rr.SOA.Minimum = binary.BigEndian.Uint32(s[16:])
	case TypeNB:
		// NBNS NB: 2 flag bytes and an IPv4 address per entry.
		if nbns && len(d) >= 6 {
			rr.Addr = netip.AddrFrom4([4]byte(d[2:6]))
		}
	}
	return err
}

// rdataName reads a name that must start at b[start:] and lie (in its
// uncompressed part) within b[:end]; pointers may go anywhere in b.
func rdataName(b []byte, start, end int) (string, error) {
	name, next, err := readName(b, start)
	if err == nil && next > end {
		err = fmt.Errorf("name runs past the record data (to byte %d, data ends at %d)", next, end)
	}
	return name, err
}

// charStrings splits character-strings (a length byte, then bytes).
func charStrings(d []byte) ([]string, error) {
	var out []string
	for i := 0; i < len(d); {
		n := int(d[i])
		if i+1+n > len(d) {
			return out, fmt.Errorf("string of %d bytes at offset %d runs past the data", n, i)
		}
		out = append(out, string(d[i+1:i+1+n]))
		i += 1 + n
	}
	return out, nil
}
