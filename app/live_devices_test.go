package app

import (
	"io"
	"strings"
	"testing"
	"time"

	"thingsniff/assets"
	"thingsniff/decode/device"
)

// TestDevicesSoFarWhileStreaming feeds the demo through a pipe in two
// parts, as a live capture arrives: device timelines must be readable
// before the stream ends, grow with it, and stay as they were when read.
func TestDevicesSoFarWhileStreaming(t *testing.T) {
	demo := assets.Demo()
	batches := make(chan Batch, 1000)
	s := NewSession(Options{SpoolDir: t.TempDir(), Interval: 5 * time.Millisecond, Devices: true},
		func(b Batch) { batches <- b })
	defer s.Close()
	pr, pw := io.Pipe()
	cut := 4400 // about the first dozen packets: the lease and the ARP that follows
	go pw.Write(demo[:cut])
	l, err := s.OpenStream(pr, "live")
	if err != nil {
		t.Fatal(err)
	}
	waitPackets := func(atLeast int) int {
		t.Helper()
		deadline := time.After(30 * time.Second)
		for {
			select {
			case b := <-batches:
				if b.Done {
					t.Fatalf("the stream ended early: %+v", b)
				}
				if b.Packets >= atLeast {
					return b.Packets
				}
			case <-deadline:
				t.Fatalf("fewer than %d packets arrived", atLeast)
			}
		}
	}
	player := func(r *device.Report) *device.Device {
		t.Helper()
		if r == nil {
			t.Fatal("no report while streaming")
		}
		return r.Device("00:12:fb:3c:91:d4")
	}
	kinds := func(d *device.Device) map[device.Kind]int {
		m := map[device.Kind]int{}
		for _, e := range d.Events {
			m[e.Kind]++
		}
		return m
	}

	n := waitPackets(10)
	early := l.DevicesSoFar()
	d := player(early)
	if d == nil || kinds(d)[device.KindDHCP] == 0 {
		t.Fatalf("after %d packets the player has no DHCP story yet: %+v", n, d)
	}
	earlyEvents := len(d.Events)
	if kinds(d)[device.KindHTTP] != 0 {
		t.Fatalf("after %d packets the player already has HTTP events", n)
	}

	go pw.Write(demo[cut:]) // the rest; the pipe stays open, like a quiet capture
	waitPackets(1297)
	late := player(l.DevicesSoFar())
	if late == nil || kinds(late)[device.KindHTTP] == 0 {
		t.Fatalf("with every packet in, the player has no HTTP exchange: %v", kinds(late))
	}
	closed := false
	for _, e := range late.Events {
		if e.Kind == device.KindTCP && strings.Contains(e.Summary, "closed by the peer (FIN)") {
			closed = true
		}
	}
	if !closed {
		t.Error("while the stream is open, the update check's connection is not told as closed by the server")
	}
	if len(d.Events) != earlyEvents {
		t.Errorf("the early snapshot changed under its reader: %d events, then %d", earlyEvents, len(d.Events))
	}

	pw.Close()
	l.Wait()
	final := player(l.Devices())
	if final == nil || len(final.Events) < len(late.Events) {
		t.Fatalf("the finished report has fewer events than the live one")
	}
	if l.DevicesSoFar() != l.Devices() {
		t.Error("after the end, DevicesSoFar should give the finished report")
	}
}
