package dhcp

import (
	"encoding/binary"
	"net/netip"
	"strings"
	"testing"
	"time"
)

// bootp builds a BOOTP header: op, xid, yiaddr and chaddr set, then the
// magic cookie and the given raw option bytes (when opts is non-nil).
func bootp(op byte, xid uint32, yi string, mac []byte, opts []byte) []byte {
	b := make([]byte, headerLen)
	b[0], b[1], b[2] = op, 1, byte(len(mac))
	binary.BigEndian.PutUint32(b[4:], xid)
	a := netip.MustParseAddr(yi).As4()
	copy(b[16:], a[:])
	copy(b[28:], mac)
	if opts != nil {
		b = binary.BigEndian.AppendUint32(b, magicValue)
		b = append(b, opts...)
	}
	return b
}

var mac = []byte{0x00, 0x12, 0xfb, 0x01, 0x02, 0x03}

func TestParseTable(t *testing.T) {
	tests := []struct {
		name    string
		in      []byte
		wantErr string
		check   func(t *testing.T, m Message)
	}{{
		// Discover: 35 01 01 (type 1), 0c 05 "thing" (hostname),
		// 37 04 01 03 06 0f (params 1,3,6,15), 3c 03 "abc" (vendor),
		// 32 04 c0a88917 (requested 192.168.137.23), ff.
		name: "discover",
		in: bootp(1, 0xdeadbeef, "0.0.0.0", mac, []byte{
			0x35, 1, 1,
			0x0c, 5, 't', 'h', 'i', 'n', 'g',
			0x37, 4, 1, 3, 6, 15,
			0x3c, 3, 'a', 'b', 'c',
			0x32, 4, 192, 168, 137, 23,
			0xff}),
		check: func(t *testing.T, m Message) {
			if m.Type != Discover || m.XID != 0xdeadbeef || m.Hostname != "thing" ||
				m.VendorClass != "abc" || m.Fingerprint() != "1,3,6,15" ||
				m.RequestedIP != netip.MustParseAddr("192.168.137.23") ||
				m.ClientMAC.String() != "00:12:fb:01:02:03" || m.Op != BootRequest {
				t.Errorf("got %+v", m)
			}
		},
	}, {
		// ACK with 01 subnet, 03 two routers, 06 one DNS server, 33 lease
		// 86400 s, 36 server id, 0f domain "lan", pads (00) and an unknown
		// option 0x2b (vendor-specific) kept by number; no End option.
		name: "ack",
		in: bootp(2, 7, "192.168.137.23", mac, []byte{
			0x35, 1, 5,
			0, 0,
			0x01, 4, 255, 255, 255, 0,
			0x03, 8, 192, 168, 137, 1, 192, 168, 137, 2,
			0x06, 4, 192, 168, 137, 1,
			0x33, 4, 0, 1, 0x51, 0x80,
			0x36, 4, 192, 168, 137, 1,
			0x0f, 3, 'l', 'a', 'n',
			0x2b, 2, 0xaa, 0xbb}),
		check: func(t *testing.T, m Message) {
			if m.Type != ACK || m.YourIP.String() != "192.168.137.23" || len(m.Routers) != 2 ||
				m.Routers[1].String() != "192.168.137.2" || m.DNSServers[0].String() != "192.168.137.1" ||
				m.LeaseTime != 24*time.Hour || m.ServerID.String() != "192.168.137.1" ||
				m.SubnetMask.String() != "255.255.255.0" || m.DomainName != "lan" {
				t.Errorf("got %+v", m)
			}
			if len(m.Options) == 0 || m.Options[0].Code != 0x2b || string(m.Options[0].Data) != "\xaa\xbb" {
				t.Errorf("options kept %+v, want option 43 aa bb", m.Options)
			}
		},
	}, {
		// Option 55 claims 10 bytes with only 2 left: error with offset.
		name:    "option past end",
		in:      bootp(1, 1, "0.0.0.0", mac, []byte{0x35, 1, 3, 0x37, 10, 1, 3}),
		wantErr: "dhcp: option 55 runs past the end at byte 243",
		check: func(t *testing.T, m Message) {
			if m.Type != Request {
				t.Errorf("type read before the error lost: %v", m.Type)
			}
		},
	}, {
		// A code with no length byte at the very end.
		name:    "no length byte",
		in:      bootp(1, 1, "0.0.0.0", mac, []byte{0x35, 1, 3, 0x0c}),
		wantErr: "option 12 has no length byte at byte 243",
	}, {
		// Option 53 with two bytes.
		name:    "bad type length",
		in:      bootp(1, 1, "0.0.0.0", mac, []byte{0x35, 2, 3, 3}),
		wantErr: "option 53 at byte 240: message type has 2 bytes",
	}, {
		// Router list of 5 bytes.
		name:    "bad router list",
		in:      bootp(2, 1, "0.0.0.0", mac, []byte{0x03, 5, 1, 2, 3, 4, 5}),
		wantErr: "not a multiple of 4",
	}, {
		// Truncated header.
		name:    "short",
		in:      make([]byte, 100),
		wantErr: "shorter than the 236-byte BOOTP header",
	}, {
		// Plain BOOTP, no cookie: sname "srv", file "boot.img".
		name: "bootp",
		in: func() []byte {
			b := bootp(2, 9, "10.0.0.9", mac, nil)
			copy(b[offSname:], "srv")
			copy(b[offFile:], "boot.img")
			return b
		}(),
		check: func(t *testing.T, m Message) {
			if m.Type != NoType || m.ServerName != "srv" || m.File != "boot.img" || m.Type.String() != "BOOTP" {
				t.Errorf("got %+v", m)
			}
		},
	}, {
		// Overload 3: options continue in file (hostname) then sname
		// (type 5); the header strings are not read as names.
		name: "overload",
		in: func() []byte {
			b := bootp(2, 9, "10.0.0.9", mac, []byte{0x34, 1, 3, 0xff})
			copy(b[offFile:], []byte{0x0c, 2, 'h', 'x', 0xff})
			copy(b[offSname:], []byte{0x35, 1, 5, 0xff})
			return b
		}(),
		check: func(t *testing.T, m Message) {
			if m.Hostname != "hx" || m.Type != ACK || m.File != "" || m.ServerName != "" {
				t.Errorf("got %+v", m)
			}
		},
	}, {
		// Option 81 with the E flag: wire labels 05 "thing" 03 "lan" 00.
		name: "fqdn",
		in:   bootp(1, 1, "0.0.0.0", mac, []byte{0x51, 14, 0x05, 0, 0, 5, 't', 'h', 'i', 'n', 'g', 3, 'l', 'a', 'n', 0, 0xff}),
		check: func(t *testing.T, m Message) {
			if m.FQDN != "thing.lan" || m.FQDNFlags != 5 {
				t.Errorf("fqdn %q flags %d", m.FQDN, m.FQDNFlags)
			}
		},
	}, {
		// Infinite lease, message type 200 (unnamed), hlen 0.
		name: "infinite",
		in:   bootp(2, 1, "0.0.0.0", nil, []byte{0x33, 4, 0xff, 0xff, 0xff, 0xff, 0x35, 1, 200}),
		check: func(t *testing.T, m Message) {
			if m.LeaseTime != Infinite || m.Type.String() != "type 200" || m.ClientMAC != nil {
				t.Errorf("got %+v", m)
			}
		},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := Parse(tt.in)
			if tt.wantErr == "" && err != nil {
				t.Fatalf("error %v", err)
			}
			if tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
				t.Fatalf("error %v, want %q", err, tt.wantErr)
			}
			if tt.check != nil {
				tt.check(t, m)
			}
		})
	}
}

func TestMessageTypeNames(t *testing.T) {
	want := []string{"BOOTP", "Discover", "Offer", "Request", "Decline", "ACK", "NAK", "Release", "Inform"}
	for i, w := range want {
		if got := MessageType(i).String(); got != w {
			t.Errorf("type %d = %q, want %q", i, got, w)
		}
	}
}
