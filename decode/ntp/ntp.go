package ntp

import (
	"encoding/binary"
	"errors"
	"fmt"
	"time"
)

// Mode is an NTP association mode.
type Mode uint8

// NTP modes.
const (
	ModeSymmetricActive Mode = iota + 1
	ModeSymmetricPassive
	ModeClient
	ModeServer
	ModeBroadcast
	ModeControl
	ModePrivate
)

var modeNames = [...]string{"reserved", "symmetric active", "symmetric passive", "client", "server", "broadcast", "control", "private"}

// String names the mode as Wireshark's packet list does ("client").
func (m Mode) String() string { return modeNames[m&7] }

// HeaderLen is the length of the fixed NTP header.
const HeaderLen = 48

// Packet is an NTP header.
type Packet struct {
	Leap      uint8
	Version   uint8
	Mode      Mode
	Stratum   uint8
	Poll      int8
	Precision int8
	RefID     [4]byte
	// Transmit is when the sender sent the packet, by its own clock
	// (zero when the field is zero, as clients often send it).
	Transmit time.Time
}

// ErrShort means the bytes end before the 48-byte header does.
var ErrShort = errors.New("NTP header cut short")

// Parse reads the NTP header at the start of b. Mode 6 (control) and 7
// (private) messages have other layouts: only the first byte is read.
func Parse(b []byte) (Packet, error) {
	var p Packet
	if len(b) < 1 {
		return p, ErrShort
	}
	p.Leap, p.Version, p.Mode = b[0]>>6, b[0]>>3&7, Mode(b[0]&7)
	if p.Version == 0 || p.Version > 4 {
		return p, fmt.Errorf("NTP version %d is not one there is", p.Version)
	}
	if p.Mode >= ModeControl {
		return p, nil
	}
	if len(b) < HeaderLen {
		return p, ErrShort
	}
	p.Stratum, p.Poll, p.Precision = b[1], int8(b[2]), int8(b[3])
	copy(p.RefID[:], b[12:16])
	p.Transmit = timestamp(binary.BigEndian.Uint64(b[40:48]))
	return p, nil
}

// ntpEpoch is 1900-01-01, where NTP's era 0 starts.
var ntpEpoch = time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC)

// timestamp converts a 64-bit NTP timestamp. Seconds below 2^31 are
// taken to be of era 1 (after 2036), as RFC 4330 advises.
func timestamp(v uint64) time.Time {
	if v == 0 {
		return time.Time{}
	}
	sec, frac := v>>32, v&0xffffffff
	t := ntpEpoch.Add(time.Duration(sec) * time.Second)
	if sec < 1<<31 {
		t = t.Add(time.Duration(1<<32) * time.Second)
	}
	return t.Add(time.Duration(frac * 1e9 >> 32))
}

// Looks reports whether b is plausibly an NTP packet of the usual kinds
// (client, server, broadcast, symmetric): a known version and mode and
// a header's length.
func Looks(b []byte) bool {
	p, err := Parse(b)
	return err == nil && p.Mode != 0 && len(b) >= HeaderLen
}
