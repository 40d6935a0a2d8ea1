// Package synth generates the project's own packet captures: Story writes the
// small demo capture of a "thing" phoning home on a Windows ICS LAN (embedded
// in assets/), and Mix writes large realistic captures for scale tests and
// benchmarks.
//
// Everything is deterministic: the same options give the same bytes, and no
// timestamp comes from the wall clock. Frames are full Ethernet frames with
// correct lengths and checksums, and every TCP connection is consistent
// (sequence and acknowledgement numbers add up, retransmissions repeat bytes
// already sent, out-of-order segments are filled in), so that flow and
// reassembly tests can rely on them.
package synth
