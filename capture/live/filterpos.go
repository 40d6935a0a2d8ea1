package live

import (
	"regexp"
	"strings"

	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcap"
)

// quoted finds the token libpcap names in messages such as
// "unknown host 'foo'" or "illegal port number 99999 > 65535".
var quoted = regexp.MustCompile(`'([^']+)'|number (\S+)`)

// filterWord is one whitespace-separated word of a filter and where it starts.
type filterWord struct {
	text  string
	start int
}

func filterWords(filter string) []filterWord {
	var out []filterWord
	start := -1
	for i := 0; i <= len(filter); i++ {
		blank := i == len(filter) || filter[i] == ' ' || filter[i] == '\t'
		switch {
		case !blank && start < 0:
			start = i
		case blank && start >= 0:
			out = append(out, filterWord{filter[start:i], start})
			start = -1
		}
	}
	return out
}

// locateFilterError finds where libpcap's complaint about filter lies:
// the byte offset and the word there, or -1 when the filter ends too
// early. libpcap says only "syntax error" for a parse failure, so the
// place is the first word after which no ending we try makes the filter
// whole again, which is where its parser gave up.
func locateFilterError(filter, message string, link layers.LinkType) (pos int, near string) {
	words := filterWords(filter)
	if m := quoted.FindStringSubmatch(message); m != nil {
		tok := m[1] + m[2]
		for _, w := range words {
			if strings.Contains(w.text, tok) {
				return w.start + strings.Index(w.text, tok), tok
			}
		}
	}
	for k := 1; k <= len(words); k++ {
		prefix := filter[:words[k-1].start+len(words[k-1].text)]
		if !viable(prefix, link) {
			return words[k-1].start, words[k-1].text
		}
	}
	return -1, ""
}

// endings complete the usual unfinished filters: a missing port, host,
// protocol or number, or a comparison.
var endings = []string{"", " 80", " 192.0.2.1", " host 192.0.2.1", " tcp", " 0", " = 0", " ] = 0", " 00:00:5e:00:53:01", " and tcp", " 192.0.2.0/24"}

// viable reports whether some ending (with the parentheses closed) makes
// prefix a filter libpcap accepts.
func viable(prefix string, link layers.LinkType) bool {
	closing := strings.Repeat(")", max(0, strings.Count(prefix, "(")-strings.Count(prefix, ")")))
	for _, end := range endings {
		if _, err := pcap.CompileBPFFilter(link, 256, prefix+end+closing); err == nil {
			return true
		}
	}
	return false
}
