package stream

// Dir is the direction of a segment or chunk within its flow.
type Dir uint8

const (
	// ClientToServer is the direction of the flow's first packet
	// (tshark's "Node 0").
	ClientToServer Dir = 0
	// ServerToClient is the reverse direction (tshark's "Node 1").
	ServerToClient Dir = 1
)

// String names the direction for messages and tests.
func (d Dir) String() string {
	if d == ClientToServer {
		return "client"
	}
	return "server"
}

// Flags are the TCP control bits the reassembler cares about.
type Flags uint8

const (
	// SYN marks a segment that carries the initial sequence number; its
	// payload (TCP Fast Open) starts one past it.
	SYN Flags = 1 << iota
	// FIN marks the sender's last byte.
	FIN
	// RST aborts the connection.
	RST
	// ACK says that Segment.Ack is valid.
	ACK
)

// MaxSegment is the most bytes one segment stands for in the stream:
// a longer WireLen or Skip is taken as this long.
const MaxSegment = 1 << 20

// Segment is one TCP segment of a flow, as decoded by the caller.
type Segment struct {
	// Dir is the segment's direction.
	Dir Dir
	// Seq and Ack are the raw 32-bit sequence and acknowledgement numbers.
	Seq, Ack uint32
	// Flags holds SYN, FIN, RST and ACK.
	Flags Flags
	// Payload is the captured TCP payload. The reassembler copies what it
	// must keep, so the caller may reuse the buffer after Add returns.
	Payload []byte
	// WireLen is the payload length on the wire when the capture cut it
	// short (snap length); 0 or anything below len(Payload) means
	// len(Payload).
	WireLen int
	// Skip is the length of a payload the caller left out on purpose
	// (Payload is then empty): the bytes were there, but the consumer
	// does not want them. They are handed on in their place as a gap, in
	// stream order like data.
	Skip int
	// Packet is the frame number of the segment (1-based as in tshark).
	Packet uint64
}

// Chunk is one piece of reassembled output, handed to the consumer in the
// order the capture completed it.
//
// A data chunk has Data set. A gap chunk has Data nil and Gap > 0: that many
// bytes are missing at Offset. A chunk with Data nil, Gap 0 and Conflict set
// reports a retransmission of already delivered bytes whose content
// differed; the first copy was kept and nothing new is delivered. A chunk
// with FIN or RST set and no data marks the end of the direction: FIN once
// the stream has reached the FIN's position, RST when it is seen.
type Chunk struct {
	// Dir is the direction of the bytes.
	Dir Dir
	// Data holds the bytes. It is only valid during the callback: copy it
	// to keep it.
	Data []byte
	// Offset is the position of the chunk's first byte in its direction's
	// stream, counting from the first byte after the SYN (or the first
	// sequence number seen when there was no SYN).
	Offset int64
	// Gap is the number of missing bytes for a gap chunk.
	Gap int64
	// GivenUp says the gap was forced by the memory caps, not by loss
	// acknowledged by the receiver or by the end of the capture.
	GivenUp bool
	// Truncated says the gap starts where a segment cut short by the
	// capture's snap length ended: those bytes were sent, just not kept.
	Truncated bool
	// Conflict says an overlapping copy of some of these bytes had
	// different content; the first copy won.
	Conflict bool
	// FIN and RST mark the end of the direction (see above).
	FIN, RST bool
	// FirstPacket and LastPacket are the frame numbers of the segments the
	// chunk came from (for a gap, the packet that made it known).
	FirstPacket, LastPacket uint64
}

// Emit receives chunks in order. An error stops the reassembler: Add and
// Close then return it.
type Emit func(Chunk) error
