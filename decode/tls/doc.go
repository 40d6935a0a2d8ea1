// Package tls reads the clear-text start of a TLS (or SSL) connection:
// whether a TCP direction speaks TLS at all, and the ClientHello (offered
// versions, server name, ALPN, cipher count, ECH) or ServerHello (chosen
// version) it begins with. Nothing is decrypted.
//
// A hello may span several records and TCP segments, so an Accumulator
// takes the bytes of one direction as they come and says when it has
// enough, up to a cap (64 KiB by default). SSLv2-compatible ClientHellos,
// still sent by old clients, are recognised too. Parsing never panics and
// stays within the input.
package tls
