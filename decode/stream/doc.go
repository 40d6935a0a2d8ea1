// Package stream puts the TCP segments of one flow back into the two byte
// streams the endpoints saw, and writes them in the follow formats (ASCII,
// hex dump, raw) that the CLI and the window show.
//
// The reassembler is purpose-built rather than gopacket's reassembly: its
// output must match tshark's "follow tcp" byte for byte, every skipped byte
// must be reported as a marked gap with its length, and buffered
// out-of-order data is capped per flow and across flows (see Budget) so a
// hostile capture cannot exhaust memory. Output is streamed through a
// callback, chunk by chunk, so a stream of any size is followed in bounded
// memory.
package stream
