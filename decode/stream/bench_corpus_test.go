package stream_test

import (
	"io"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"thingsniff/decode/stream"
	"thingsniff/decode/stream/streamtest"
)

// followFile runs the whole follow path on the first stream of a capture:
// read, decode, reassemble, write raw bytes to w.
func followFile(path string, w io.Writer) (stream.Counts, error) {
	p := stream.NewPrinter(w, stream.Raw, stream.Both)
	r := stream.NewReassembler(stream.Config{}, p.Write)
	if err := streamtest.EachSegment(path, r.Add); err != nil {
		return p.Counts(), err
	}
	if err := r.Close(); err != nil {
		return p.Counts(), err
	}
	return p.Counts(), p.Flush()
}

// BenchmarkFollowLongLineVsTshark follows the 17 MB telnet stream of
// corpus/perf from the file, and in the same run times tshark's
// "follow,tcp,raw,0" on it when tshark is installed, reporting how many
// times faster this path is (target: 10).
func BenchmarkFollowLongLineVsTshark(b *testing.B) {
	path := filepath.Join(streamtest.CorpusDir(b), "perf", "telnet-long-line-no-eol.pcapng")
	c, err := followFile(path, io.Discard)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(c.Bytes[0] + c.Bytes[1])
	b.ResetTimer()
	start := time.Now()
	for b.Loop() {
		if _, err := followFile(path, io.Discard); err != nil {
			b.Fatal(err)
		}
	}
	ours := time.Since(start) / time.Duration(b.N)
	b.StopTimer()
	if _, err := exec.LookPath("tshark"); err != nil {
		return
	}
	t0 := time.Now()
	cmd := exec.Command("tshark", "-n", "-r", path, "-q", "-z", "follow,tcp,raw,0")
	cmd.Stdout = io.Discard
	if err := cmd.Run(); err != nil {
		b.Fatalf("tshark: %v", err)
	}
	b.ReportMetric(float64(time.Since(t0))/float64(ours), "x-faster-than-tshark")
}

// BenchmarkGigabyteStream follows a generated 1 GiB single stream (every
// eighth pair of segments swapped, every hundredth retransmitted) through
// the reassembler and the raw writer into io.Discard, and reports the peak
// heap growth (garbage not yet collected included), which must stay far
// under 64 MB whatever the stream length.
func BenchmarkGigabyteStream(b *testing.B) {
	const (
		mss   = 1448
		total = 1 << 30
	)
	payload := make([]byte, mss)
	for i := range payload {
		payload[i] = byte(i)
	}
	var ms runtime.MemStats
	b.SetBytes(total)
	for b.Loop() {
		runtime.GC()
		runtime.ReadMemStats(&ms)
		base, peak := ms.HeapAlloc, ms.HeapAlloc
		p := stream.NewPrinter(io.Discard, stream.Raw, stream.Both)
		r := stream.NewReassembler(stream.Config{}, p.Write)
		r.Add(stream.Segment{Seq: 41, Flags: stream.SYN, Packet: 1})
		seq := uint32(42)
		n := uint64(2)
		add := func(s uint32) {
			r.Add(stream.Segment{Seq: s, Flags: stream.ACK, Payload: payload, Packet: n})
			n++
		}
		for i := 0; i < total/mss; i += 2 {
			if i%8 == 0 {
				add(seq + mss)
				add(seq)
			} else {
				add(seq)
				add(seq + mss)
			}
			if i%100 == 0 {
				add(seq)
			}
			seq += 2 * mss
			if i%(1<<16) == 0 {
				runtime.ReadMemStats(&ms)
				peak = max(peak, ms.HeapAlloc)
			}
		}
		r.Close()
		p.Flush()
		b.ReportMetric(float64(peak-base)/(1<<20), "peak-heap-MB")
	}
}
