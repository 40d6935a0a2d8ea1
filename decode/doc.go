// Package decode turns packet bytes into what thingsniff shows: a compact
// index entry per packet, bidirectional flows with who-closed-it answers,
// one-line summaries and detail trees, and (in its sub-packages) protocol
// events and device timelines.
//
// It never reads files and never touches the window: callers hand it bytes
// and a link type. A Parser decodes one packet with a
// gopacket.DecodingLayerParser over preallocated layers and allocates
// nothing per packet; full decoding happens only for the packet on screen.
// An Engine numbers packets, joins IP fragments and tracks flows, in
// capture order: Add decodes and tracks, and AddPacked tracks a packet
// that a Parser on another goroutine decoded and packed (a Packed holds no
// pointers), so that several goroutines decode one capture at once and
// the flows come out as one Engine reading it alone would make them.
package decode
