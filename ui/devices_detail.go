package ui

import (
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"thingsniff/decode"
	"thingsniff/decode/device"
)

// deviceDetail is the top of the right side: who the device is, its
// story in plain words and its findings.
type deviceDetail struct {
	v        *devicesView
	title    *widget.Label
	subtitle *widget.Label
	facts    *fyne.Container
	summary  *widget.Label
	findHead *widget.Label
	findings *fyne.Container
	scroll   *container.Scroll
	// whoScroll holds the header: name, vendor, addresses, DHCP.
	whoScroll *container.Scroll
	content   fyne.CanvasObject
}

func newDeviceDetail(v *devicesView) *deviceDetail {
	t := &deviceDetail{v: v}
	t.title = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	t.title.SizeName = theme.SizeNameHeadingText
	t.title.Truncation = fyne.TextTruncateEllipsis
	t.subtitle = widget.NewLabel("")
	t.subtitle.Truncation = fyne.TextTruncateEllipsis
	t.facts = container.New(layout.NewFormLayout())
	t.summary = widget.NewLabel("")
	t.summary.Wrapping = fyne.TextWrapWord
	t.findHead = sectionHeading("Findings")
	t.findings = container.NewVBox()
	head := container.New(tightVBox{}, t.title, t.subtitle)
	who := container.NewVBox(head, t.facts)
	story := container.NewVBox(t.findHead, t.findings, sectionHeading("In plain words"), t.summary)
	t.scroll = container.NewVScroll(withScrollRoom(story))
	t.whoScroll = container.NewVScroll(withScrollRoom(who))
	split := container.NewHSplit(t.whoScroll, t.scroll)
	split.Offset = 0.4
	t.content = split
	return t
}

