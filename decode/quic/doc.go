// Package quic reads what a QUIC connection shows before it is encrypted
// for good (RFC 9000, 9001, 9369): the header of every packet (long or
// short form, version, connection ids), and the client's Initial packets,
// whose protection uses keys anyone can derive from the destination
// connection id. Opening an Initial gives its CRYPTO frames, which carry
// the TLS ClientHello and so the server name (SNI) and ALPN.
//
// A ClientHello may span several Initial packets (with post-quantum key
// shares it usually does, and clients shuffle the frames): a Hello
// gathers the CRYPTO frames of one connection until the ClientHello is
// whole, up to MaxHello bytes. Parsing never panics and stays within its
// input; nothing beyond the Initial packets can be opened.
package quic
