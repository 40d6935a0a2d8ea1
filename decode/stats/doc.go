// Package stats counts what a capture holds, Wireshark's Statistics menu
// in thingsniff's words: the protocol hierarchy, endpoints (MAC, IPv4,
// IPv6), conversations (by host pair and by flow), DNS names with their
// answers, HTTP hosts and requests, and an I/O series (packets and bytes
// per interval, with the share sent to broadcast and multicast).
//
// A Collector is a decode.Observer: it sees every packet once, in order,
// beside a device.Builder on the same engine (one pass, one cursor: see
// app.BuildStats). It keeps counters only, never packets, and every table
// it grows has a cap (Options); what a cap left out is counted and said in
// the result's notes. Names are not parsed again here: endpoints take
// their vendor and names, and the DNS and HTTP tables their rows, from the
// device report the builder learnt them into (Result.Join).
//
// Protocol names are those of Wireshark's display filters (eth, ip, tcp,
// dns...), so that a hierarchy reads the same as `tshark -z io,phs`.
package stats
