package stream

// DirStats counts what happened in one direction.
type DirStats struct {
	// Segments is the number of segments seen.
	Segments int
	// Bytes is the number of bytes delivered.
	Bytes int64
	// Duplicate is the number of received bytes dropped because they were
	// already delivered (retransmissions and overlaps).
	Duplicate int64
	// Gaps and GapBytes count the gap chunks and their missing bytes.
	Gaps     int
	GapBytes int64
	// GivenUpBytes is the part of GapBytes skipped because of the caps.
	GivenUpBytes int64
	// Conflicts counts overlaps whose bytes differed.
	Conflicts int
	// FIN and RST say whether the direction sent them, and in which
	// packet first.
	FIN, RST             bool
	FINPacket, RSTPacket uint64
}
