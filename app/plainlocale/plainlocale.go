// Package plainlocale keeps Fyne quiet under the C locale.
//
// Fyne reads the user's locale while its packages initialise and logs
// "Error parsing user locale C" on every start when LANG is C or C.UTF-8,
// the default on Debian servers and containers. Imported by main, this
// package initialises first (it depends on nothing of Fyne's), names
// English for that one read, and Restore puts the variables back before
// anything else runs, so child processes see the user's own locale.
package plainlocale

import (
	"os"
	"strings"
)

// saved holds each variable this package changed and its first value.
var saved = map[string]string{}

func init() {
	for _, name := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		v, ok := os.LookupEnv(name)
		if !ok || v == "" {
			continue
		}
		if isPlain(v) {
			saved[name] = v
			os.Setenv(name, "en_US.UTF-8")
		}
		return // the first one set is the one that counts
	}
}

// isPlain reports whether a locale value is C or POSIX, with any encoding.
func isPlain(v string) bool {
	base, _, _ := strings.Cut(v, ".")
	return base == "C" || base == "POSIX"
}

// Restore gives back the values init replaced. It is safe to call twice.
func Restore() {
	for name, v := range saved {
		os.Setenv(name, v)
		delete(saved, name)
	}
}
