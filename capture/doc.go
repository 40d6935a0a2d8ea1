// Package capture reads and writes packet captures: pcap and pcapng files,
// gzip-compressed captures, pipes and standard input, and (in capture/live)
// live interfaces through a privileged helper. It knows record framing and
// timestamps, never protocols: turning bytes into packets is decode's job.
//
// Packet bytes stay on disk. A Capture (Open, OpenStream) walks a capture
// once and reports, for every record, where its bytes lie; a Store re-reads
// them by offset later. Streams that cannot be re-read (gzip, stdin, a pipe
// from a live helper) are spooled to a file as they are read, so offsets
// always point into a file that can be read again. The spool lives until
// both the Capture and its Store are closed.
//
// Formats are told apart by their first bytes, never by the file name:
// pcap (microsecond, nanosecond and Kuznetzov's modified magic, either byte
// order), pcapng (any number of sections in either byte order, interfaces
// of different link types and timestamp resolutions, enhanced, simple and
// obsolete packet blocks), and gzip around either. pcapng blocks that carry
// no packet (name resolution, statistics, decryption secrets, custom
// blocks) are skipped; tshark shows custom blocks as frames, we do not.
// Simple packet blocks have no timestamp and take the previous packet's.
//
// Damage is never a panic or a huge allocation: a record cut short or with
// an impossible length ends the capture with a *TruncatedError that says
// at which byte and after how many packets, and every packet before it has
// been delivered. NewPcapngWriter and NewPcapWriter write captures (Save
// as, the live capture spool).
package capture
