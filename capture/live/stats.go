package live

import (
	"fmt"
	"strconv"
	"strings"
)

// Stats are a capture's counters. Received, Dropped and IfDropped are
// libpcap's (pcap_stats): packets that passed the filter, packets the
// kernel dropped because the reader was too slow, packets the interface
// or its driver dropped. Written counts packets written and flushed to
// the output: after a crash the output holds at least that many.
type Stats struct {
	Received  uint64
	Dropped   uint64
	IfDropped uint64
	Written   uint64
	// Final is set on the last line of a capture.
	Final bool
	// end is where the last packet written ends in the output (the
	// headers' end before any): a file cut by a failed write is cut back
	// to it.
	end int64
}

// statsPrefix starts every counter line.
const statsPrefix = "stats "

// FormatStats renders s as one machine-readable line without newline,
// e.g. "stats received=12 dropped=0 ifdropped=0 written=12".
func FormatStats(s Stats) string {
	line := fmt.Sprintf("%sreceived=%d dropped=%d ifdropped=%d written=%d",
		statsPrefix, s.Received, s.Dropped, s.IfDropped, s.Written)
	if s.Final {
		line += " final=1"
	}
	return line
}

// ParseStats parses a line written by FormatStats; ok is false for any
// other line (an error message, a note for a human).
func ParseStats(line string) (s Stats, ok bool) {
	rest, found := strings.CutPrefix(strings.TrimSpace(line), statsPrefix)
	if !found {
		return Stats{}, false
	}
	for _, f := range strings.Fields(rest) {
		k, v, found := strings.Cut(f, "=")
		if !found {
			return Stats{}, false
		}
		n, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			return Stats{}, false
		}
		switch k {
		case "received":
			s.Received = n
		case "dropped":
			s.Dropped = n
		case "ifdropped":
			s.IfDropped = n
		case "written":
			s.Written = n
		case "final":
			s.Final = n != 0
		}
	}
	return s, true
}

// Summary says in one sentence for a person what s counts.
func (s Stats) Summary() string {
	return fmt.Sprintf("%d packets written; %d received by the filter, %d dropped by the kernel, %d dropped by the interface",
		s.Written, s.Received, s.Dropped, s.IfDropped)
}
