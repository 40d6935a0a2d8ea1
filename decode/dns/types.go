package dns

import "strconv"

// Type is a resource record type.
type Type uint16

// Record types this package names.
const (
	TypeA      Type = 1
	TypeNS     Type = 2
	TypeCNAME  Type = 5
	TypeSOA    Type = 6
	TypeNULL   Type = 10
	TypeWKS    Type = 11
	TypePTR    Type = 12
	TypeHINFO  Type = 13
	TypeMX     Type = 15
	TypeTXT    Type = 16
	TypeAAAA   Type = 28
	TypeLOC    Type = 29
	TypeSRV    Type = 33
	TypeNAPTR  Type = 35
	TypeOPT    Type = 41
	TypeDS     Type = 43
	TypeRRSIG  Type = 46
	TypeNSEC   Type = 47
	TypeDNSKEY Type = 48
	TypeNSEC3  Type = 50
	TypeSVCB   Type = 64
	TypeHTTPS  Type = 65
	TypeAXFR   Type = 252
	TypeANY    Type = 255
	TypeCAA    Type = 257
	// TypeNB and TypeNBSTAT are the NetBIOS name service's own types.
	TypeNB     Type = 32
	TypeNBSTAT Type = 33
)

// String returns the type's mnemonic ("A", "AAAA") or "TYPEn" (RFC 3597).
// Type 33 is "SRV"; on NBNS it means NBSTAT.
func (t Type) String() string {
	switch t {
	case TypeA:
		return "A"
	case TypeNS:
		return "NS"
	case TypeCNAME:
		return "CNAME"
	case TypeSOA:
		return "SOA"
	case TypeNULL:
		return "NULL"
	case TypeWKS:
		return "WKS"
	case TypePTR:
		return "PTR"
	case TypeHINFO:
		return "HINFO"
	case TypeMX:
		return "MX"
	case TypeTXT:
		return "TXT"
	case TypeAAAA:
		return "AAAA"
	case TypeLOC:
		return "LOC"
	case TypeSRV:
		return "SRV"
	case TypeNAPTR:
		return "NAPTR"
	case TypeOPT:
		return "OPT"
	case TypeDS:
		return "DS"
	case TypeRRSIG:
		return "RRSIG"
	case TypeNSEC:
		return "NSEC"
	case TypeDNSKEY:
		return "DNSKEY"
	case TypeNSEC3:
		return "NSEC3"
	case TypeSVCB:
		return "SVCB"
	case TypeHTTPS:
		return "HTTPS"
	case TypeAXFR:
		return "AXFR"
	case TypeANY:
		return "ANY"
	case TypeCAA:
		return "CAA"
	case TypeNB:
		return "NB"
	}
	return "TYPE" + strconv.Itoa(int(t))
}

// Class is a resource record class, without mDNS's top bit.
type Class uint16

// Classes this package names.
const (
	ClassIN  Class = 1
	ClassCH  Class = 3
	ClassHS  Class = 4
	ClassANY Class = 255
)

// String returns "IN", "CH", "HS", "ANY" or "CLASSn".
func (c Class) String() string {
	switch c {
	case ClassIN:
		return "IN"
	case ClassCH:
		return "CH"
	case ClassHS:
		return "HS"
	case ClassANY:
		return "ANY"
	}
	return "CLASS" + strconv.Itoa(int(c))
}

// RCode is a response code, extended to 12 bits by an OPT record.
type RCode uint16

// Response codes.
const (
	RCodeSuccess  RCode = 0
	RCodeFormErr  RCode = 1
	RCodeServFail RCode = 2
	RCodeNXDomain RCode = 3
	RCodeNotImp   RCode = 4
	RCodeRefused  RCode = 5
)

var rcodeNames = [...]string{"NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED",
	"YXDOMAIN", "YXRRSET", "NXRRSET", "NOTAUTH", "NOTZONE", "DSOTYPENI"}

// String returns the code's name ("NOERROR", "NXDOMAIN") or "RCODEn".
func (r RCode) String() string {
	if int(r) < len(rcodeNames) {
		return rcodeNames[r]
	}
	if r == 16 {
		return "BADVERS"
	}
	return "RCODE" + strconv.Itoa(int(r))
}

// Opcode is the kind of query.
type Opcode uint8

// Opcodes.
const (
	OpQuery  Opcode = 0
	OpIQuery Opcode = 1
	OpStatus Opcode = 2
	OpNotify Opcode = 4
	OpUpdate Opcode = 5
)

// String returns "QUERY", "NOTIFY", ... or "OPCODEn".
func (o Opcode) String() string {
	switch o {
	case OpQuery:
		return "QUERY"
	case OpIQuery:
		return "IQUERY"
	case OpStatus:
		return "STATUS"
	case OpNotify:
		return "NOTIFY"
	case OpUpdate:
		return "UPDATE"
	}
	return "OPCODE" + strconv.Itoa(int(o))
}
