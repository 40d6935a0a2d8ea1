package app

import (
	"runtime"
	"runtime/debug"
	"testing"
	"time"
)

// gcSettings reads the collector's percent and memory limit.
func gcSettings() (percent int, limit int64) {
	percent = debug.SetGCPercent(0)
	debug.SetGCPercent(percent)
	return percent, debug.SetMemoryLimit(-1)
}

func TestHoldGCNestsAndRestores(t *testing.T) {
	before := debug.SetGCPercent(GCPercent)
	defer debug.SetGCPercent(before)
	_, limit0 := gcSettings()
	outer := holdGC()
	if p, limit := gcSettings(); p >= 0 || limit == limit0 {
		t.Fatalf("held: percent %d, limit %d; want the collector off under a limit", p, limit)
	}
	inner := holdGC()
	inner()
	inner() // a second call changes nothing
	if p, _ := gcSettings(); p >= 0 {
		t.Fatalf("the inner hold's end gave pacing back while the outer one holds (percent %d)", p)
	}
	outer()
	if p, limit := gcSettings(); p != GCPercent || limit != limit0 {
		t.Fatalf("after the holds: percent %d, limit %d; want %d and %d as before", p, limit, GCPercent, limit0)
	}
}

// A collection during a hold (the heap reached the headroom) gives
// pacing back at once, so that a huge load never runs near a limit.
func TestHoldGCEndsAtTheFirstCollection(t *testing.T) {
	before := debug.SetGCPercent(GCPercent)
	defer debug.SetGCPercent(before)
	_, limit0 := gcSettings()
	release := holdGC()
	defer release()
	deadline := time.Now().Add(30 * time.Second)
	for {
		runtime.GC()
		if p, limit := gcSettings(); p == GCPercent && limit == limit0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatal("still held after collections")
		}
		time.Sleep(10 * time.Millisecond)
	}
}
