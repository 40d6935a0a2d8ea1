package synth

import (
	"encoding/binary"
	"math/rand/v2"
)

// alpnH2HTTP11 is the ALPN protocol list of a browser-like client, as it
// appears on the wire: each name prefixed by its length.
const alpnH2HTTP11 = "\x02h2\x08http/1.1"

// TLS record content types and versions used below.
const (
	tlsChangeCipherSpec = 20
	tlsHandshake        = 22
	tlsApplicationData  = 23
	tls10               = 0x0301
	tls12               = 0x0303
	tls13               = 0x0304
)

// appendRandom appends n pseudo-random bytes from r.
func appendRandom(dst []byte, r *rand.Rand, n int) []byte {
	for n > 0 {
		v := r.Uint64()
		for i := 0; i < 8 && n > 0; i++ {
			dst = append(dst, byte(v))
			v >>= 8
			n--
		}
	}
	return dst
}

// put16 and put24 write big-endian lengths into space reserved earlier.
func put16(b []byte, at, v int) { binary.BigEndian.PutUint16(b[at:], uint16(v)) }
func put24(b []byte, at, v int) {
	b[at], b[at+1], b[at+2] = byte(v>>16), byte(v>>8), byte(v)
}

// appendHelloStart appends what a ClientHello (typ 1) and a ServerHello
// (typ 2) open with alike: the handshake record's header in version
// recVersion, the message's header, legacy version 1.2, 32 random bytes
// and a random 32-byte session id. The lengths are left 0 for finishHello.
func appendHelloStart(dst []byte, r *rand.Rand, recVersion uint16, typ byte) []byte {
	dst = append(dst, tlsHandshake, byte(recVersion>>8), byte(recVersion), 0, 0)
	dst = append(dst, typ, 0, 0, 0, tls12>>8, tls12&0xff)
	dst = appendRandom(dst, r, 32)
	dst = append(dst, 32)
	return appendRandom(dst, r, 32)
}

// finishHello writes the lengths of a hello begun by appendHelloStart at
// rec, now ending with its extensions, whose block begins at ext.
func finishHello(dst []byte, rec, ext int) {
	hs := rec + 5
	put16(dst, ext, len(dst)-ext-2)
	put24(dst, hs+1, len(dst)-hs-4)
	put16(dst, rec+3, len(dst)-rec-5)
}

// appendClientHello appends one TLS record holding a ClientHello that offers
// TLS 1.3 and 1.2, names sni and offers the ALPN list alpn (wire form).
func appendClientHello(dst []byte, r *rand.Rand, sni, alpn string) []byte {
	rec := len(dst)
	dst = appendHelloStart(dst, r, tls10, 1)
	suites := []uint16{0x1301, 0x1302, 0x1303, 0xc02b, 0xc02f, 0xc02c, 0xc030, 0xcca9, 0xcca8}
	dst = binary.BigEndian.AppendUint16(dst, uint16(2*len(suites)))
	for _, s := range suites {
		dst = binary.BigEndian.AppendUint16(dst, s)
	}
	dst = append(dst, 1, 0) // compression: null only
	ext := len(dst)
	dst = append(dst, 0, 0)

	// server_name
	dst = append(dst, 0, 0)
	dst = binary.BigEndian.AppendUint16(dst, uint16(len(sni)+5))
	dst = binary.BigEndian.AppendUint16(dst, uint16(len(sni)+3))
	dst = append(dst, 0)
	dst = binary.BigEndian.AppendUint16(dst, uint16(len(sni)))
	dst = append(dst, sni...)
	// extended_master_secret, renegotiation_info
	dst = append(dst, 0, 23, 0, 0, 0xff, 0x01, 0, 1, 0)
	// supported_groups: x25519, secp256r1, secp384r1
	dst = append(dst, 0, 10, 0, 8, 0, 6, 0, 0x1d, 0, 0x17, 0, 0x18)
	// ec_point_formats: uncompressed
	dst = append(dst, 0, 11, 0, 2, 1, 0)
	// session_ticket, empty
	dst = append(dst, 0, 35, 0, 0)
	// application_layer_protocol_negotiation
	if alpn != "" {
		dst = append(dst, 0, 16)
		dst = binary.BigEndian.AppendUint16(dst, uint16(len(alpn)+2))
		dst = binary.BigEndian.AppendUint16(dst, uint16(len(alpn)))
		dst = append(dst, alpn...)
	}
	// signature_algorithms
	dst = append(dst, 0, 13, 0, 10, 0, 8, 4, 3, 8, 4, 4, 1, 5, 1)
	// supported_versions: TLS 1.3, TLS 1.2
	dst = append(dst, 0, 43, 0, 5, 4, tls13>>8, tls13&0xff, tls12>>8, tls12&0xff)
	// psk_key_exchange_modes: psk_dhe_ke
	dst = append(dst, 0, 45, 0, 2, 1, 1)
	// key_share: one x25519 share
	dst = append(dst, 0, 51, 0, 38, 0, 36, 0, 0x1d, 0, 32)
	dst = appendRandom(dst, r, 32)

	finishHello(dst, rec, ext)
	return dst
}

// appendServerHello13 appends the server's first flight of a TLS 1.3
// handshake: a ServerHello record (legacy version 1.2, supported_versions
// 1.3), a ChangeCipherSpec record and encEncrypted bytes of encrypted
// handshake (EncryptedExtensions, Certificate, ..., Finished) as one
// application data record.
func appendServerHello13(dst []byte, r *rand.Rand, encrypted int) []byte {
	rec := len(dst)
	dst = appendHelloStart(dst, r, tls12, 2)
	dst = append(dst, 0x13, 0x01, 0) // TLS_AES_128_GCM_SHA256, null compression
	ext := len(dst)
	dst = append(dst, 0, 0)
	dst = append(dst, 0, 43, 0, 2, tls13>>8, tls13&0xff)
	dst = append(dst, 0, 51, 0, 36, 0, 0x1d, 0, 32)
	dst = appendRandom(dst, r, 32)
	finishHello(dst, rec, ext)
	dst = appendChangeCipherSpec(dst)
	return appendAppData(dst, r, encrypted)
}

// appendChangeCipherSpec appends the compatibility ChangeCipherSpec record.
func appendChangeCipherSpec(dst []byte) []byte {
	return append(dst, tlsChangeCipherSpec, tls12>>8, tls12&0xff, 0, 1, 1)
}

// appendAppData appends one application data record of n random bytes, as
// encrypted records look.
func appendAppData(dst []byte, r *rand.Rand, n int) []byte {
	dst = append(dst, tlsApplicationData, tls12>>8, tls12&0xff, byte(n>>8), byte(n))
	return appendRandom(dst, r, n)
}
