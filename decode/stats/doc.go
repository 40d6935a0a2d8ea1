// Package stats counts what a capture holds, Wireshark's Statistics menu
// in thingsniff's words: the protocol hierarchy, endpoints (MAC, IPv4,
// IPv6), conversations (by host pair and by flow), DNS names with their
// answers, HTTP hosts and requests, and an I/O series (packets and bytes
// per interval, with the share sent to broadcast and multicast).
//
// A Collector is a decode.Observer: it sees every packet once, in order,
// beside a device.Builder on the same engine (one pass, one cursor: see
// app.BuildStats; the window runs it as a pass of its own and joins the
// device timelines its load built, app.Loaded.Stats). It keeps counters
// only, never packets, and every table it grows has a cap (Options);
// what a cap left out is counted and said in the result's notes. Names
// are not parsed again here: endpoints take their vendor and names, and
// the DNS and HTTP tables their rows, from the device report the builder
// learnt them into (Collector.Result).
//
// Protocol names are those of Wireshark's display filters (eth, ip, tcp,
// dns...), so that a hierarchy reads the same as `tshark -z io,phs`
// (app/cli's TestStatsMatchTshark holds it, the endpoints and the
// conversations to tshark's on every corpus capture, and lists where and
// why they differ). Two differences are by design: an 802.1ad tag is
// "vlan" like an 802.1Q one, and a packet is "http" or "tls" when its
// payload starts a message, where tshark names the packet that completes
// a reassembled one.
package stats
