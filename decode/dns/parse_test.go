package dns

import (
	"encoding/binary"
	"errors"
	"strings"
	"testing"
)

// msg builds a message: the header (id, flags, four counts) then body.
func msg(id, flags uint16, qd, an, ns, ar int, body ...[]byte) []byte {
	b := binary.BigEndian.AppendUint16(nil, id)
	b = binary.BigEndian.AppendUint16(b, flags)
	for _, n := range []int{qd, an, ns, ar} {
		b = binary.BigEndian.AppendUint16(b, uint16(n))
	}
	for _, p := range body {
		b = append(b, p...)
	}
	return b
}

// name writes labels in wire form with the terminating zero.
func name(labels ...string) []byte {
	var b []byte
	for _, l := range labels {
		b = append(b, byte(len(l)))
		b = append(b, l...)
	}
	return append(b, 0)
}

// ptr is a compression pointer to off.
func ptr(off int) []byte { return []byte{0xc0 | byte(off>>8), byte(off)} }

// q writes a question's type and class after its name.
func q(n []byte, typ, class uint16) []byte {
	b := append([]byte(nil), n...)
	b = binary.BigEndian.AppendUint16(b, typ)
	return binary.BigEndian.AppendUint16(b, class)
}

// rr writes a record after its name.
func rr(n []byte, typ, class uint16, ttl uint32, data []byte) []byte {
	b := q(n, typ, class)
	b = binary.BigEndian.AppendUint32(b, ttl)
	b = binary.BigEndian.AppendUint16(b, uint16(len(data)))
	return append(b, data...)
}

func cat(parts ...[]byte) []byte {
	var b []byte
	for _, p := range parts {
		b = append(b, p...)
	}
	return b
}

