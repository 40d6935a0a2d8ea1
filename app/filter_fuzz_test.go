package app

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"thingsniff/assets"
)

// FuzzFilter types any text into the filter box: it is refused with an
// error or runs over the demo capture, and never panics; an accepted
// filter selects packets in order, each at most once.
func FuzzFilter(f *testing.F) {
	for _, s := range []string{"tcp", "!dns host 192.168.137.1", "port 80 syn", "flow 3", "frame 2,5-6,9-",
		"ip.addr == 192.168.137.0/24 && tcp.port in {80, 443}", `http.host contains "liveupdate"`, `dns.qry.name matches "^a"`, "device == 00:12:fb:3c:91:d4",
		"mac 00:12:fb:3c:91:d4", "not rst", "stream", "frame 99999999999999999999", "host", "!", "GET"} {
		f.Add(s)
	}
	path := filepath.Join(f.TempDir(), "demo.pcapng")
	if err := os.WriteFile(path, assets.Demo(), 0o644); err != nil {
		f.Fatal(err)
	}
	s := NewSession(Options{}, nil)
	l, err := s.Open(path)
	if err != nil {
		f.Fatal(err)
	}
	l.Wait()
	f.Fuzz(func(t *testing.T, expr string) {
		got, err := Filter(context.Background(), l, expr, l.Index.Len())
		if err != nil {
			return
		}
		for i := 1; i < len(got); i++ {
			if got[i] <= got[i-1] || got[i] >= l.Index.Len() {
				t.Fatalf("%q selected %v", expr, got)
			}
		}
	})
}
