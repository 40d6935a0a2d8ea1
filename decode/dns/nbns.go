package dns

import (
	"errors"
	"fmt"
	"strings"
)

// ErrNetBIOSName is returned, wrapped, for a name that is not a
// first-level encoded NetBIOS name.
var ErrNetBIOSName = errors.New("not a first-level encoded NetBIOS name")

// NetBIOSName decodes the first label of an NBNS name ("FHEPFCELEHFCEPFFFACACACACACACAAA"
// or "FHEPFC...AA.workgroup"): 32 letters 'A'-'P', each a half byte, give
// 16 bytes, the 15-character name padded with spaces and a suffix byte
// (0x00 workstation, 0x20 file server, 0x1d master browser, ...). The name
// is returned with its padding trimmed; a scope after the first dot is
// ignored.
func NetBIOSName(encoded string) (name string, suffix byte, err error) {
	label, _, _ := strings.Cut(encoded, ".")
	if len(label) != 32 {
		return "", 0, fmt.Errorf("netbios name %q: %d letters, want 32: %w", label, len(label), ErrNetBIOSName)
	}
	var raw [16]byte
	for i := range raw {
		hi, lo := label[2*i]-'A', label[2*i+1]-'A'
		if hi > 15 || lo > 15 {
			return "", 0, fmt.Errorf("netbios name %q: letter outside A-P at %d: %w", label, 2*i, ErrNetBIOSName)
		}
		raw[i] = hi<<4 | lo
	}
	n := 15
	for n > 0 && (raw[n-1] == ' ' || raw[n-1] == 0) {
		n--
	}
	b := appendLabel(make([]byte, 0, n), raw[:n])
	return string(b), raw[15], nil
}
