// Package dns parses DNS messages as they appear on UDP and TCP port 53,
// multicast DNS (5353), LLMNR (5355) and NetBIOS name service (137): the
// header, questions, and resource records with typed data for the common
// types (A, AAAA, CNAME, PTR, NS, MX, TXT, SRV, SOA, HINFO, OPT) and raw
// bytes for the rest.
//
// The input is hostile: names are decompressed with a bound on pointer
// hops and on the decoded length (255 bytes), labels over 63 bytes are
// refused, and every count is checked against the bytes present, so work
// and allocation are bounded by the input size. Parse never panics; on
// malformed input it returns what it read and an error saying where the
// message went wrong.
package dns
