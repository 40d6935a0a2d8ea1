package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"time"

	"thingsniff/app"
	"thingsniff/decode"
)

// benchFilter measures display filters on the generated mix (-filter):
// an index-only filter over the loaded capture, and filters that read
// payload fields against tshark -Y on the same file. The times are of
// filtering a loaded capture, as the window does; tshark reads and
// dissects the file for each filter, which is what a user waits for
// there.
func benchFilter(dir string, packets int) error {
	mix := filepath.Join(dir, fmt.Sprintf("mix-%d.pcapng", packets))
	if _, err := os.Stat(mix); err != nil {
		return fmt.Errorf("%s is missing: run the bench once without -filter to generate it", mix)
	}
	s := app.NewSession(app.Options{}, nil)
	defer s.Close()
	start := time.Now()
	l, err := s.Open(mix)
	if err != nil {
		return err
	}
	l.Wait()
	fmt.Printf("capture: %s, %d packets, loaded in %.1f s\n\n", mix, l.Index.Len(), time.Since(start).Seconds())

	// An address that talks to port 80, so the filter selects something.
	host := ""
	for _, f := range l.Engine().Flows() {
		if f.Proto == decode.ProtoTCP && f.Server.Port() == 80 {
			host = f.Client.Addr().String()
			break
		}
	}
	if host == "" {
		return fmt.Errorf("%s has no connection to port 80", mix)
	}
	cases := []struct {
		expr   string
		tshark bool
	}{
		{"ip.addr == " + host + " && tcp.port == 80", false},
		{`dns.qry.name contains "x"`, true},
		{`http.host == "y"`, true},
	}
	for _, c := range cases {
		best := time.Duration(1 << 62)
		var n int
		for range 3 {
			t0 := time.Now()
			got, err := app.Filter(context.Background(), l, c.expr, l.Index.Len())
			if err != nil {
				return err
			}
			best, n = min(best, time.Since(t0)), len(got)
		}
		fmt.Printf("%-50s thingsniff %8.1f ms (%d packets)", c.expr, float64(best.Microseconds())/1e3, n)
		if !c.tshark {
			fmt.Printf("   target under 100 ms: %s", okOrMissed(best < 100*time.Millisecond))
		}
		if c.tshark {
			if _, err := exec.LookPath("tshark"); err != nil {
				fmt.Print("   tshark: not installed")
			} else if r, err := timeCommand("tshark", "-n", "-r", mix, "-Y", c.expr, "-T", "fields", "-e", "frame.number"); err != nil {
				fmt.Printf("   tshark: %v", err)
			} else {
				x := r.Seconds / best.Seconds()
				fmt.Printf("   tshark -Y %8.1f s   %.0fx faster (target 20x: %s)", r.Seconds, x, okOrMissed(x >= 20))
			}
		}
		fmt.Println()
	}
	return nil
}

func okOrMissed(ok bool) string {
	if ok {
		return "ok"
	}
	return "MISSED"
}
