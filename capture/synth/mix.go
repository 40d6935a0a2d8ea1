package synth

import (
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"time"

	"github.com/gopacket/gopacket"
)

// Options shape a synthetic capture for scale tests.
type Options struct {
	// Packets is how many packets the capture holds, exactly.
	Packets int
	// Seed makes the capture: the same seed gives the same bytes.
	Seed int64
	// Start is when the capture begins (the first packet follows within
	// a millisecond); the zero time means DemoStart.
	Start time.Time
	// Format is FormatPcapng (also when empty) or FormatPcap.
	Format string
}

// slots is how many conversations are under way at once; their frames
// interleave as on a busy LAN.
const slots = 48

// meanGap is the mean time between two frames of a mix.
const meanGap = 120 * time.Microsecond

// Mix writes a realistic mix of o.Packets packets to w: 60 hosts on a LAN
// behind a gateway, HTTP and TLS connections to named sites, bulk transfers
// in full-size frames with retransmissions and out-of-order segments,
// connections closed by FIN from either side or by RST, DNS, DHCP, ARP,
// mDNS and SSDP announcements, multicast streams and pings. Frames average
// about 900 bytes, so a million packets make about 900 MB. Every
// conversation that starts also ends within the capture.
func Mix(w io.Writer, o Options) error {
	if o.Packets < 0 {
		return fmt.Errorf("mix of %d packets: the count must not be negative", o.Packets)
	}
	pw, err := newWriter(w, o.Format)
	if err != nil {
		return fmt.Errorf("write mix: %w", err)
	}
	if o.Start.IsZero() {
		o.Start = DemoStart()
	}
	r := rand.New(rand.NewPCG(uint64(o.Seed), 0x6d6978))
	wd, err := newWorld(r)
	if err != nil {
		return fmt.Errorf("write mix: %w", err)
	}
	p := &planner{w: wd, r: r, start: o.Start}
	m := mixer{p: p, pw: pw, frame: make([]byte, 0, 2048), budget: o.Packets}
	if err := m.run(o.Packets); err != nil {
		return fmt.Errorf("write mix: %w", err)
	}
	if err := pw.Flush(); err != nil {
		return fmt.Errorf("write mix: flush: %w", err)
	}
	return nil
}

// WriteMixFile writes a Mix to a new file at path.
func WriteMixFile(path string, o Options) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("write mix: %w", err)
	}
	if err := Mix(f, o); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("write mix: %w", err)
	}
	return nil
}

// mixer interleaves the conversations of the slots.
type mixer struct {
	p      *planner
	pw     packetWriter
	frame  []byte
	convs  [slots]conv
	budget int // packets not yet written nor planned
	now    time.Duration
}

func (m *mixer) run(total int) error {
	weights := kindWeights()
	sumW := 0
	for _, w := range weights {
		sumW += w
	}
	r := m.p.r
	for written := 0; written < total; written++ {
		m.now += time.Duration(r.ExpFloat64() * float64(meanGap))
		i := r.IntN(slots)
		c := &m.convs[i]
		if c.remaining() == 0 {
			if m.budget > 0 {
				m.start(c, r.IntN(sumW), &weights)
			} else {
				// Nothing new may start: finish the conversations under way.
				for j := 1; c.remaining() == 0 && j < slots; j++ {
					c = &m.convs[(i+j)%slots]
				}
			}
		}
		o := &c.ops[c.pos]
		c.pos++
		m.frame = render(m.frame, c, o)
		ci := gopacket.CaptureInfo{Timestamp: m.p.start.Add(m.now), CaptureLength: len(m.frame), Length: len(m.frame)}
		if err := m.pw.WritePacket(ci, m.frame); err != nil {
			return fmt.Errorf("packet %d: %w", written+1, err)
		}
	}
	return nil
}

// start plans a conversation of the kind pick falls on; one too long for
// the packets left is replaced by a one-frame announcement or datagram, so
// that the capture ends with every conversation complete.
func (m *mixer) start(c *conv, pick int, weights *[cvKinds]int) {
	kind := 0
	for ; pick >= weights[kind]; kind++ {
		pick -= weights[kind]
	}
	m.p.plan(c, kind, m.now)
	if len(c.ops) > m.budget {
		m.p.plan(c, cvAnnounce, m.now)
	}
	m.budget -= len(c.ops)
}
