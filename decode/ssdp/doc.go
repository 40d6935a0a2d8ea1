// Package ssdp reads the announcements with which devices name themselves
// on a LAN: SSDP (UPnP discovery over UDP 1900: NOTIFY, M-SEARCH and the
// HTTP 200 answers to a search) and multicast DNS service discovery
// (instance names, host names with their addresses, model keys in TXT
// records), with a guess at the product from an SSDP SERVER header.
//
// Parse never panics and reads at most MaxHeaders header lines.
package ssdp
