package app

import (
	"slices"
	"sync"
	"sync/atomic"

	"thingsniff/decode"
)

const chunkBits = 14 // 16384 entries (512 KiB) per chunk

// PacketIndex is an append-only list of decode.Index entries that one
// goroutine appends to while others read. Entries live in fixed chunks
// that never move, so a reader may use any entry below Len without a lock.
type PacketIndex struct {
	mu     sync.Mutex // serialises appends
	chunks atomic.Pointer[[]*[1 << chunkBits]decode.Index]
	n      atomic.Int64
}

// NewPacketIndex returns an empty index.
func NewPacketIndex() *PacketIndex {
	x := &PacketIndex{}
	x.chunks.Store(&[]*[1 << chunkBits]decode.Index{})
	return x
}

// Len is the number of entries visible to readers.
func (x *PacketIndex) Len() int { return int(x.n.Load()) }

// At returns entry i (0-based); i must be below Len.
func (x *PacketIndex) At(i int) decode.Index {
	return (*x.chunks.Load())[i>>chunkBits][i&(1<<chunkBits-1)]
}

// Append adds entries and publishes them to readers.
func (x *PacketIndex) Append(entries ...decode.Index) {
	x.mu.Lock()
	defer x.mu.Unlock()
	n := int(x.n.Load())
	for _, e := range entries {
		cs := *x.chunks.Load()
		c := n >> chunkBits
		if c == len(cs) {
			grown := make([]*[1 << chunkBits]decode.Index, len(cs)+1)
			copy(grown, cs)
			grown[c] = new([1 << chunkBits]decode.Index)
			x.chunks.Store(&grown)
			cs = grown
		}
		cs[c][n&(1<<chunkBits-1)] = e
		n++
	}
	x.n.Store(int64(n))
}

// Bytes is the memory the index holds, for measurements.
func (x *PacketIndex) Bytes() int64 {
	return int64(len(*x.chunks.Load())) * (1 << chunkBits) * 32
}

// dupAcks keeps, beside the index, which duplicate ACK each packet marked
// decode.AnalysisDupAck is: the index entry has no room for it, and only
// such packets need it. The index stage adds in packet order while other
// goroutines read.
type dupAcks struct {
	mu   sync.RWMutex
	nums []uint32 // 0-based packet indexes, ascending
	acks []decode.DupAck
}

// add records packet i's duplicate ACK; i grows from call to call.
func (t *dupAcks) add(i int, d decode.DupAck) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.nums = append(t.nums, uint32(i))
	t.acks = append(t.acks, d)
}

// of returns packet i's duplicate ACK, zero if it is none.
func (t *dupAcks) of(i int) decode.DupAck {
	t.mu.RLock()
	defer t.mu.RUnlock()
	if k, ok := slices.BinarySearch(t.nums, uint32(i)); ok {
		return t.acks[k]
	}
	return decode.DupAck{}
}
