package httpmsg

import (
	"net/url"
	"path"
	"strings"
)

// Object is one body worth exporting, as in Wireshark's Export Objects.
type Object struct {
	// Packet is the packet that completed the message.
	Packet uint64
	// Host and Path name where it came from (the request's, for a
	// response).
	Host, Path string
	// ContentType is the media type without parameters.
	ContentType string
	// Size is the number of bytes in Body.
	Size int64
	// Name is the suggested file name, already sanitised: the
	// Content-Disposition filename, else the last element of the path.
	Name string
	// Message is the message carrying the object.
	Message *Message
}

// ObjectOf describes the object in m, or reports false when m has no body.
func ObjectOf(m *Message) (Object, bool) {
	if len(m.Body) == 0 {
		return Object{}, false
	}
	o := Object{Packet: m.LastPacket(), Size: int64(len(m.Body)), Message: m}
	o.Host, o.Path = m.Host, m.Path
	if req := m.Request; req != nil {
		o.Host, o.Path = req.Host, req.Path
	}
	o.ContentType, _, _ = strings.Cut(m.ContentType, ";")
	o.ContentType = strings.ToLower(strings.TrimSpace(o.ContentType))
	name := m.DispositionName
	if name == "" {
		p := o.Path
		if u, err := url.PathUnescape(p); err == nil {
			p = u
		}
		p = strings.ReplaceAll(p, "\\", "/")
		name = path.Base(p)
		if name == "/" || name == "." {
			name = ""
		}
	}
	if name == "" {
		name = "index" + extensionFor(o.ContentType)
	}
	o.Name = SanitizeName(name)
	return o, true
}

// extensionFor maps a few common media types to a file extension, without
// asking the system's MIME database (which differs between machines).
func extensionFor(ct string) string {
	switch ct {
	case "text/html":
		return ".html"
	case "text/plain":
		return ".txt"
	case "text/css":
		return ".css"
	case "application/javascript", "text/javascript":
		return ".js"
	case "application/json":
		return ".json"
	case "application/xml", "text/xml":
		return ".xml"
	case "image/jpeg":
		return ".jpg"
	case "image/png":
		return ".png"
	case "image/gif":
		return ".gif"
	case "image/svg+xml":
		return ".svg"
	}
	return ".bin"
}
