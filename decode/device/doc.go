// Package device builds the story of each device in a capture: who it is
// (MAC, vendor, names, addresses), what it did (DHCP, ARP, DNS, HTTP, TLS
// and connection events in time order, linked to each other), and what is
// worth a look (findings: identifying values in clear text, expired
// cookies, clock skew, ARP conflicts, broadcast floods, a device that went
// quiet, connections the server closed).
//
// A Builder is a decode.Observer: it sees every packet once, in order,
// and keeps only small per-device and per-flow state; HTTP is reassembled
// only on flows that carry it. The window runs it as a stage of its own:
// a goroutine with its own capture cursor and its own decode.Engine.
package device
