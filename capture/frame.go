package capture

import (
	"fmt"

	"github.com/gopacket/gopacket/layers"
)

// Frame is one packet record as a Capture found it.
type Frame struct {
	// Offset is where the packet bytes start in the Store's byte space.
	Offset int64
	// Time is the capture time in nanoseconds since the Unix epoch.
	Time int64
	// CapLen is the number of bytes captured; OrigLen the length on the wire.
	CapLen, OrigLen uint32
	// Iface indexes Capture.Interfaces (always 0 for pcap).
	Iface uint16
	// Data holds the captured bytes. It is valid only until the next call
	// to Capture.Next; copy it to keep it.
	Data []byte
}

// Interface describes one capture interface: pcap has exactly one, pcapng
// one per Interface Description Block across all sections.
type Interface struct {
	LinkType layers.LinkType
	Name     string
	Snaplen  uint32
	// FCSLen is the number of frame check sequence bytes at the end of
	// every packet when the file says so (the FCS bits of a pcap link
	// type, pcapng's if_fcslen); 0 when absent or unknown.
	FCSLen uint8
}

// TruncatedError reports a capture that ends or breaks inside a record (cut
// short, or a record header that makes no sense). Every packet before
// Offset was delivered.
type TruncatedError struct {
	// Offset is the byte offset where the damaged or incomplete record starts.
	Offset int64
	// Packets is the number of packets delivered before the cut.
	Packets int
	// Reason says what was wrong ("record header cut short", ...).
	Reason string
}

func (e *TruncatedError) Error() string {
	return fmt.Sprintf("capture stops at byte %d after packet %d: %s", e.Offset, e.Packets, e.Reason)
}
