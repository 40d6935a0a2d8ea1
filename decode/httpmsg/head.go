package httpmsg

import (
	"bytes"
	"errors"
	"mime"
	"net/url"
	"strconv"
	"strings"
)

var errNotHTTP = errors.New("not HTTP")

// isToken reports whether s is an RFC 9110 token (method, header name).
func isToken[T string | []byte](s T) bool {
	if len(s) == 0 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c <= ' ' || c >= 0x7f || strings.IndexByte("\"(),/:;<=>?@[\\]{}", c) >= 0 {
			return false
		}
	}
	return true
}

// plausibleStart reports whether p could begin a message of the side:
// false means the bytes are not HTTP. It is asked before a whole head has
// arrived, so that a binary stream is given up after a few bytes.
func plausibleStart(p []byte, request bool) bool {
	if !request {
		const v = "HTTP/"
		n := min(len(p), len(v))
		return string(p[:n]) == v[:n]
	}
	sp := bytes.IndexAny(p, " \t\r\n")
	if sp < 0 {
		return len(p) <= maxMethod && isToken(p)
	}
	return sp <= maxMethod && isToken(p[:sp])
}

const maxMethod = 32

// parseHead fills m from a complete head (request or status line, header
// lines, without the empty line). The head becomes one string and every
// field a piece of it: one allocation for the head instead of two per
// header.
func parseHead(m *Message, head []byte, request bool) error {
	if len(head) == 0 {
		return errNotHTTP
	}
	hs := string(head)
	first, rest := nextLine(hs)
	var err error
	if request {
		err = parseRequestLine(m, first)
	} else {
		err = parseStatusLine(m, first)
	}
	if err != nil {
		return err
	}
	m.ContentLength = -1
	m.Headers = make([]Header, 0, strings.Count(rest, "\n")+1)
	for rest != "" {
		var l string
		l, rest = nextLine(rest)
		if len(l) > 0 && (l[0] == ' ' || l[0] == '\t') && len(m.Headers) > 0 {
			// obsolete line folding: continue the previous value
			h := &m.Headers[len(m.Headers)-1]
			h.Value = strings.TrimSpace(h.Value + " " + strings.TrimSpace(l))
			continue
		}
		colon := strings.IndexByte(l, ':')
		if colon <= 0 {
			continue // tolerate a broken line
		}
		name := strings.TrimRight(l[:colon], " \t")
		m.Headers = append(m.Headers, Header{Name: name, Value: strings.TrimSpace(l[colon+1:])})
	}
	for _, h := range m.Headers {
		applyHeader(m, h)
	}
	if m.ContentLength == -2 {
		m.ContentLength, m.badLength = -1, true
	}
	return nil
}

// nextLine splits s after its first line, which it returns without its
// line end.
func nextLine(s string) (line, rest string) {
	line, rest, _ = strings.Cut(s, "\n")
	return strings.TrimSuffix(line, "\r"), rest
}

// parseRequestLine reads "METHOD URI HTTP/x.y". Like tshark it also takes
// a line without version or URI ("GET /HTTP/1.1", "OPTIONS"), but then only
// with an upper-case method, so that text is not mistaken for a request.
func parseRequestLine(m *Message, l string) error {
	var f [3]string
	n := 0
	for w := range strings.FieldsSeq(l) {
		if n == len(f) {
			return errNotHTTP
		}
		f[n] = w
		n++
	}
	if n == 0 || !isToken(f[0]) || len(f[0]) > maxMethod {
		return errNotHTTP
	}
	switch {
	case n == 3 && strings.HasPrefix(f[2], "HTTP/"):
		m.Version = f[2]
	case n < 3 && upperMethod(f[0]):
	default:
		return errNotHTTP
	}
	m.IsRequest = true
	m.Method = f[0]
	m.URI = f[1]
	m.Path, m.Query = splitURI(m.URI)
	return nil
}

func upperMethod(b string) bool {
	for _, c := range b {
		if (c < 'A' || c > 'Z') && c != '_' && c != '-' {
			return false
		}
	}
	return true
}

