package app

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/gopacket/gopacket/layers"

	"thingsniff/capture"
	"thingsniff/decode"
	"thingsniff/decode/device"
)

// FileFact is one line of a capture's properties (Statistics → Capture
// file properties, `thingsniff info`): the group it belongs to, what it
// is, and its value.
type FileFact struct {
	Group string `json:"group"`
	Name  string `json:"name"`
	Value string `json:"value"`
}

// Totals are what Capture file properties counts over a set of packets:
// the whole file's, or those a filter shows.
type Totals struct {
	Filter      string // the filter that showed them, if any
	Packets     int
	WireBytes   int64
	First, Last int64 // Unix nanoseconds
}

// Facts reads the properties of l's capture with a cursor of its own
// (off the UI goroutine: it reads the whole file) and describes them, with
// the packets a filter shows when shown is not nil. A file that ends
// early is described up to the damage, and a fact says where it stopped.
func (l *Loaded) Facts(shown []int, filter string) []FileFact {
	p, stopped := l.Store.Properties(false)
	var st *Totals
	if shown != nil {
		t := ShownTotals(l, shown)
		t.Filter = filter
		st = &t
	}
	return FileFacts(l.Store, p, st, stopped)
}

// FactsText writes facts as `thingsniff info` prints them: each group's
// name, then its lines indented, a blank line between groups.
func FactsText(facts []FileFact) string {
	var b strings.Builder
	group := ""
	for _, f := range facts {
		if f.Group != group {
			if group != "" {
				b.WriteByte('\n')
			}
			group = f.Group
			b.WriteString(group + "\n")
		}
		fmt.Fprintf(&b, "  %-28s %s\n", f.Name+":", f.Value)
	}
	return b.String()
}

// ShownTotals counts the packets of l whose indexes are shown.
func ShownTotals(l *Loaded, shown []int) Totals {
	var t Totals
	for k, i := range shown {
		ix := l.Index.At(i)
		if k == 0 {
			t.First, t.Last = ix.Time, ix.Time
		}
		t.Packets++
		t.WireBytes += int64(max(ix.OrigLen, ix.CapLen))
		t.First, t.Last = min(t.First, ix.Time), max(t.Last, ix.Time)
	}
	return t
}

