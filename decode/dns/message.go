package dns

import "net/netip"

// Header is the fixed 12-byte DNS header without its counts.
type Header struct {
	// ID links a response to its query.
	ID uint16
	// Response is the QR bit.
	Response bool
	// Opcode is the kind of query.
	Opcode Opcode
	// Authoritative (AA), Truncated (TC), RecursionDesired (RD),
	// RecursionAvailable (RA), AuthenticData (AD) and CheckingDisabled (CD)
	// are the flag bits.
	Authoritative, Truncated, RecursionDesired, RecursionAvailable bool
	AuthenticData, CheckingDisabled                                bool
	// RCode is the response code, with the upper 8 bits from an OPT
	// record when one is present.
	RCode RCode
}

// Question is one entry of the question section.
type Question struct {
	// Name is the queried name in presentation form, without a trailing
	// dot ("." for the root).
	Name string
	// Type and Class are the query type and class.
	Type  Type
	Class Class
	// UnicastResponse is mDNS's QU bit, the top bit of the class.
	UnicastResponse bool
}

// RR is one resource record. Fields beyond TTL are filled according to
// Type; Data always holds the raw RDATA, aliasing the parsed bytes.
type RR struct {
	// Name is the owner name.
	Name string
	// Type and Class are the record's type and class. For OPT, Class is
	// the sender's UDP payload size.
	Type  Type
	Class Class
	// CacheFlush is mDNS's cache-flush bit, the top bit of the class.
	CacheFlush bool
	// TTL is the time to live in seconds (for OPT: extended rcode,
	// version and flags).
	TTL uint32
	// Addr is the address of an A or AAAA record, and the first address of
	// an NBNS NB record.
	Addr netip.Addr
	// Target is the name of a CNAME, PTR, NS, DNAME, MX (exchange) or SRV
	// record, the next name of an NSEC record, and the primary server
	// (MNAME) of an SOA record.
	Target string
	// Preference is an MX record's preference.
	Preference uint16
	// Priority, Weight and Port are an SRV record's fields.
	Priority, Weight, Port uint16
	// Text holds the strings of a TXT record, or the CPU and OS of HINFO.
	Text []string
	// SOA holds an SOA record's fields other than MNAME.
	SOA SOA
	// Data is the raw RDATA.
	Data []byte
}

// SOA holds the fields of an SOA record after MNAME (which is in
// RR.Target).
type SOA struct {
	// RName is the responsible person's mailbox as a name.
	RName                                   string
	Serial, Refresh, Retry, Expire, Minimum uint32
}

// Message is one DNS message.
type Message struct {
	Header
	Questions  []Question
	Answers    []RR
	Authority  []RR
	Additional []RR
}

// Records calls f for every record of the answer, authority and
// additional sections in order, until f returns false.
func (m *Message) Records(f func(section int, rr *RR) bool) {
	for s, rrs := range [...][]RR{m.Answers, m.Authority, m.Additional} {
		for i := range rrs {
			if !f(s, &rrs[i]) {
				return
			}
		}
	}
}

// Sections of a message, as passed to the Records callback.
const (
	SectionAnswer     = 0
	SectionAuthority  = 1
	SectionAdditional = 2
)
