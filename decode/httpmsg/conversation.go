package httpmsg

import (
	"fmt"

	"thingsniff/decode/stream"
)

// Conversation parses both directions of one TCP connection. Feed it the
// chunks of a stream.Reassembler in order (its Chunk method is a
// stream.Emit); it hands every message to emit when the message is
// complete, responses linked to their requests. Which side sends requests
// is read from the first bytes of each side ("HTTP/" starts a response),
// so a capture that begins with the server's packets still parses.
type Conversation struct {
	cfg     Config
	emit    func(*Message) error
	sides   [2]side
	pending []*Message
	err     error
}

// NewConversation returns a parser for one connection. emit must not keep
// a message's Body beyond Config.MaxBody expectations; it may keep the
// message itself.
func NewConversation(cfg Config, emit func(*Message) error) *Conversation {
	c := &Conversation{cfg: cfg.withDefaults(), emit: emit}
	c.sides[0] = side{conv: c, dir: stream.ClientToServer}
	c.sides[1] = side{conv: c, dir: stream.ServerToClient}
	return c
}

// Chunk feeds one reassembled chunk.
func (c *Conversation) Chunk(ch stream.Chunk) error {
	if c.err != nil {
		return c.err
	}
	c.sides[ch.Dir&1].feed(ch)
	return c.err
}

// Close hands on what is in progress: a body that runs to the end of the
// stream completes, anything else is marked Incomplete.
func (c *Conversation) Close() error {
	for i := range c.sides {
		if c.err == nil {
			c.sides[i].end()
		}
	}
	return c.err
}

// Stopped says why the parser of a direction gave up (not HTTP, a broken
// chunked body, a protocol switch), or nil while it still parses.
func (c *Conversation) Stopped(d stream.Dir) error { return c.sides[d&1].err }

func (c *Conversation) pushRequest(m *Message) {
	if len(c.pending) >= maxPending {
		c.pending = c.pending[1:]
	}
	c.pending = append(c.pending, m)
}

// pairResponse returns the request a response answers: the oldest one
// waiting. An interim (1xx other than 101) response leaves it waiting.
func (c *Conversation) pairResponse(m *Message) *Message {
	if len(c.pending) == 0 {
		return nil
	}
	req := c.pending[0]
	if m.StatusCode >= 200 || m.StatusCode == 101 {
		c.pending[0] = nil
		c.pending = c.pending[1:]
	}
	return req
}

func (c *Conversation) tunnel() {
	for i := range c.sides {
		s := &c.sides[i]
		if s.st != sDead {
			s.stop(ErrTunnel)
		}
	}
}

func (c *Conversation) out(m *Message) {
	if c.err != nil {
		return
	}
	if err := c.emit(m); err != nil {
		c.err = fmt.Errorf("hand on HTTP message ending at offset %d: %w", m.EndOffset, err)
	}
}
