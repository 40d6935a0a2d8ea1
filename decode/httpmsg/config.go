package httpmsg

import "thingsniff/decode/stream"

const (
	// DefaultMaxHead caps a message head (request or status line and
	// headers).
	DefaultMaxHead = 64 << 10
	// DefaultMaxBody caps the body bytes kept per message, before and
	// after decompression.
	DefaultMaxBody = 16 << 20
	// maxPending caps the requests waiting for their responses.
	maxPending = 1024
	// maxChunkLine caps a chunk-size or trailer line.
	maxChunkLine = 4 << 10
)

// Config sets the limits of a Conversation. The zero value uses the
// defaults.
type Config struct {
	// MaxHead caps a message head; a longer one stops the direction.
	MaxHead int
	// MaxBody caps the body bytes kept per message (the encoded bytes and
	// the decoded bytes each); 0 means DefaultMaxBody, < 0 keeps no body
	// (sizes are still counted).
	MaxBody int64
	// MaxResponseBody, when above 0 and below MaxBody, caps the body
	// bytes kept of a response (before decompression); MaxBody still caps
	// the decoded bytes.
	MaxResponseBody int64
	// Budget, when set, caps the body bytes kept by every conversation
	// that shares it, raw and decompressed: a body that does not fit keeps
	// what it has (Message.BodyLimited). A message holds its bytes until
	// Message.Release. ReuseBody is ignored with a budget.
	Budget *stream.Budget
	// ReuseBody lets a direction read the next body into the buffer of
	// the last one: a Message's Body is then valid only while emit has it.
	ReuseBody bool
	// OnBody, when set, receives every body byte as it arrives (transfer
	// coding removed, content coding still applied), so that a body of
	// any size can be streamed to disk while MaxBody stays small. The
	// bytes are only valid during the call; m is the message being read.
	OnBody func(m *Message, p []byte)
	// OnLength, when set, is told when a body whose length the head gave
	// (Content-Length, not chunked) begins: the stream offset of its
	// first byte and its length. A reader that only counts such a body
	// can then be spared its bytes (see stream.Segment.Skip).
	OnLength func(m *Message, dir stream.Dir, offset, length int64)
}

func (c Config) withDefaults() Config {
	if c.MaxHead <= 0 {
		c.MaxHead = DefaultMaxHead
	}
	switch {
	case c.MaxBody == 0:
		c.MaxBody = DefaultMaxBody
	case c.MaxBody < 0:
		c.MaxBody = 0
	}
	return c
}
