package quic

import (
	"errors"

	"thingsniff/decode/tls"
)

// MaxHello is the most handshake bytes a Hello keeps: a ClientHello
// larger than this is not read.
const MaxHello = 16 << 10

// Hello gathers the CRYPTO frames of one client's Initial packets (one
// connection, in any order) until they hold its whole ClientHello.
// Its memory is at most MaxHello bytes.
type Hello struct {
	buf  []byte
	have []bool
}

// Add takes the CRYPTO frames of one Initial packet. It reports whether
// the ClientHello is now whole.
func (h *Hello) Add(frames []Frame) bool {
	for _, f := range frames {
		if f.Offset >= MaxHello {
			continue
		}
		end := min(f.Offset+uint64(len(f.Data)), MaxHello)
		if int(end) > len(h.buf) {
			h.buf = append(h.buf, make([]byte, int(end)-len(h.buf))...)
			h.have = append(h.have, make([]bool, int(end)-len(h.have))...)
		}
		copy(h.buf[f.Offset:end], f.Data)
		for i := f.Offset; i < end; i++ {
			h.have[i] = true
		}
	}
	_, ok := h.message()
	return ok
}

// message returns the first handshake message once all its bytes are in.
func (h *Hello) message() ([]byte, bool) {
	if len(h.have) < 4 || !h.have[0] || !h.have[1] || !h.have[2] || !h.have[3] {
		return nil, false
	}
	n := 4 + (int(h.buf[1])<<16 | int(h.buf[2])<<8 | int(h.buf[3]))
	if n > len(h.have) {
		return nil, false
	}
	for _, ok := range h.have[:n] {
		if !ok {
			return nil, false
		}
	}
	return h.buf[:n], true
}

// ErrIncomplete means the Initial packets seen do not hold the whole
// ClientHello yet.
var ErrIncomplete = errors.New("QUIC ClientHello not whole yet")

// ClientHello parses the gathered ClientHello.
func (h *Hello) ClientHello() (tls.ClientHello, error) {
	m, ok := h.message()
	if !ok {
		return tls.ClientHello{}, ErrIncomplete
	}
	if m[0] != tls.TypeClientHello {
		return tls.ClientHello{}, errors.New("QUIC handshake does not start with a ClientHello")
	}
	return tls.ParseClientHello(m[4:])
}

// Reset forgets what was gathered, keeping the buffer.
func (h *Hello) Reset() {
	h.buf, h.have = h.buf[:0], h.have[:0]
}

// ClientHelloOf opens a client's Initial packet and reads the
// ClientHello it holds whole: the common case of one packet. Err is
// ErrIncomplete when the hello continues in other packets (then a Hello
// gathers them).
func ClientHelloOf(b []byte) (Packet, tls.ClientHello, error) {
	p, err := OpenClientInitial(b)
	if err != nil {
		return p, tls.ClientHello{}, err
	}
	var h Hello
	h.Add(p.Crypto)
	ch, err := h.ClientHello()
	return p, ch, err
}