func TestParseTable(t *testing.T) {
	// The question name "thing.example" starts at byte 12; later names
	// point there (c0 0c).
	thing := name("thing", "example")
	tests := []struct {
		name    string
		in      []byte
		wantErr error
		errText string
		check   func(t *testing.T, m Message)
	}{{
		// Query 0x1234, RD: one question thing.example A IN.
		name: "query",
		in:   msg(0x1234, 0x0100, 1, 0, 0, 0, q(thing, 1, 1)),
		check: func(t *testing.T, m Message) {
			if m.ID != 0x1234 || m.Response || !m.RecursionDesired || len(m.Questions) != 1 ||
				m.Questions[0].Name != "thing.example" || m.Questions[0].Type != TypeA || m.Questions[0].Class != ClassIN {
				t.Errorf("got %+v", m)
			}
		},
	}, {
		// Response 8180 (QR RD RA): CNAME to www.thing.example (labels
		// "www" then a pointer to byte 12), A 192.0.2.7 for it, and an
		// AAAA 2001:db8::1, all owner names compressed.
		name: "answers",
		in: msg(7, 0x8180, 1, 3, 0, 0, q(thing, 1, 1),
			rr(ptr(12), 5, 1, 60, cat([]byte{3, 'w', 'w', 'w'}, ptr(12))),
			rr(ptr(43), 1, 1, 60, []byte{192, 0, 2, 7}),
			rr(ptr(43), 28, 1, 60, []byte{0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1})),
		check: func(t *testing.T, m Message) {
			if !m.Response || !m.RecursionAvailable || len(m.Answers) != 3 {
				t.Fatalf("got %+v", m)
			}
			if a := m.Answers[0]; a.Type != TypeCNAME || a.Name != "thing.example" || a.Target != "www.thing.example" || a.TTL != 60 {
				t.Errorf("cname %+v", a)
			}
			if a := m.Answers[1]; a.Name != "www.thing.example" || a.Addr.String() != "192.0.2.7" {
				t.Errorf("a %+v", a)
			}
			if a := m.Answers[2]; a.Addr.String() != "2001:db8::1" {
				t.Errorf("aaaa %+v", a)
			}
		},
	}, {
		// NXDOMAIN (rcode 3) with an SOA in authority: mname ns.example,
		// rname pointer to the question, then five numbers 1..5.
		name: "soa",
		in: msg(9, 0x8183, 1, 0, 1, 0, q(thing, 1, 1),
			rr(ptr(12), 6, 1, 300, cat(name("ns", "example"), ptr(12),
				[]byte{0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 4, 0, 0, 0, 5}))),
		check: func(t *testing.T, m Message) {
			s := m.Authority[0]
			if m.RCode != RCodeNXDomain || m.RCode.String() != "NXDOMAIN" || s.Target != "ns.example" ||
				s.SOA.RName != "thing.example" || s.SOA.Serial != 1 || s.SOA.Minimum != 5 {
				t.Errorf("got %+v", m)
			}
		},
	}, {
		// mDNS response (8400, AA): PTR _hap._tcp.local -> "Hue 1"
		// instance, SRV 0 0 8080 hue.local with cache-flush class 8001,
		// TXT "md=Hue Bridge" "id=1", HINFO "ARM" "Linux", MX 10 mail.
		name: "mdns",
		in: msg(0, 0x8400, 0, 5, 0, 0,
			rr(name("_hap", "_tcp", "local"), 12, 1, 4500, cat([]byte{5, 'H', 'u', 'e', ' ', '1'}, ptr(12))),
			rr(ptr(39), 33, 0x8001, 120, cat([]byte{0, 0, 0, 0, 0x1f, 0x90}, name("hue", "local"))),
			rr(ptr(39), 16, 0x8001, 4500, []byte("\x0dmd=Hue Bridge\x04id=1")),
			rr(ptr(39), 13, 1, 4500, []byte("\x03ARM\x05Linux")),
			rr(ptr(12), 15, 1, 4500, cat([]byte{0, 10}, name("mail")))),
		check: func(t *testing.T, m Message) {
			a := m.Answers
			if len(a) != 5 || a[0].Target != "Hue 1._hap._tcp.local" {
				t.Fatalf("got %+v", m)
			}
			if a[1].Name != "Hue 1._hap._tcp.local" || a[1].Port != 8080 || a[1].Target != "hue.local" || !a[1].CacheFlush || a[1].Class != ClassIN {
				t.Errorf("srv %+v", a[1])
			}
			if len(a[2].Text) != 2 || a[2].Text[0] != "md=Hue Bridge" || a[2].Text[1] != "id=1" {
				t.Errorf("txt %q", a[2].Text)
			}
			if a[3].Text[0] != "ARM" || a[3].Text[1] != "Linux" {
				t.Errorf("hinfo %q", a[3].Text)
			}
			if a[4].Preference != 10 || a[4].Target != "mail" {
				t.Errorf("mx %+v", a[4])
			}
		},
	}, {
		// mDNS question with the QU bit (class 8001), and an OPT record
		// (root name, type 41, size 1232, extended rcode 1 -> rcode 16).
		name: "qu and opt",
		in: msg(0, 0x8000, 1, 0, 0, 1, q(name("hue", "local"), 1, 0x8001),
			rr([]byte{0}, 41, 1232, 1<<24, nil)),
		check: func(t *testing.T, m Message) {
			if !m.Questions[0].UnicastResponse || m.Questions[0].Class != ClassIN {
				t.Errorf("question %+v", m.Questions[0])
			}
			o := m.Additional[0]
			if o.Type != TypeOPT || o.Class != 1232 || o.Name != "." || m.RCode != 16 || m.RCode.String() != "BADVERS" {
				t.Errorf("opt %+v rcode %v", o, m.RCode)
			}
		},
	}, {
		// A pointer to itself at byte 12: a loop.
		name:    "pointer loop",
		in:      msg(1, 0, 1, 0, 0, 0, ptr(12), []byte{0, 1, 0, 1}),
		wantErr: ErrPointerLoop,
	}, {
		// Two pointers pointing at each other (12 -> 14 -> 12).
		name:    "pointer ping-pong",
		in:      msg(1, 0, 1, 0, 0, 0, ptr(14), ptr(12)),
		wantErr: ErrPointerLoop,
	}, {
		// A label pointing back to the start of itself through a prefix:
		// 01 'a' c0 0c: grows by 2 bytes per hop until over 255.
		name:    "growing loop",
		in:      msg(1, 0, 1, 0, 0, 0, []byte{1, 'a'}, ptr(12)),
		wantErr: ErrNameTooLong,
	}, {
		// A forward pointer (to byte 18, the second question's name) is
		// accepted, as tcpdump and tshark accept it.
		name: "forward pointer",
		in:   msg(1, 0, 2, 0, 0, 0, ptr(18), []byte{0, 1, 0, 1}, q(name("fwd"), 1, 1)),
		check: func(t *testing.T, m Message) {
			if m.Questions[0].Name != "fwd" || m.Questions[1].Name != "fwd" {
				t.Errorf("got %+v", m.Questions)
			}
		},
	}, {
		// A pointer beyond the message.
		name:    "pointer out of range",
		in:      msg(1, 0, 1, 0, 0, 0, ptr(500), []byte{0, 1, 0, 1}),
		wantErr: ErrPointerRange,
	}, {
		// Length byte 0x40: reserved extended label type (a "label of 64").
		name:    "label 64",
		in:      msg(1, 0, 1, 0, 0, 0, []byte{0x40, 'a'}),
		wantErr: ErrLabelType,
	}, {
		// Five labels of 63 bytes: 320 bytes, over 255.
		name: "name too long",
		in: msg(1, 0, 1, 0, 0, 0, q(name(strings.Repeat("a", 63), strings.Repeat("b", 63),
			strings.Repeat("c", 63), strings.Repeat("d", 63), strings.Repeat("e", 63)), 1, 1)),
		wantErr: ErrNameTooLong,
	}, {
		// Four labels of 63 bytes: 4*64+1 = 257 wire bytes, just over.
		name:    "name of 257",
		in:      msg(1, 0, 1, 0, 0, 0, q(name(strings.Repeat("a", 63), strings.Repeat("b", 63), strings.Repeat("c", 63), strings.Repeat("d", 63)), 1, 1)),
		wantErr: ErrNameTooLong,
	}, {
		// 63+63+63+61 bytes of labels: 255 wire bytes exactly, accepted.
		name: "name of 255",
		in:   msg(1, 0, 1, 0, 0, 0, q(name(strings.Repeat("a", 63), strings.Repeat("b", 63), strings.Repeat("c", 63), strings.Repeat("d", 61)), 1, 1)),
		check: func(t *testing.T, m Message) {
			if len(m.Questions[0].Name) != 253 {
				t.Errorf("name length %d", len(m.Questions[0].Name))
			}
		},
	}, {
		// Header claims 65535 answers in a 30-byte message: error, no huge
		// allocation.
		name:    "counts lie",
		in:      msg(1, 0x8000, 1, 65535, 0, 0, q(name("x"), 1, 1)),
		errText: "answer record 1",
	}, {
		// A record with 5 bytes of data.
		name:    "bad A",
		in:      msg(1, 0x8000, 0, 1, 0, 0, rr(name("x"), 1, 1, 0, []byte{1, 2, 3, 4, 5})),
		errText: "answer record 1: A data at byte 25: 5 bytes, want 4",
	}, {
		// RDLENGTH 10 with 2 bytes present.
		name:    "rdata past end",
		in:      msg(1, 0x8000, 0, 1, 0, 0, rr(name("x"), 1, 1, 0, []byte{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}))[:27],
		errText: "A data of 10 bytes runs past the end at byte 25",
	}, {
		// Control characters and a dot inside a label: escaped \DDD.
		name: "odd label",
		in:   msg(1, 0, 1, 0, 0, 0, q(name("a\x01b"), 1, 1)),
		check: func(t *testing.T, m Message) {
			if m.Questions[0].Name != `a\001b` {
				t.Errorf("name %q", m.Questions[0].Name)
			}
		},
	}, {
		name:    "short",
		in:      []byte{1, 2, 3},
		wantErr: ErrShort,
	}, {
		// Unknown type 99 kept raw.
		name: "raw",
		in:   msg(1, 0x8000, 0, 1, 0, 0, rr(name("x"), 99, 1, 0, []byte{9, 8, 7})),
		check: func(t *testing.T, m Message) {
			if a := m.Answers[0]; a.Type.String() != "TYPE99" || string(a.Data) != "\x09\x08\x07" {
				t.Errorf("got %+v", a)
			}
		},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := Parse(tt.in)
			switch {
			case tt.wantErr != nil:
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("error %v, want %v", err, tt.wantErr)
				}
			case tt.errText != "":
				if err == nil || !strings.Contains(err.Error(), tt.errText) {
					t.Fatalf("error %v, want %q", err, tt.errText)
				}
			case err != nil:
				t.Fatalf("error %v", err)
			}
			if tt.check != nil {
				tt.check(t, m)
			}
		})
	}
}

