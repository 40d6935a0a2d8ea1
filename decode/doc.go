// Package decode turns packet bytes into what thingsniff shows: a compact
// index entry per packet, bidirectional flows with who-closed-it answers,
// one-line summaries and detail trees, and (in its sub-packages) protocol
// events and device timelines.
//
// It never reads files and never touches the window: callers hand it bytes
// and a link type. The hot path (Engine.Add) decodes with a
// gopacket.DecodingLayerParser over preallocated layers and allocates
// nothing per packet; full decoding happens only for the packet on screen.
package decode
