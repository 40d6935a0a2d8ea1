// Package ntp reads the header of an NTP packet (RFC 5905): version,
// mode, stratum, reference id and the transmit time, which is what a
// packet list and a device's story need to say "asks 1.pool.ntp.org for
// the time". Parsing never panics and reads only the 48-byte header.
package ntp
