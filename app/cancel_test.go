package app

import (
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"thingsniff/capture/synth"
)

// TestCancelledLoadEndsItsTimelines cancels a load, with device timelines,
// half way (another file is opened): the timelines' goroutine must end
// instead of reading on, or waiting, with the devices it built.
func TestCancelledLoadEndsItsTimelines(t *testing.T) {
	first, second := mixFile(t, synth.Options{Packets: 60000, Seed: 5}), mixFile(t, synth.Options{Packets: 100, Seed: 6})
	// The first batch (after 257 packets) holds the load until the test
	// has asked for the second file, so that the first load is cancelled
	// half way.
	reached, release := make(chan struct{}), make(chan struct{})
	var once sync.Once
	s := NewSession(Options{Devices: true, FirstRows: 257, Dispatch: func(f func()) {
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
	if s.Current().Devices() == nil {
		t.Error("the second load has no device report")
	}
	if n := timelineGoroutines(); n > 0 {
		t.Fatalf("%d device timelines goroutines still run after both loads ended", n)
	}
}

// timelineGoroutines counts the goroutines that build device timelines.
func timelineGoroutines() int {
	buf := make([]byte, 1<<20)
	return strings.Count(string(buf[:runtime.Stack(buf, true)]), "app.buildDevices(")
}
