package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"os/signal"
	"strings"
	"syscall"
	"text/tabwriter"

	"thingsniff/capture/live"
)

// runCapture runs the capture helper (thingsniff-capture), the only
// program of thingsniff that may hold capture rights, with the command's
// arguments and standard streams: this process holds none. A signal that
// would end this process goes to the helper instead, which flushes what
// it captured and ends; its exit code becomes this command's.
func runCapture(env Env) error {
	helper, err := live.HelperPath()
	if err != nil {
		return err
	}
	cmd := exec.Command(helper, env.Args...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = env.Stdin, env.Stdout, env.Stderr
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	defer signal.Stop(sigs)
	if err := cmd.Start(); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("the capture helper %s is missing; build it with `make` (it belongs beside thingsniff)", helper)
		}
		if errors.Is(err, fs.ErrPermission) {
			return fmt.Errorf("you may not run the capture helper %s: only its group may; grant it once with: %s", helper, live.FixCommand())
		}
		return fmt.Errorf("start the capture helper %s: %w", helper, err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	for {
		select {
		case s := <-sigs:
			_ = cmd.Process.Signal(s)
		case err := <-done:
			var exit *exec.ExitError
			if errors.As(err, &exit) {
				return exitCode(exit.ExitCode())
			}
			return err
		}
	}
}

// exitCode ends a command with a code, having said what there was to say.
type exitCode int

func (c exitCode) Error() string { return fmt.Sprintf("exit code %d", int(c)) }

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