func parseStatusLine(m *Message, s string) error {
	if !strings.HasPrefix(s, "HTTP/") {
		return errNotHTTP
	}
	ver, rest, _ := strings.Cut(s, " ")
	rest = strings.TrimLeft(rest, " ")
	code, reason, _ := strings.Cut(rest, " ")
	n, err := strconv.Atoi(code)
	if err != nil || len(code) != 3 || n < 100 {
		return errNotHTTP
	}
	m.Version, m.StatusCode, m.Reason = ver, n, strings.TrimSpace(reason)
	return nil
}

// splitURI returns the path and the decoded query pairs of a request
// target, which may be absolute ("http://host/p?q").
func splitURI(uri string) (string, []Param) {
	if i := strings.IndexByte(uri, '#'); i >= 0 {
		uri = uri[:i]
	}
	p, q, hasQ := strings.Cut(uri, "?")
	if i := strings.Index(p, "://"); i >= 0 && !strings.HasPrefix(p, "/") {
		rest := p[i+3:]
		if j := strings.IndexByte(rest, '/'); j >= 0 {
			p = rest[j:]
		} else {
			p = "/"
		}
	}
	if !hasQ {
		return p, nil
	}
	return p, ParseQuery(q)
}

// ParseQuery splits a query string into ordered, URL-decoded pairs. A
// value that does not decode is kept as sent.
func ParseQuery(q string) []Param {
	var ps []Param
	for part := range strings.SplitSeq(q, "&") {
		if part == "" {
			continue
		}
		k, v, _ := strings.Cut(part, "=")
		ps = append(ps, Param{Name: unescape(k), Value: unescape(v)})
	}
	return ps
}

func unescape(s string) string {
	if u, err := url.QueryUnescape(s); err == nil {
		return u
	}
	return s
}

func applyHeader(m *Message, h Header) {
	v := h.Value
	var buf [24]byte
	if len(h.Name) > len(buf) {
		return // no header this reads has so long a name
	}
	name := buf[:len(h.Name)]
	for i := 0; i < len(h.Name); i++ {
		c := h.Name[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		name[i] = c
	}
	switch string(name) {
	case "host":
		if m.Host == "" {
			m.Host = v
		}
	case "user-agent":
		if m.UserAgent == "" {
			m.UserAgent = v
		}
	case "cookie":
		m.Cookies = append(m.Cookies, parseCookies(v)...)
	case "set-cookie":
		m.SetCookies = append(m.SetCookies, ParseSetCookie(v))
	case "content-type":
		if m.ContentType == "" {
			m.ContentType = v
		}
	case "content-length":
		n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
		switch {
		case err != nil || n < 0:
			m.ContentLength = -2 // invalid: the body length is unknown
		case m.ContentLength == -1:
			m.ContentLength = n
		case m.ContentLength != n:
			m.ContentLength = -2
		}
	case "content-encoding":
		if m.ContentEncoding == "" {
			m.ContentEncoding = v
		} else {
			m.ContentEncoding += ", " + v
		}
	case "transfer-encoding":
		if m.TransferEncoding == "" {
			m.TransferEncoding = v
		} else {
			m.TransferEncoding += ", " + v
		}
		codings := strings.Split(m.TransferEncoding, ",")
		m.Chunked = strings.EqualFold(strings.TrimSpace(codings[len(codings)-1]), "chunked")
	case "date":
		if t, ok := ParseDate(v); ok && m.Date.IsZero() {
			m.Date = t
		}
	case "content-disposition":
		if m.ContentDisposition == "" {
			m.ContentDisposition = v
			m.DispositionName = dispositionName(v)
		}
	}
}

func parseCookies(v string) []Param {
	var ps []Param
	for part := range strings.SplitSeq(v, ";") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		k, val, _ := strings.Cut(part, "=")
		ps = append(ps, Param{Name: strings.TrimSpace(k), Value: strings.TrimSpace(val)})
	}
	return ps
}

// dispositionName returns the filename of a Content-Disposition value,
// also when the value is too broken for mime.ParseMediaType.
func dispositionName(v string) string {
	if _, params, err := mime.ParseMediaType(v); err == nil {
		return params["filename"]
	}
	for part := range strings.SplitSeq(v, ";") {
		k, val, ok := strings.Cut(strings.TrimSpace(part), "=")
		if ok && strings.EqualFold(strings.TrimSpace(k), "filename") {
			return strings.Trim(strings.TrimSpace(val), `"`)
		}
	}
	return ""
}
