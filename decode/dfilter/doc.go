// Package dfilter is thingsniff's display filter language: Wireshark's
// field names and syntax (`ip.addr == 10.0.0.0/8 && tcp.port in {80,443}`,
// `dns.qry.name contains "cloud"`, `!arp`), plus thingsniff's own
// `device` and `flow` fields and the short forms of earlier versions
// (`host X`, `port 80`, `flow 12`, `frame 19,21-30`, `rst`, free words).
//
// Compile parses an expression into a Filter or returns an *Error that
// carries the byte offset of the mistake and says what was expected. A
// Matcher evaluates a Filter over one packet at a time. It answers from
// the packet's index entry and flow where it can (protocol, addresses and
// ports of a flow, flags, frame numbers, flow id), decodes the packet's
// headers only when a term needs them, and parses the payload (DNS,
// HTTP, TLS, DHCP, with the decoders of decode's sub-packages) only when
// a term names a payload field. && and || stop early, so a cheap term
// written first spares the dear ones.
//
// Like tshark, an HTTP message (http, http.request, http.host…) is told
// on the packet that completes it (the end of its head, or of its body
// when its length is known), tls is a packet in which a TLS record (or
// an SSLv2-framed hello) ends, and a handshake message (tls.handshake.*)
// is told on the packet where it ends, however many segments and records
// it was split over: a Matcher that meets such terms follows each TCP
// direction of the packets it is shown, in order, with bounded state
// (see heads and records). app/filter_corpus_test.go holds the filters against tshark
// over the corpus and states each difference and its reason.
//
// Comparisons follow Wireshark 4.0: a field may occur several times in a
// packet (ip.addr is the source and the destination); == and the other
// orderings hold when any occurrence satisfies them, != when the field
// is present and no occurrence equals the value. A bare field name tests
// presence (so `tcp.flags.syn` is true of every TCP packet, as in
// Wireshark; write `tcp.flags.syn == 1`).
//
// The short forms are kept where they do not clash with a field: `host`,
// `port`, `mac`, `ether`, `stream`, `packet`, and `ip`, `addr`, `flow`,
// `frame` when a value follows them (`frame 19,21-30`, `ip 10.0.0.1`); a
// bare `ip` or `frame` is Wireshark's presence test. Terms side by side
// are joined by "and" (`tcp port 80`). A word that names no field or
// short form is free text: it matches a packet whose row (source,
// destination, protocol, info) or decoded names (DNS names, HTTP host,
// URI and user agent, TLS server name, DHCP host name and vendor class)
// contain it, ignoring case. A word with a dot whose first part is a
// protocol (`dns.qry.nam`) is taken for a mistyped field and refused.
package dfilter
