package device_test

import (
	"encoding/json"
	"path/filepath"
	"testing"

	"thingsniff/decode/device"
	"thingsniff/decode/stream/streamtest"
)

// TestGatheredRunsChangeNothing builds reports with skipped body bytes
// gathered into runs and handed to the reassembler one by one: they must
// be equal to the byte, on a generated mix (large downloads, pipelining,
// keep-alive) and on the corpus captures that carry HTTP.
func TestGatheredRunsChangeNothing(t *testing.T) {
	compare := func(t *testing.T, path string) {
		report := func(gather bool) string {
			defer device.SetGatherRuns(gather)()
			out, err := json.Marshal(reportWith(t, path, device.Options{}))
			if err != nil {
				t.Fatal(err)
			}
			return string(out)
		}
		if one, gathered := report(false), report(true); one != gathered {
			t.Errorf("%s: the report differs when skipped bytes are gathered (%d bytes vs %d)", filepath.Base(path), len(gathered), len(one))
		}
	}
	compare(t, mixFile(t, 60000, 7))
	t.Run("corpus", func(t *testing.T) {
		dir := streamtest.CorpusDir(t)
		var files []string
		for _, pattern := range []string{"zeek/testing/btest/Traces/http/*.pcap*", "wireshark/test/captures/http*.pcap*", "tcpdump/tests/*http*.pcap"} {
			m, err := filepath.Glob(filepath.Join(dir, pattern))
			if err != nil {
				t.Fatal(err)
			}
			files = append(files, m...)
		}
		if len(files) < 15 {
			t.Fatalf("only %d HTTP captures in the corpus", len(files))
		}
		for _, path := range files {
			compare(t, path)
		}
	})
}
