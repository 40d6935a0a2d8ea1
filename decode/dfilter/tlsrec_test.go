package dfilter

import (
	"bytes"
	"encoding/binary"
	"net/netip"
	"slices"
	"testing"

	"thingsniff/decode"
)

func be16(v int) []byte { return binary.BigEndian.AppendUint16(nil, uint16(v)) }

// hsMsg wraps a body in a handshake message header of type typ.
func hsMsg(typ byte, body []byte) []byte {
	n := len(body)
	return append([]byte{typ, byte(n >> 16), byte(n >> 8), byte(n)}, body...)
}

// tlsRecord wraps body in one record of content type typ.
func tlsRecord(typ byte, body []byte) []byte {
	return append(append([]byte{typ, 3, 3}, be16(len(body))...), body...)
}

// bigHello is a ClientHello naming sni, padded with a key share the size
// of a post-quantum one, so that it spans two segments as today's
// browsers' hellos do.
func bigHello(sni string) []byte {
	name := append(append([]byte{0}, be16(len(sni))...), sni...)
	sniExt := append(append(be16(0), be16(len(name)+2)...), append(be16(len(name)), name...)...)
	share := append(be16(51), be16(1600)...)
	share = append(share, make([]byte, 1600)...)
	exts := append(sniExt, share...)
	body := append(be16(0x0303), make([]byte, 32)...)
	body = append(body, 0)                              // session id
	body = append(body, append(be16(2), 0x13, 0x01)...) // one suite
	body = append(body, 1, 0)                           // null compression
	body = append(append(body, be16(len(exts))...), exts...)
	return hsMsg(1, body)
}

// tlsDir feeds segments of one direction to a records follower.
type tlsDir struct {
	t   *records
	pkt decode.Packet
	out tlsSeen
}

func newDir(t *records, port uint16) *tlsDir {
	d := &tlsDir{t: t}
	d.pkt.Src, d.pkt.SrcPort = netip.MustParseAddr("192.168.1.20"), port
	return d
}

// send feeds one segment and returns what ended in it.
func (d *tlsDir) send(seg []byte) tlsSeen {
	d.pkt.Payload = seg
	d.t.see(&d.pkt, 7, &d.out)
	return tlsSeen{ended: d.out.ended, types: slices.Clone(d.out.types), sni: d.out.sni}
}

func TestHandshakeToldWhereItEnds(t *testing.T) {
	var recs records
	client, server := newDir(&recs, 50000), newDir(&recs, 443)

	hello := tlsRecord(22, bigHello("thing.example"))
	first := client.send(hello[:1400])
	if first.ended || len(first.types) != 0 || first.sni != "" {
		t.Errorf("first segment of a split hello: %+v, want nothing ended", first)
	}
	last := client.send(hello[1400:])
	if !last.ended || !slices.Equal(last.types, []uint8{1}) || last.sni != "thing.example" {
		t.Errorf("last segment of the hello: %+v, want the ClientHello of thing.example", last)
	}

	// ServerHello whole, then a Certificate split over two records and
	// three segments, then ServerHelloDone in the last record.
	cert := hsMsg(11, bytes.Repeat([]byte{0xc3}, 3000))
	flight := tlsRecord(22, hsMsg(2, make([]byte, 70)))
	flight = append(flight, tlsRecord(22, cert[:2000])...)
	flight = append(flight, tlsRecord(22, append(cert[2000:], hsMsg(14, nil)...))...)
	a, b, c := server.send(flight[:1448]), server.send(flight[1448:2896]), server.send(flight[2896:])
	if !slices.Equal(a.types, []uint8{2}) || len(b.types) != 0 || !slices.Equal(c.types, []uint8{11, 14}) {
		t.Errorf("server flight told %v, %v, %v; want [2], [], [11 14]", a.types, b.types, c.types)
	}
	if !b.ended {
		t.Error("the first certificate record ends in the second segment, which is TLS then")
	}

	// TLS 1.2 ends with ChangeCipherSpec and an encrypted Finished, whose
	// random bytes are no message.
	fin := bytes.Repeat([]byte{0x14, 0x00, 0x00, 0x0c, 0x9e}, 8)
	end := client.send(append(tlsRecord(20, []byte{1}), tlsRecord(22, fin)...))
	if !end.ended || len(end.types) != 0 {
		t.Errorf("ChangeCipherSpec and an encrypted Finished: %+v, want records but no message", end)
	}
	if recs.held != 0 {
		t.Errorf("%d bytes held after every message ended", recs.held)
	}
}

