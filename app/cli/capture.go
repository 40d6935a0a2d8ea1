package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"text/tabwriter"

	"thingsniff/capture/live"
)

// FixLinePrefix starts the line `thingsniff capture` writes on standard
// error before a missing-privileges error: the rest of the line is the
// command that grants them, for the window to show.
const FixLinePrefix = "fix "

// FixReasonPrefix starts the line after it: libpcap's reason.
const FixReasonPrefix = "fix-reason "

// runCapture is the capture helper: the only command that opens
// interfaces. It writes pcapng to a file or standard output, counter
// lines (live.FormatStats) to standard error, and flushes everything it
// captured before it exits on a signal.
func runCapture(env Env) error {
	fs := newFlags("capture", env)
	iface := fs.String("i", "", "interface to capture on (see `thingsniff interfaces`)")
	filter := fs.String("f", "", "capture filter in tcpdump's syntax")
	out := fs.String("w", "", "pcapng output file, - for standard output")
	count := fs.Uint64("c", 0, "stop after this many packets")
	duration := fs.Duration("duration", 0, "stop after this long (e.g. 30s)")
	statsEvery := fs.Duration("stats", 0, "write a counter line to standard error this often (e.g. 1s)")
	flushEvery := fs.Duration("flush", 0, "longest time a packet stays buffered (at most 1s)")
	noPromisc := fs.Bool("no-promisc", false, "do not put the interface in promiscuous mode")
	snaplen := fs.Int("snaplen", live.DefaultSnaplen, "bytes kept of each packet")
	buffer := fs.Int("buffer", live.DefaultBufferSize, "kernel capture buffer in bytes")
	if _, err := parseArgs(fs, env.Args, 0); err != nil {
		return err
	}
	if *iface == "" || *out == "" {
		return errUsage
	}
	h, err := live.Open(live.Options{Interface: *iface, Filter: strings.TrimSpace(*filter),
		Snaplen: *snaplen, NoPromiscuous: *noPromisc, BufferSize: *buffer})
	if err != nil {
		var perm *live.PermissionError
		if errors.As(err, &perm) && perm.Command != "" {
			fmt.Fprintln(env.Stderr, FixLinePrefix+perm.Command)
			fmt.Fprintln(env.Stderr, FixReasonPrefix+perm.Err.Error())
		}
		return err
	}
	defer h.Close()
	w := env.Stdout
	name := "standard output"
	if *out != "-" {
		f, err := os.Create(*out)
		if err != nil {
			return fmt.Errorf("create capture file: %w", err)
		}
		defer f.Close()
		w, name = f, *out
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	defer stop()
	st, err := h.Run(ctx, w, live.RunOptions{Count: *count, Duration: *duration,
		StatsInterval: *statsEvery, FlushInterval: *flushEvery, Stats: env.Stderr})
	fmt.Fprintf(env.Stderr, "%s to %s\n", st.Summary(), name)
	if err != nil {
		return err
	}
	if f, ok := w.(*os.File); ok && *out != "-" {
		if err := f.Close(); err != nil {
			return fmt.Errorf("close capture file: %w", err)
		}
	}
	return nil
}

// ifaceJSON is one line of `thingsniff interfaces --json`.
type ifaceJSON struct {
	Name        string   `json:"name"`
	Description string   `json:"description,omitempty"`
	Addresses   []string `json:"addresses"`
	Up          bool     `json:"up"`
	Running     bool     `json:"running"`
	Loopback    bool     `json:"loopback"`
	Wireless    bool     `json:"wireless,omitempty"`
	RxPackets   uint64   `json:"rx_packets"`
}

func runInterfaces(env Env) error {
	fs := newFlags("interfaces", env)
	asJSON := fs.Bool("json", false, "one JSON object per line")
	if _, err := parseArgs(fs, env.Args, 0); err != nil {
		return err
	}
	ifs, err := live.Interfaces()
	if err != nil {
		return err
	}
	counters := live.Sample()
	if *asJSON {
		enc := json.NewEncoder(env.Stdout)
		for _, ifc := range ifs {
			j := ifaceJSON{Name: ifc.Name, Description: ifc.Description, Addresses: []string{},
				Up: ifc.Up, Running: ifc.Running, Loopback: ifc.Loopback, Wireless: ifc.Wireless,
				RxPackets: counters[ifc.Name].RxPackets}
			for _, a := range ifc.Addresses {
				j.Addresses = append(j.Addresses, a.String())
			}
			if err := enc.Encode(j); err != nil {
				return err
			}
		}
		return nil
	}
	tw := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tSTATE\tADDRESSES\tDESCRIPTION")
	for _, ifc := range ifs {
		var state []string
		for _, f := range []struct {
			on   bool
			name string
		}{{ifc.Up, "up"}, {ifc.Running, "running"}, {ifc.Loopback, "loopback"}, {ifc.Wireless, "wireless"}} {
			if f.on {
				state = append(state, f.name)
			}
		}
		if len(state) == 0 {
			state = append(state, "down")
		}
		addrs := make([]string, len(ifc.Addresses))
		for i, a := range ifc.Addresses {
			addrs[i] = a.String()
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", ifc.Name, strings.Join(state, ","), strings.Join(addrs, " "), ifc.Description)
	}
	return tw.Flush()
}
