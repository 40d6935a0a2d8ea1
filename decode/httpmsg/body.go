package httpmsg

import (
	"bufio"
	"bytes"
	"compress/flate"
	"compress/gzip"
	"compress/zlib"
	"errors"
	"fmt"
	"io"
	"strings"
)

// decodeBody sets m.Body from the de-chunked body bytes, undoing the
// content codings, with at most limit bytes of output.
func decodeBody(m *Message, raw []byte, limit int64) {
	codings := contentCodings(m.ContentEncoding)
	if len(codings) == 0 {
		m.Body = raw
		return
	}
	out := raw
	for i := len(codings) - 1; i >= 0; i-- {
		dec, truncated, err := decodeCoding(codings[i], out, limit)
		if err != nil && dec == nil {
			m.Body, m.BodyError = out, err.Error()
			return
		}
		out = dec
		if truncated {
			m.BodyTruncated = true
		}
		if err != nil {
			m.BodyError = err.Error()
			if !m.BodyTruncated {
				m.BodyTruncated = true
			}
			break
		}
	}
	m.Body = out
}

func contentCodings(v string) []string {
	var cs []string
	for c := range strings.SplitSeq(v, ",") {
		c = strings.ToLower(strings.TrimSpace(c))
		if c != "" && c != "identity" {
			cs = append(cs, c)
		}
	}
	return cs
}

// decodeCoding undoes one content coding. It returns nil output when the coding
// is unknown or its header is broken, partial output with an error when
// the data ends early or breaks later, and truncated when limit was
// reached.
func decodeCoding(coding string, in []byte, limit int64) (out []byte, truncated bool, err error) {
	var r io.Reader
	switch coding {
	case "gzip", "x-gzip":
		zr, err := gzip.NewReader(bytes.NewReader(in))
		if err != nil {
			return nil, false, fmt.Errorf("undo gzip content coding: %w", err)
		}
		r = zr
	case "deflate":
		// RFC 9110 deflate is zlib-wrapped; some servers send raw deflate.
		if zr, err := zlib.NewReader(bytes.NewReader(in)); err == nil {
			r = zr
		} else {
			r = flate.NewReader(bytes.NewReader(in))
		}
	default:
		return nil, false, fmt.Errorf("undo content coding %q: not supported", coding)
	}
	var buf bytes.Buffer
	n, err := io.Copy(&buf, bufio.NewReader(io.LimitReader(r, limit+1)))
	if n > limit {
		return buf.Bytes()[:limit], true, nil
	}
	if err != nil {
		if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
			return buf.Bytes(), true, fmt.Errorf("undo %s content coding: body ends early", coding)
		}
		return buf.Bytes(), true, fmt.Errorf("undo %s content coding: %w", coding, err)
	}
	return buf.Bytes(), false, nil
}
