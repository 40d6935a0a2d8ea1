package live

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
)

// HelperName is the capture helper's executable (thingsniff-capture), the
// only program of thingsniff that may hold capture rights.
const HelperName = "thingsniff-capture"

// FixLinePrefix starts the line the helper writes on standard error
// before a missing-privileges error: the rest of the line is the command
// that grants them, for the window to show.
const FixLinePrefix = "fix "

// FixReasonPrefix starts the line after it: libpcap's reason.
const FixReasonPrefix = "fix-reason "

// HelperUsage is the helper's arguments, as `thingsniff capture` takes
// them too.
const HelperUsage = "-i IF -w FILE|- [-f FILTER] [-c COUNT] [--duration D] [--stats D]"

// Helper is the capture helper program: it opens an interface with the
// capabilities its file was given, gives every capability up for good
// (Confine) before it reads a packet, and writes what it captures as
// pcapng to a file or standard output, with counter lines (FormatStats)
// on standard error; it flushes everything it captured before it exits
// on a signal. It returns the exit code: 0, 1 when capturing failed, 2
// on a usage error.
func Helper(args []string, stdout, stderr io.Writer) int {
	err := helper(args, stdout, stderr)
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		return 0
	case errors.Is(err, errHelperUsage):
		fmt.Fprintf(stderr, "usage: %s %s\n", HelperName, HelperUsage)
		return 2
	}
	fmt.Fprintf(stderr, "%s: %v\n", HelperName, err)
	return 1
}

var errHelperUsage = errors.New("usage")

func helper(args []string, stdout, stderr io.Writer) error {
	if err := stopWithParent(); err != nil {
		return err
	}
	fs := flag.NewFlagSet(HelperName, flag.ContinueOnError)
	fs.SetOutput(stderr)
	iface := fs.String("i", "", "interface to capture on (see `thingsniff interfaces`)")
	filter := fs.String("f", "", "capture filter in tcpdump's syntax")
	out := fs.String("w", "", "pcapng output file, - for standard output")
	count := fs.Uint64("c", 0, "stop after this many packets")
	duration := fs.Duration("duration", 0, "stop after this long (e.g. 30s)")
	statsEvery := fs.Duration("stats", 0, "write a counter line to standard error this often (e.g. 1s)")
	flushEvery := fs.Duration("flush", 0, "longest time a packet stays buffered (at most 1s)")
	noPromisc := fs.Bool("no-promisc", false, "do not put the interface in promiscuous mode")
	snaplen := fs.Int("snaplen", DefaultSnaplen, "bytes kept of each packet")
	buffer := fs.Int("buffer", DefaultBufferSize, "kernel capture buffer in bytes")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return errHelperUsage
	}
	if fs.NArg() != 0 || *iface == "" || *out == "" {
		return errHelperUsage
	}
	h, err := Open(Options{Interface: *iface, Filter: strings.TrimSpace(*filter),
		Snaplen: *snaplen, NoPromiscuous: *noPromisc, BufferSize: *buffer})
	if err != nil {
		var perm *PermissionError
		if errors.As(err, &perm) && perm.Command != "" {
			fmt.Fprintln(stderr, FixLinePrefix+perm.Command)
			fmt.Fprintln(stderr, FixReasonPrefix+perm.Err.Error())
		}
		return err
	}
	defer h.Close()
	// The interface is open: nothing after this needs a right the user
	// lacks, and a bug in what follows must not be able to use one.
	if err := Confine(); err != nil {
		return err
	}
	w := stdout
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
	st, err := h.Run(ctx, w, RunOptions{Count: *count, Duration: *duration,
		StatsInterval: *statsEvery, FlushInterval: *flushEvery, Stats: stderr})
	if f, ok := w.(*os.File); ok && err != nil && *out != "-" && st.end > 0 {
		// A write failed part way (a full disk): cut the file back to its
		// last whole packet, so that it reads to the end and holds the
		// packets the summary counts.
		if terr := f.Truncate(st.end); terr != nil {
			err = fmt.Errorf("%w; cutting the file back to its last whole packet failed too: %v", err, terr)
		}
	}
	fmt.Fprintf(stderr, "%s to %s\n", st.Summary(), name)
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
