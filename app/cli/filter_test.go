package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"thingsniff/app"
)

// TestFilterFlags: packets, flows and report take --filter; the headless
// scan selects the packets the window's filter selects, flows keep those
// with a selected packet, and a bad filter fails naming its position.
func TestFilterFlags(t *testing.T) {
	dir := corpusDir(t)
	path := filepath.Join(dir, "iot-sentinel/captures_IoT_Sentinel/captures_IoT-Sentinel/HueBridge/Setup-A-1-STA.pcap")
	s := app.NewSession(app.Options{}, nil)
	defer s.Close()
	l, err := s.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	l.Wait()
	for _, expr := range []string{"http.request", "ip.addr == 10.10.10.1 && udp", "dns.qry.name contains \"meethue\"", "tcp.flags.syn == 1", "arp or dhcp", "frame.len > 1000 && !tls"} {
		var out, errOut bytes.Buffer
		if code := Run("packets", Env{Args: []string{path, "--json", "--filter", expr}, Stdout: &out, Stderr: &errOut}); code != 0 {
			t.Fatalf("packets --filter %q: %d %s", expr, code, errOut.String())
		}
		var got []int
		for _, line := range strings.Split(strings.TrimSpace(out.String()), "\n") {
			var p struct{ No int }
			if line == "" {
				continue
			}
			if err := json.Unmarshal([]byte(line), &p); err != nil {
				t.Fatal(err)
			}
			got = append(got, p.No-1)
		}
		want, err := app.Filter(context.Background(), l, expr, l.Index.Len())
		if err != nil {
			t.Fatal(err)
		}
		if len(want) == 0 || !slices.Equal(got, want) {
			t.Errorf("%q: packets --filter selects %d packets, the window's filter %d", expr, len(got), len(want))
		}

		sel, err := app.Select(context.Background(), l, expr, l.Index.Len())
		if err != nil {
			t.Fatal(err)
		}
		out.Reset()
		if code := Run("flows", Env{Args: []string{path, "--json", "--filter", expr}, Stdout: &out, Stderr: &errOut}); code != 0 {
			t.Fatalf("flows --filter %q: %d %s", expr, code, errOut.String())
		}
		for _, line := range strings.Split(strings.TrimSpace(out.String()), "\n") {
			var f struct{ ID uint32 }
			if line != "" && (json.Unmarshal([]byte(line), &f) != nil || !sel.HasFlow(f.ID)) {
				t.Errorf("%q: flows lists %s", expr, line)
			}
		}
	}

	var out, errOut bytes.Buffer
	if code := Run("report", Env{Args: []string{path, "--json", "--filter", "dhcp"}, Stdout: &out, Stderr: &errOut}); code != 0 {
		t.Fatalf("report --filter: %d %s", code, errOut.String())
	}
	var r struct {
		Devices []struct {
			Events []struct{ Kind string }
		}
	}
	if err := json.Unmarshal(out.Bytes(), &r); err != nil || len(r.Devices) == 0 {
		t.Fatalf("report --filter dhcp: %v, %d devices", err, len(r.Devices))
	}
	for _, d := range r.Devices {
		for _, e := range d.Events {
			if e.Kind != "dhcp" {
				t.Errorf("report --filter dhcp tells a %s event", e.Kind)
			}
		}
	}

	for _, cmd := range []string{"packets", "flows", "report"} {
		errOut.Reset()
		if code := Run(cmd, Env{Args: []string{path, "--filter", "ip.addr == 10.0.0.256"}, Stdout: &out, Stderr: &errOut}); code == 0 || !strings.Contains(errOut.String(), "position 12") {
			t.Errorf("%s with a bad filter: exit %d, %q", cmd, code, errOut.String())
		}
	}
}
