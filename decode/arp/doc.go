// Package arp reads ARP packets (the bytes after the link header) and
// says what each is for a device timeline: a request, a reply, an RFC 5227
// probe or announcement, or a gratuitous ARP; and Watch flags an IPv4
// address claimed by two hardware addresses. Parse never panics.
package arp