func sectionHeading(s string) *widget.Label {
	l := widget.NewLabelWithStyle(s, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	l.SizeName = theme.SizeNameSubHeadingText
	return l
}

func (t *deviceDetail) clear() {
	t.title.SetText("")
	t.subtitle.SetText("")
	t.facts.RemoveAll()
	t.summary.SetText("")
	t.findings.RemoveAll()
}

// show fills the panel with d.
func (t *deviceDetail) show(d *device.Device) {
	row := formatDevice(d)
	t.title.SetText(row.title)
	sub := []string{}
	if row.vendor != "" {
		sub = append(sub, row.vendor)
	}
	if d.MAC() != nil && row.title != d.Key {
		sub = append(sub, "MAC "+d.Key)
	}
	t.subtitle.SetText(strings.Join(sub, " · "))

	var facts []fyne.CanvasObject
	for _, f := range deviceFacts(d) {
		key := widget.NewLabelWithStyle(f.key, fyne.TextAlignTrailing, fyne.TextStyle{Bold: true})
		val := widget.NewLabel(f.value)
		val.Wrapping = fyne.TextWrapWord
		val.Selectable = true
		facts = append(facts, key, val)
	}
	t.facts.Objects = facts
	t.facts.Refresh()

	t.summary.SetText(strings.Join(d.Summary, " "))

	t.findHead.SetText(fmt.Sprintf("Findings (%s)", decode.Thousands(len(d.Findings))))
	var rows []fyne.CanvasObject
	if len(d.Findings) == 0 {
		rows = append(rows, widget.NewLabelWithStyle("Nothing stands out.", fyne.TextAlignLeading, fyne.TextStyle{Italic: true}))
	}
	for _, i := range worstFindings(d.Findings, maxFindingsShown) {
		rows = append(rows, t.findingRow(d, &d.Findings[i]))
	}
	if n := len(d.Findings); n > maxFindingsShown {
		more := widget.NewLabel(fmt.Sprintf("These are the %d most severe of %s findings; the exported report lists them all.",
			maxFindingsShown, decode.Thousands(n)))
		more.Wrapping = fyne.TextWrapWord
		more.TextStyle.Italic = true
		rows = append(rows, more)
	}
	// One refresh for all rows: adding them one by one lays the box
	// out again for each.
	t.findings.Objects = rows
	t.findings.Refresh()
	t.scroll.ScrollToTop()
	t.scroll.Refresh()
	t.whoScroll.ScrollToTop()
	t.whoScroll.Refresh()
}

// maxFindingsShown bounds the findings drawn for one device: a busy
// device can have thousands, and wrapped text is slow to lay out.
const maxFindingsShown = 20

// worstFindings returns the indexes of at most n findings, alerts first,
// then warnings, then the rest, each group in time order.
func worstFindings(fs []device.Finding, n int) []int {
	var out []int
	for _, sev := range []device.Severity{device.Alert, device.Warning, ""} {
		for i := range fs {
			if len(out) == n {
				return out
			}
			s := fs[i].Severity
			if s == sev || sev == "" && s != device.Alert && s != device.Warning {
				out = append(out, i)
			}
		}
	}
	return out
}

// findingRow shows a finding with its severity, when and how often it
// was seen, and a button that opens its packets.
func (t *deviceDetail) findingRow(d *device.Device, f *device.Finding) fyne.CanvasObject {
	text := widget.NewLabel(clip(f.Text, maxFindingText))
	text.Wrapping = fyne.TextWrapWord
	meta := []string{string(f.Severity), device.FormatTime(f.Time, device.FormatDay(d.First) != device.FormatDay(d.Last))}
	if f.Count > 1 {
		meta = append(meta, fmt.Sprintf("%d times", f.Count))
	}
	meta = append(meta, packetList(f.Packets))
	sub := widget.NewLabel(strings.Join(meta, " · "))
	sub.SizeName = theme.SizeNameCaptionText
	open := widget.NewButtonWithIcon("Packets", theme.NavigateNextIcon(), func() {
		t.v.openPackets(d, f.Flow, "", f.Packets)
	})
	open.Importance = widget.LowImportance
	icon := widget.NewIcon(severityIcon(f.Severity))
	return container.NewBorder(nil, nil, container.NewVBox(icon), container.NewVBox(open),
		container.New(tightVBox{}, text, sub))
}

// maxFindingText bounds the text of a finding as its row shows it; the
// exported report and the event it points at hold all of it.
const maxFindingText = 320

// clip shortens s to at most n runes, marking the cut.
func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// fact is one line of the device's header.
type fact struct {
	key, value string
}

// deviceFacts lists what the header says about d: addresses and traffic,
// then what DHCP told.
func deviceFacts(d *device.Device) []fact {
	var fs []fact
	add := func(key, value string) {
		if value != "" {
			fs = append(fs, fact{key, value})
		}
	}
	p := &d.Profile
	add("Addresses", strings.Join(d.IPs, ", "))
	if len(d.Names) > 1 {
		add("Names", strings.Join(d.Names, ", "))
	}
	last := d.Last.Format("15:04:05")
	if y1, m1, d1 := d.First.Date(); !d.Last.IsZero() {
		if y2, m2, d2 := d.Last.Date(); y1 != y2 || m1 != m2 || d1 != d2 {
			last = d.Last.Format("2006-01-02 15:04:05")
		}
	}
	add("Seen", fmt.Sprintf("%s to %s (%s)", d.First.Format("2006-01-02 15:04:05"), last,
		decode.FormatDuration(d.Last.Sub(d.First))))
	sent := plural(int(d.Packets), "packet", "packets")
	if d.BytesOut+d.BytesIn > 0 {
		// By the IP headers: what went, though the capture kept less.
		sent += fmt.Sprintf(": %s out, %s in (IP)", decode.FormatBytes(d.BytesOut), decode.FormatBytes(d.BytesIn))
	}
	add("Sent", sent)
	if total := p.ClearBytes + p.EncryptedBytes + p.OtherBytes + p.UncapturedBytes; total > 0 {
		pay := fmt.Sprintf("%s clear text, %s encrypted", decode.FormatBytes(p.ClearBytes), decode.FormatBytes(p.EncryptedBytes))
		if p.OtherBytes > 0 {
			pay += ", " + decode.FormatBytes(p.OtherBytes) + " unknown"
		}
		if p.UncapturedBytes > 0 {
			pay += ", " + decode.FormatBytes(p.UncapturedBytes) + " not captured (headers only)"
		}
		add("Payload", pay)
	}
	for _, rt := range d.Routines {
		add("Routine", rt.Summary)
	}
	add("Hostname", p.Hostname)
	add("Vendor class", p.VendorClass)
	add("DHCP fingerprint", p.DHCPFingerprint)
	add("Client ID", p.ClientID)
	add("Lease", p.Lease)
	add("Gateway", p.Gateway)
	add("DNS servers", strings.Join(p.DNSServers, ", "))
	add("Model", strings.Join(p.Models, ", "))
	add("TLS clients (JA4)", strings.Join(p.JA4, ", "))
	return fs
}

// packetList names a few packet numbers.
func packetList(pk []uint32) string {
	switch len(pk) {
	case 0:
		return ""
	case 1:
		return fmt.Sprintf("packet %d", pk[0])
	case 2, 3:
		s := make([]string, len(pk))
		for i, n := range pk {
			s[i] = fmt.Sprint(n)
		}
		return "packets " + strings.Join(s, ", ")
	}
	return fmt.Sprintf("packets %d, %d, … (%s)", pk[0], pk[1], decode.Thousands(len(pk)))
}
