package decode

import (
	"bytes"
	"strconv"
	"strings"
)

// httpMediaSuffix returns what Wireshark appends to an HTTP message's line
// once it has read the body: two spaces and the media type in brackets
// ("  (text/html)"), lowercased and without its parameters. It is empty
// when this packet does not hold the whole header and the start of a
// body, and for the media Wireshark hands to a protocol of
// its own (XML, JSON, images), whose rows it names differently.
func httpMediaSuffix(payload []byte) string {
	end := bytes.Index(payload, []byte("\r\n\r\n"))
	if end < 0 {
		return ""
	}
	var media string
	length, chunked := -1, false
	for line := range strings.SplitSeq(string(payload[:end]), "\r\n") {
		name, value, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		value = strings.TrimSpace(value)
		switch strings.ToLower(strings.TrimSpace(name)) {
		case "content-type":
			media, _, _ = strings.Cut(value, ";")
			media = strings.ToLower(strings.TrimSpace(media))
		case "content-length":
			if n, err := strconv.Atoi(value); err == nil {
				length = n
			}
		case "transfer-encoding":
			chunked = strings.Contains(strings.ToLower(value), "chunked")
		}
	}
	// Bytes after the header: a body whose start was captured. (A header
	// alone, its body lost or cut by the snap length, shows no type.)
	body := end+4 < len(payload) && (length != 0 || chunked)
	if media == "" || !body || ownDissector(media) {
		return ""
	}
	return "  (" + media + ")"
}

// ownDissector reports whether Wireshark names a body of this media type
// by a protocol of its own rather than by its type (octet streams go to
// its Data dissector, which says nothing in the Info column).
func ownDissector(media string) bool {
	return strings.HasPrefix(media, "image/") || media == "application/octet-stream" ||
		strings.Contains(media, "xml") || strings.Contains(media, "json")
}
