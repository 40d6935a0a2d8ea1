// Package capture reads and writes packet captures: pcap and pcapng files,
// gzip-compressed captures, pipes and standard input, and (in capture/live)
// live interfaces through a privileged helper. It knows record framing and
// timestamps, never protocols: turning bytes into packets is decode's job.
//
// Packet bytes stay on disk. A Reader walks a capture once and reports, for
// every record, where its bytes lie; a Store re-reads them by offset later.
// Streams that cannot be re-read (gzip, stdin, a pipe from a live helper)
// are spooled to a file as they are read, so offsets always point into a
// file that can be read again.
package capture