func TestSecondHelloAfterRetry(t *testing.T) {
	// TLS 1.3 with middlebox compatibility: after a Hello Retry Request
	// the client sends ChangeCipherSpec, then its second hello in clear
	// text.
	var recs records
	client := newDir(&recs, 50001)
	client.send(tlsRecord(22, bigHello("a.example")))
	got := client.send(append(tlsRecord(20, []byte{1}), tlsRecord(22, bigHello("a.example"))...))
	if !slices.Equal(got.types, []uint8{1}) || got.sni != "a.example" {
		t.Errorf("second hello after ChangeCipherSpec: %+v", got)
	}
	// Application data ends the clear handshake.
	client.send(tlsRecord(23, make([]byte, 40)))
	if got := client.send(tlsRecord(22, hsMsg(20, make([]byte, 32)))); len(got.types) != 0 {
		t.Errorf("a handshake record after application data told %v", got.types)
	}
}

func TestSSLv2Hellos(t *testing.T) {
	var recs records
	client, server := newDir(&recs, 50002), newDir(&recs, 443)
	// CLIENT-HELLO offering TLS 1.0: 3 cipher specs, no session id, a
	// 16-byte challenge.
	body := append([]byte{1, 3, 1}, be16(9)...)
	body = append(body, append(be16(0), be16(16)...)...)
	body = append(body, make([]byte, 9+16)...)
	hello := append([]byte{0x80 | byte(len(body)>>8), byte(len(body))}, body...)
	if got := client.send(hello); !got.ended || !slices.Equal(got.types, []uint8{1}) {
		t.Errorf("SSLv2 hello: %+v", got)
	}
	// A TLS server answers with TLS records.
	if got := server.send(tlsRecord(22, hsMsg(2, make([]byte, 70)))); !slices.Equal(got.types, []uint8{2}) {
		t.Errorf("ServerHello after an SSLv2 hello: %+v", got)
	}
	// A hello whose lengths do not add up is not taken for one.
	bad := slices.Clone(hello)
	bad[10]++
	if got := newDir(&recs, 50003).send(bad); got.ended {
		t.Errorf("a malformed SSLv2 hello was told: %+v", got)
	}
}

func TestHandshakeBytesBounded(t *testing.T) {
	// Directions that each start a long message and never finish it hold
	// no more than maxHandshakeHeld in all.
	var recs records
	start := tlsRecord(22, append([]byte{11, 0, 0xf0, 0}, make([]byte, 16000)...))
	for port := range 2000 {
		d := newDir(&recs, uint16(port+1))
		d.send(start[:len(start)-1])
		if recs.held > maxHandshakeHeld {
			t.Fatalf("%d bytes held after %d directions", recs.held, port+1)
		}
	}
	if recs.held < maxHandshakeHeld/2 {
		t.Errorf("only %d bytes held: the bound was not what stopped it", recs.held)
	}
}

// FuzzTLSRecords feeds two directions arbitrary segments and checks the
// follower's accounting of what it holds.
func FuzzTLSRecords(f *testing.F) {
	hello := tlsRecord(22, bigHello("thing.example"))
	f.Add(hello, uint16(1400))
	f.Add(append(tlsRecord(20, []byte{1}), tlsRecord(22, hsMsg(1, make([]byte, 40)))...), uint16(3))
	f.Add([]byte{0x80, 0x2e, 1, 3, 1, 0, 9, 0, 0, 0, 16}, uint16(5))
	f.Fuzz(func(t *testing.T, b []byte, cut uint16) {
		var recs records
		dirs := [2]*tlsDir{newDir(&recs, 1), newDir(&recs, 2)}
		fed, told := 0, 0
		for i := 0; len(b) > 0; i++ {
			n := min(len(b), int(cut%2000)+1)
			got := dirs[i%2].send(b[:n])
			b = b[n:]
			// A message takes at least its 4-byte header (an SSLv2
			// record 3 bytes).
			fed, told = fed+n, told+len(got.types)
			if told*3 > fed {
				t.Fatalf("%d messages told in %d bytes", told, fed)
			}
		}
		sum := 0
		for _, st := range recs.dirs {
			sum += len(st.hs) + len(st.rec)
		}
		if recs.held != sum || recs.held < 0 || recs.held > maxHandshakeHeld {
			t.Fatalf("held %d, buffers hold %d", recs.held, sum)
		}
	})
}
