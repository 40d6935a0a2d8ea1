package device

import (
	"fmt"
	"slices"
)

// Caps on the TLS client fingerprints told: per device, and devices
// named per fingerprint.
const (
	maxJA4       = 16
	maxJA4Owners = 64
)

// ja4s lists the distinct JA4 fingerprints of d's TLS clients, in the
// order they were first used (at most maxJA4).
func (d *Device) ja4s() []string {
	var out []string
	for _, e := range d.Events {
		if e.Kind == KindTLS && e.JA4 != "" && !slices.Contains(out, e.JA4) {
			if len(out) == maxJA4 {
				break
			}
			out = append(out, e.JA4)
		}
	}
	return out
}

// sameSoftware tells on each device which other devices show a TLS
// client with the same JA4 fingerprint: the same software (a library, a
// firmware) speaking from several devices. Call it after the devices
// are summed up.
func sameSoftware(devs []*Device) {
	owners := map[string][]string{}
	for _, d := range devs {
		for _, j := range d.Profile.JA4 {
			if len(owners[j]) < maxJA4Owners {
				owners[j] = append(owners[j], d.Key)
			}
		}
	}
	for _, d := range devs {
		for _, j := range d.Profile.JA4 {
			var others []string
			for _, k := range owners[j] {
				if k != d.Key {
					others = append(others, k)
				}
			}
			if len(others) > 0 {
				d.Summary = append(d.Summary, fmt.Sprintf("Its TLS client %s is also seen on %s: the same software.", j, listCap(others, 4)))
			}
		}
	}
}
