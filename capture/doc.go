// Package capture reads and writes packet captures: pcap and pcapng files,
// gzip-compressed captures, pipes and standard input, and (in capture/live)
// live interfaces through a privileged helper. It knows record framing and
// timestamps, never protocols: turning bytes into packets is decode's job.
//
// Packet bytes stay on disk. Open or OpenStream gives a Capture; every
// reader opens a Cursor of its own on it and moves it by itself, on its own
// goroutine, with its own small read buffer; ReadPacket re-reads one
// packet by offset from any goroutine. Streams that cannot be read twice
// (gzip, stdin, a pipe from a live helper) are copied into a spool file
// as they arrive, and cursors read the spool: at the end of what has
// arrived a cursor says so (ErrPending) instead of waiting. A file of
// known size splits into Pieces that cursors read at once; whoever merges
// them checks that each piece begins where the one before ended
// (Mark.Continues), so that the merge equals one cursor's reading.
// How bytes are read stays inside this package.
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
// an impossible length ends a cursor with a *TruncatedError that says at
// which byte and after how many packets, and every packet before it has
// been delivered; so does a file that became shorter while it was read.
// NewPcapngWriter and NewPcapWriter write captures (Save as, the live
// capture spool).
package capture
