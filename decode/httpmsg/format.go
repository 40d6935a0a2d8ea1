package httpmsg

import (
	"bufio"
	"fmt"
	"io"
	"strings"
	"thingsniff/decode"
	"unicode/utf8"
)

// IsText reports whether a body is worth showing as text: a textual media
// type, or valid UTF-8 without control characters when the type says
// nothing.
func IsText(contentType string, body []byte) bool {
	ct, _, _ := strings.Cut(strings.ToLower(contentType), ";")
	ct = strings.TrimSpace(ct)
	switch {
	case strings.HasPrefix(ct, "text/"), strings.HasSuffix(ct, "+json"), strings.HasSuffix(ct, "+xml"):
		return true
	case ct == "application/json", ct == "application/xml", ct == "application/javascript",
		ct == "application/x-www-form-urlencoded", ct == "application/x-javascript":
		return true
	case ct != "" && ct != "application/octet-stream":
		return false
	}
	if !utf8.Valid(body) {
		return false
	}
	for _, c := range body {
		if c < 0x20 && c != '\t' && c != '\r' && c != '\n' {
			return false
		}
	}
	return true
}

// WriteMessage writes m as text: a line naming it with its packets, the
// start line, the headers, an empty line and the decoded body when it is
// text (at most maxBody bytes), or a note of its size and type otherwise.
func WriteMessage(w io.Writer, m *Message, maxBody int) error {
	bw := bufio.NewWriter(w)
	kind := "response"
	if m.IsRequest {
		kind = "request"
	}
	fmt.Fprintf(bw, "--- %s %d, %s", kind, m.Index+1, m.PacketSpan("-"))
	if m.Incomplete {
		bw.WriteString(", incomplete")
	}
	bw.WriteString(" ---\n")
	// What the capture holds is escaped where a terminal would act on it.
	p := decode.Printable
	if m.IsRequest {
		fmt.Fprintf(bw, "%s %s %s\n", p(m.Method), p(m.URI), p(m.Version))
	} else {
		fmt.Fprintf(bw, "%s %d %s\n", p(m.Version), m.StatusCode, p(m.Reason))
	}
	for _, h := range m.Headers {
		fmt.Fprintf(bw, "%s: %s\n", p(h.Name), p(h.Value))
	}
	bw.WriteString("\n")
	body := m.Body
	switch {
	case len(body) == 0 && m.BodySize == 0:
	case IsText(m.ContentType, body):
		if len(body) > maxBody {
			body = body[:maxBody]
		}
		bw.WriteString(decode.PrintableText(string(body)))
		if len(body) > 0 && body[len(body)-1] != '\n' {
			bw.WriteString("\n")
		}
		if len(body) < len(m.Body) || m.BodyTruncated {
			fmt.Fprintf(bw, "[body cut: %d of %d bytes shown]\n", len(body), max(int64(len(m.Body)), m.BodySize))
		}
	default:
		ct := m.ContentType
		if ct == "" {
			ct = "unknown type"
		}
		if m.BodyTruncated {
			fmt.Fprintf(bw, "[%d bytes of %s kept: the body was cut there, %d bytes on the wire]\n", len(body), p(ct), m.BodySize)
		} else {
			fmt.Fprintf(bw, "[%d bytes of %s]\n", len(body), p(ct))
		}
	}
	if m.BodyMissing > 0 {
		fmt.Fprintf(bw, "[%d body bytes missing in capture]\n", m.BodyMissing)
	}
	if m.BodyError != "" {
		fmt.Fprintf(bw, "[%s]\n", m.BodyError)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write HTTP message: %w", err)
	}
	return nil
}