// FileFacts describes the capture c from its properties p, as Wireshark's
// Capture File Properties does: the file, the time it spans, who wrote
// it, each interface, and totals over its packets; and over the packets
// a filter shows, when shown is not nil. stopped is why reading ended
// early, if it did.
func FileFacts(c *capture.Capture, p *capture.Properties, shown *Totals, stopped error) []FileFact {
	var out []FileFact
	add := func(group, name, value string) {
		if value != "" {
			out = append(out, FileFact{group, name, value})
		}
	}
	add("File", "Name", c.Name())
	add("File", "Format", c.Format())
	if c.Size() >= 0 {
		add("File", "Size", exactBytes(c.Size()))
	}
	if stopped != nil {
		add("File", "Read until", stopped.Error())
	}
	if p.Packets > 0 {
		multiDay := !device.SameDay(p.First, p.Last)
		ns := p.First%1000 != 0 || p.Last%1000 != 0 // the file keeps nanoseconds
		add("Time", "First packet", exactStamp(p.First, ns))
		add("Time", "Last packet", exactStamp(p.Last, ns))
		add("Time", "Elapsed", decode.FormatDuration(time.Duration(p.Last-p.First)))
		if multiDay {
			add("Time", "Days", "the capture crosses midnight (UTC)")
		}
		if !p.InOrder {
			add("Time", "Order", "some packets are older than the packet before them")
		}
	}
	for k, s := range p.Sections {
		group := "Capture"
		if len(p.Sections) > 1 {
			group = fmt.Sprintf("Capture (section %d)", k+1)
		}
		add(group, "Hardware", s.Hardware)
		add(group, "Operating system", s.OS)
		add(group, "Application", s.Application)
		for _, cm := range s.Comments {
			add(group, "Comment", cm)
		}
	}
	if p.MoreSections > 0 {
		add("Capture", "More sections", strconv.Itoa(p.MoreSections)+" not described here")
	}
	for k, ifc := range p.Interfaces {
		group := "Interface " + strconv.Itoa(k)
		if ifc.Name != "" {
			group += " (" + ifc.Name + ")"
		}
		add(group, "Description", ifc.Description)
		add(group, "Link type", linkName(ifc.LinkType))
		add(group, "Snap length", snapText(ifc.Snaplen))
		add(group, "Capture filter", ifc.Filter)
		add(group, "Operating system", ifc.OS)
		add(group, "Packets", strconv.Itoa(ifc.Packets))
		if ifc.Received >= 0 {
			add(group, "Received by the interface", strconv.FormatInt(ifc.Received, 10))
		}
		if ifc.Dropped >= 0 {
			add(group, "Dropped by the interface", strconv.FormatInt(ifc.Dropped, 10))
		}
		for _, cm := range ifc.Comments {
			add(group, "Comment", cm)
		}
	}
	if p.OmittedText > 0 {
		add("Capture", "Left out", strconv.Itoa(p.OmittedText)+" comments and descriptions beyond the first 64 kB")
	}
	out = append(out, totalsFacts("Packets", Totals{Packets: p.Packets, WireBytes: p.WireBytes, First: p.First, Last: p.Last})...)
	if p.Cut > 0 {
		add("Packets", "Cut by the snap length", fmt.Sprintf("%d (%s of %s captured)", p.Cut, decode.FormatBytes(uint64(p.CapturedBytes)), decode.FormatBytes(uint64(p.WireBytes))))
	}
	if shown != nil {
		out = append(out, totalsFacts("Shown by the filter", *shown)...)
	}
	return out
}

// totalsFacts writes totals t as the group's lines: how many packets and
// bytes, over what time, and their averages.
func totalsFacts(group string, t Totals) []FileFact {
	var out []FileFact
	if t.Filter != "" {
		out = append(out, FileFact{group, "Filter", t.Filter})
	}
	out = append(out,
		FileFact{group, "Packets", strconv.Itoa(t.Packets)},
		FileFact{group, "Bytes on the wire", exactBytes(t.WireBytes)},
	)
	if t.Packets == 0 {
		return out
	}
	out = append(out, FileFact{group, "Average packet size", fmt.Sprintf("%.1f bytes", float64(t.WireBytes)/float64(t.Packets))})
	if span := float64(t.Last-t.First) / 1e9; span > 0 {
		out = append(out,
			FileFact{group, "Time span", decode.FormatDuration(time.Duration(t.Last - t.First))},
			FileFact{group, "Average packets/s", fmt.Sprintf("%.1f", float64(t.Packets)/span)},
			FileFact{group, "Average bytes/s", decode.FormatBytes(uint64(float64(t.WireBytes)/span)) + "/s"},
			FileFact{group, "Average bits/s", fmt.Sprintf("%.0f", float64(t.WireBytes)*8/span)},
		)
	}
	return out
}

func snapText(n uint32) string {
	if n == 0 {
		return "not set"
	}
	return strconv.FormatUint(uint64(n), 10) + " bytes"
}

// linkName names a link type with its number, as capinfos does
// ("Ethernet (1)").
func linkName(lt layers.LinkType) string { return fmt.Sprintf("%s (%d)", lt, int(lt)) }

// exactStamp writes a packet time to the microsecond, or to the
// nanosecond when the file keeps them (ns).
func exactStamp(t int64, ns bool) string {
	if ns {
		return time.Unix(0, t).UTC().Format("2006-01-02 15:04:05.000000000 UTC")
	}
	return stamp(t, "2006-01-02 15:04:05.000000") + " UTC"
}

// exactBytes writes n as FormatBytes does, and exactly beside it.
func exactBytes(n int64) string {
	return decode.FormatBytes(uint64(n)) + " (" + strconv.FormatInt(n, 10) + " bytes)"
}
