package app

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"thingsniff/capture/synth"
)

// TestCancelledLoadEndsItsTimelines cancels a load, with device timelines,
// half way (another file is opened): the timelines' goroutine must end,
// after giving back what the capture lent it, instead of waiting for
// packets for good with the devices it built, and the capture's file must
// not stay mapped.
func TestCancelledLoadEndsItsTimelines(t *testing.T) {
	dir := t.TempDir()
	first, second := filepath.Join(dir, "first.pcapng"), filepath.Join(dir, "second.pcapng")
	if err := synth.WriteMixFile(first, synth.Options{Packets: 60000, Seed: 5}); err != nil {
		t.Fatal(err)
	}
	if err := synth.WriteMixFile(second, synth.Options{Packets: 100, Seed: 6}); err != nil {
		t.Fatal(err)
	}
	// The first batch (after 257 packets) holds the load until the test
	// has asked for the second file, so that the first load is cancelled
	// half way: at packet 512, where it next looks, with the packets in
	// between handed to the timelines' goroutine but not yet seen.
	reached, release := make(chan struct{}), make(chan struct{})
	var once sync.Once
	s := NewSession(Options{Observers: DeviceObservers, FirstRows: 257, Dispatch: func(f func()) {
		once.Do(func() { close(reached); <-release })
		f()
	}}, nil)
	t.Cleanup(s.Close)
	if _, err := s.Open(first); err != nil {
		t.Fatal(err)
	}
	<-reached
	opened := make(chan error)
	go func() {
		_, err := s.Open(second)
		opened <- err
	}()
	time.Sleep(100 * time.Millisecond) // let Open cancel the first load
	close(release)
	if err := <-opened; err != nil {
		t.Fatal(err)
	}
	s.Current().Wait()
	// The second load has finished, and closed its own.
	for wait := 0; asyncGoroutines() > 0; wait++ {
		if wait == 100 {
			t.Fatalf("%d device timelines goroutines still run after both loads ended", asyncGoroutines())
		}
		time.Sleep(10 * time.Millisecond)
	}
	// Once closed, the capture goes from memory with the last loan back.
	maps, err := os.ReadFile("/proc/self/maps")
	if err != nil {
		t.Skip("no /proc/self/maps:", err)
	}
	if strings.Contains(string(maps), first) {
		t.Errorf("%s stays mapped after its cancelled load was closed", first)
	}
}

// asyncGoroutines counts the goroutines that run an Async observer.
func asyncGoroutines() int {
	buf := make([]byte, 1<<20)
	return strings.Count(string(buf[:runtime.Stack(buf, true)]), "decode.(*Async).run(")
}
