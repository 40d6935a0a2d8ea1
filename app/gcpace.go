package app

import (
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"sync"
)

// LoadHeadroom is how far the heap may grow during a file's load before
// the garbage collector runs (see holdGC).
const LoadHeadroom = 256 << 20

// gcHold is the state of holdGC, shared by every load of the process
// (the garbage collector's settings are the process's).
var gcHold struct {
	mu      sync.Mutex
	holders int
	percent int   // the GC percent to go back to
	limit   int64 // and the memory limit
	paced   bool  // the held collector ran, so pacing is back to normal
	gen     int   // counts holds from none, so a late watch of an old one is ignored
}

// holdGC keeps the garbage collector from running while a file loads,
// until the heap has grown by LoadHeadroom, and returns the function that
// ends the hold. A load allocates mostly what it keeps (the packet index,
// flows, the device timelines): collecting during it marks the same live
// data again at every step of the heap's growth, and on two cores that
// marking competes with the load and the timelines' goroutine for the
// CPU. Once the collector does run during a hold (the heap reached the
// headroom: a very big capture), pacing goes back to normal at once, so
// that a huge load never runs near a limit with the collector busy.
// Holds nest; the last one to end restores the collector's settings.
func holdGC() (release func()) {
	gcHold.mu.Lock()
	defer gcHold.mu.Unlock()
	gcHold.holders++
	if gcHold.holders == 1 {
		gcHold.percent = debug.SetGCPercent(-1)
		gcHold.paced = false
		gcHold.gen++
		gcHold.limit = debug.SetMemoryLimit(int64(memoryInUse()) + LoadHeadroom)
		watchNextGC(gcHold.gen)
	}
	var once sync.Once
	return func() { once.Do(releaseGC) }
}

func releaseGC() {
	gcHold.mu.Lock()
	defer gcHold.mu.Unlock()
	gcHold.holders--
	if gcHold.holders == 0 && !gcHold.paced {
		pace()
	}
}

// pace restores the collector's settings from before the hold.
func pace() {
	debug.SetGCPercent(gcHold.percent)
	debug.SetMemoryLimit(gcHold.limit)
	gcHold.paced = true
}

// watchNextGC ends hold gen's effect at the next collection: an object
// nothing points to is collected by it, and its cleanup then runs.
func watchNextGC(gen int) {
	sentinel := new([64]byte)
	runtime.AddCleanup(sentinel, func(gen int) {
		gcHold.mu.Lock()
		defer gcHold.mu.Unlock()
		if gen == gcHold.gen && gcHold.holders > 0 && !gcHold.paced {
			pace()
		}
	}, gen)
}

// memoryInUse is the memory the Go runtime holds from the system now, as
// the memory limit counts it, read without stopping the world.
func memoryInUse() uint64 {
	s := []metrics.Sample{{Name: "/memory/classes/total:bytes"}, {Name: "/memory/classes/heap/released:bytes"}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindUint64 || s[1].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return s[0].Value.Uint64() - s[1].Value.Uint64()
}