func TestSplitTCP(t *testing.T) {
	m1 := msg(1, 0, 1, 0, 0, 0, q(name("a"), 1, 1))
	m2 := msg(2, 0, 0, 0, 0, 0)
	stream := cat(binary.BigEndian.AppendUint16(nil, uint16(len(m1))), m1,
		binary.BigEndian.AppendUint16(nil, uint16(len(m2))), m2)
	for cut := 0; cut < len(m1)+2; cut++ {
		if _, _, ok := SplitTCP(stream[:cut]); ok {
			t.Fatalf("complete after %d bytes", cut)
		}
	}
	got, rest, ok := SplitTCP(stream)
	if !ok || string(got) != string(m1) {
		t.Fatalf("first message %x %v", got, ok)
	}
	got, rest, ok = SplitTCP(rest)
	if !ok || string(got) != string(m2) || len(rest) != 0 {
		t.Fatalf("second message %x rest %x %v", got, rest, ok)
	}
}

func TestParseNBNS(t *testing.T) {
	// A NetBIOS name is first-level encoded: padded to 15 bytes with
	// spaces, a suffix byte, each byte split into two half-bytes + 'A'.
	enc := func(raw string) string {
		var b []byte
		for i := 0; i < len(raw); i++ {
			b = append(b, 'A'+raw[i]>>4, 'A'+raw[i]&0xf)
		}
		return string(b)
	}
	// NBNS NB answer: type 32 data 6 bytes flags + 10.0.0.5.
	thing := enc("THING          \x00")
	m, err := ParseNBNS(msg(1, 0x8500, 0, 1, 0, 0, rr(name(thing), 32, 1, 0, []byte{0, 0, 10, 0, 0, 5})))
	if err != nil || m.Answers[0].Addr.String() != "10.0.0.5" {
		t.Fatalf("nb: %+v %v", m, err)
	}
	if m.Answers[0].Name != thing {
		t.Errorf("nb name %q, want it encoded as sent", m.Answers[0].Name)
	}
}

func TestTypeNames(t *testing.T) {
	for typ, want := range map[Type]string{TypeA: "A", TypeAAAA: "AAAA", TypeCNAME: "CNAME", TypePTR: "PTR",
		TypeSRV: "SRV", TypeTXT: "TXT", TypeOPT: "OPT", TypeHTTPS: "HTTPS", 1000: "TYPE1000"} {
		if got := typ.String(); got != want {
			t.Errorf("%d = %q, want %q", typ, got, want)
		}
	}
}
