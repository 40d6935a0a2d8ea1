package device

import (
	"testing"
	"time"
)

// A live capture snapshots its report (which puts findings in time order)
// and goes on: a repeat found afterwards must count up its own finding.
func TestRepeatAfterReportCountsTheRightFinding(t *testing.T) {
	b := NewBuilder(Options{})
	d := b.deviceByMAC([6]byte{2, 0, 0, 0, 0, 1}, 1)
	d.Packets = 1
	at := time.Unix(100, 0).UTC()
	d.find(Finding{Kind: "clock", Text: "later", Time: at.Add(time.Second)})
	d.find(Finding{Kind: "clock", Text: "earlier", Time: at})
	if got := b.Report().Devices[0].Findings[0].Text; got != "earlier" {
		t.Fatalf("findings not in time order: first is %q", got)
	}
	d.find(Finding{Kind: "clock", Text: "later", Time: at.Add(2 * time.Second), Packets: []uint32{7}})
	for _, f := range d.Findings {
		want := 1
		if f.Text == "later" {
			want = 2
		}
		if f.Count != want {
			t.Errorf("%q counted %d times, want %d", f.Text, f.Count, want)
		}
	}
}
