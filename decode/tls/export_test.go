package tls

// The program reads none of these; the tests use them to say what an
// Accumulator saw.

// String returns "need more", "done" or "not TLS".
func (s Status) String() string {
	switch s {
	case NeedMore:
		return "need more"
	case Done:
		return "done"
	}
	return "not TLS"
}

// Status returns the current state.
func (a *Accumulator) Status() Status { return a.status }

// Err returns why the state is NotTLS.
func (a *Accumulator) Err() error { return a.err }

// ContentType returns the type of the first record (22 for handshake).
func (a *Accumulator) ContentType() uint8 { return a.content }

// RecordVersion returns the version of the first record.
func (a *Accumulator) RecordVersion() Version { return a.version }

// Records returns how many records the first handshake message took.
func (a *Accumulator) Records() int { return a.records }
