package app

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"thingsniff/capture"
	"thingsniff/capture/live"
)

// LiveOptions say what the capture helper should capture.
type LiveOptions struct {
	// Interface and Filter (tcpdump syntax) as for `thingsniff capture`.
	Interface string
	Filter    string
	// Count and Duration stop the capture by themselves when set.
	Count    uint64
	Duration time.Duration
	// Helper is the capture helper's path (live.HelperPath when ""); it
	// is run as `Helper -i IF -w - …`.
	Helper string
	// Wrap, when set, is put in front of the helper command (tests run
	// the helper inside a network namespace with "ip netns exec NS").
	Wrap []string
	// StatsInterval is how often the helper reports counters (default 500 ms).
	StatsInterval time.Duration
	// OnStats sees each counter report, on a goroutine of the capture.
	OnStats func(live.Stats)
}

// LiveCapture is a running capture helper. Read the pcapng stream from
// Stream (hand it to Session.OpenStream, which spools it to SpoolDir);
// Stop ends the capture, after which the stream ends cleanly.
type LiveCapture struct {
	cmd    *exec.Cmd
	stream *bufio.Reader
	pipe   *os.File
	errs   chan struct{} // closed when stderr is drained
	exited chan struct{} // closed when the helper has exited and errs drained
	mu     sync.Mutex
	last   live.Stats
	lines  []string // the helper's last human lines, for an error message
	fix    string   // the command that grants privileges, if the helper said
	// fixReason is libpcap's reason for refusing.
	fixReason string
	err       error
	once      sync.Once
}

// StartCapture starts the capture helper and waits until it either
// writes its pcapng header (the interface is open and the filter
// accepted) or fails. A failure is returned as a clear error: a
// *live.PermissionError when privileges are missing, libpcap's message
// for a bad filter.
func StartCapture(ctx context.Context, opts LiveOptions) (*LiveCapture, error) {
	helper := opts.Helper
	if helper == "" {
		var err error
		if helper, err = live.HelperPath(); err != nil {
			return nil, fmt.Errorf("start capture: %w", err)
		}
	}
	if opts.StatsInterval <= 0 {
		opts.StatsInterval = 500 * time.Millisecond
	}
	args := []string{"-i", opts.Interface, "-w", "-", "--stats", opts.StatsInterval.String()}
	if opts.Filter != "" {
		args = append(args, "-f", opts.Filter)
	}
	if opts.Count > 0 {
		args = append(args, "-c", strconv.FormatUint(opts.Count, 10))
	}
	if opts.Duration > 0 {
		args = append(args, "--duration", opts.Duration.String())
	}
	argv := append(append(append([]string(nil), opts.Wrap...), helper), args...)
	cmd := exec.Command(argv[0], argv[1:]...)
	setHelperAttrs(cmd)
	// Our own pipes, not StdoutPipe: Wait must not close the stream
	// before the reader has drained it.
	outR, outW, err := os.Pipe()
	if err != nil {
		return nil, fmt.Errorf("start capture on %q: %w", opts.Interface, err)
	}
	errR, errW, err := os.Pipe()
	if err != nil {
		outR.Close()
		outW.Close()
		return nil, fmt.Errorf("start capture on %q: %w", opts.Interface, err)
	}
	cmd.Stdout, cmd.Stderr = outW, errW
	if err := cmd.Start(); err != nil {
		outR.Close()
		outW.Close()
		errR.Close()
		errW.Close()
		return nil, helperError(helper, opts.Interface, err)
	}
	outW.Close()
	errW.Close()
	lc := &LiveCapture{cmd: cmd, pipe: outR, stream: bufio.NewReaderSize(outR, 64<<10),
		errs: make(chan struct{}), exited: make(chan struct{})}
	go lc.readStderr(errR, opts.OnStats)
	go func() {
		werr := cmd.Wait()
		<-lc.errs
		err := lc.exitError(opts.Interface, werr)
		lc.mu.Lock()
		lc.err = err
		lc.mu.Unlock()
		close(lc.exited)
	}()
	stopOnCancel := context.AfterFunc(ctx, func() { lc.Stop() })
	// The helper writes its header only once the interface is open and
	// the filter set; EOF before that means it failed.
	if _, err := lc.stream.Peek(1); err != nil {
		stopOnCancel()
		<-lc.exited
		outR.Close()
		if lc.err != nil {
			return nil, lc.err
		}
		return nil, fmt.Errorf("capture on %q: the helper ended without writing anything", opts.Interface)
	}
	return lc, nil
}

// helperError says why the helper could not be started: it is missing,
// or the user may not run it (not in its group: a *live.PermissionError
// with the command that grants the right).
func helperError(helper, iface string, err error) error {
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("start capture: the capture helper %s is missing; build it with `make` (it belongs beside thingsniff)", helper)
	case errors.Is(err, fs.ErrPermission):
		return &live.PermissionError{Interface: iface, Command: live.FixCommand(),
			Err: fmt.Errorf("you may not run the capture helper %s: only its group may", helper)}
	}
	return fmt.Errorf("start capture helper %q: %w", helper, err)
}

// readStderr parses the helper's counter lines and keeps its other lines.
func (lc *LiveCapture) readStderr(r *os.File, onStats func(live.Stats)) {
	defer close(lc.errs)
	defer r.Close()
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		line := sc.Text()
		if st, ok := live.ParseStats(line); ok {
			lc.mu.Lock()
			lc.last = st
			lc.mu.Unlock()
			if onStats != nil {
				onStats(st)
			}
			continue
		}
		lc.mu.Lock()
		if reason, ok := strings.CutPrefix(line, live.FixReasonPrefix); ok {
			lc.fixReason = reason
		} else if cmd, ok := strings.CutPrefix(line, live.FixLinePrefix); ok {
			lc.fix = cmd
		} else if strings.TrimSpace(line) != "" {
			lc.lines = append(lc.lines, line)
			if len(lc.lines) > 8 {
				lc.lines = lc.lines[1:]
			}
		}
		lc.mu.Unlock()
	}
}

// exitError turns the helper's exit into the error the user reads. Called
// with lc.mu unlocked, after stderr is drained.
func (lc *LiveCapture) exitError(iface string, werr error) error {
	if werr == nil {
		return nil
	}
	lc.mu.Lock()
	defer lc.mu.Unlock()
	msg := ""
	if n := len(lc.lines); n > 0 {
		msg = lc.lines[n-1]
		msg = strings.TrimPrefix(msg, live.HelperName+": ")
	}
	if lc.fix != "" {
		reason := lc.fixReason
		if reason == "" {
			reason = msg
		}
		return &live.PermissionError{Interface: iface, Command: lc.fix, Err: errors.New(reason)}
	}
	var exit *exec.ExitError
	if errors.As(werr, &exit) && exit.ExitCode() == 126 {
		// What a shell (a wrapper such as pkexec's) says when it may not
		// run the helper.
		return &live.PermissionError{Interface: iface, Command: live.FixCommand(),
			Err: fmt.Errorf("the capture helper could not be run: %s", strings.TrimSpace(msg))}
	}
	if msg == "" {
		return fmt.Errorf("capture helper on %q failed: %w", iface, werr)
	}
	return fmt.Errorf("%s (capture helper: %v)", msg, werr)
}

// Stream is the pcapng stream from the helper. It ends (io.EOF) after the
// helper exits, having flushed everything it captured. Closing it (as
// closing the Capture that reads it does) stops a running helper.
func (lc *LiveCapture) Stream() io.ReadCloser { return streamCloser{lc} }

type streamCloser struct{ lc *LiveCapture }

func (s streamCloser) Read(p []byte) (int, error) { return s.lc.stream.Read(p) }
func (s streamCloser) Close() error {
	s.lc.Stop()
	return s.lc.pipe.Close()
}

// Stats is the last counter report from the helper.
func (lc *LiveCapture) Stats() live.Stats {
	lc.mu.Lock()
	defer lc.mu.Unlock()
	return lc.last
}

// Done is closed when the helper has exited.
func (lc *LiveCapture) Done() <-chan struct{} { return lc.exited }

// Err is why the helper failed, once Done is closed: nil after a stop,
// a count or a duration.
func (lc *LiveCapture) Err() error {
	lc.mu.Lock()
	defer lc.mu.Unlock()
	return lc.err
}

// stopGrace is how long a helper may take to flush and exit after an
// interrupt before it is killed.
const stopGrace = 5 * time.Second

// Stop interrupts the helper, which flushes what it captured and exits,
// and waits for it. It returns the helper's failure, if any. Calling it
// again is safe.
func (lc *LiveCapture) Stop() error {
	lc.once.Do(func() {
		select {
		case <-lc.exited:
			return
		default:
		}
		if err := interruptHelper(lc.cmd.Process); err != nil {
			lc.cmd.Process.Kill()
		}
		t := time.NewTimer(stopGrace)
		defer t.Stop()
		select {
		case <-lc.exited:
		case <-t.C:
			lc.cmd.Process.Kill()
		}
	})
	<-lc.exited
	return lc.Err()
}

// FindSpools lists spool files left in dir (os.TempDir when "") by a
// window that did not close them, for example one killed mid-capture,
// newest first. Spools still open in a running process and empty ones
// are left out. A listed spool opens with capture.Open.
func FindSpools(dir string) []string {
	if dir == "" {
		dir = os.TempDir()
	}
	paths, _ := filepath.Glob(filepath.Join(dir, capture.SpoolPattern))
	inUse := openFiles()
	type spool struct {
		path string
		mod  time.Time
	}
	var found []spool
	for _, p := range paths {
		st, err := os.Stat(p)
		if err != nil || !st.Mode().IsRegular() || st.Size() == 0 {
			continue
		}
		if abs, err := filepath.Abs(p); err == nil && inUse[abs] {
			continue
		}
		found = append(found, spool{p, st.ModTime()})
	}
	sort.Slice(found, func(i, j int) bool { return found[i].mod.After(found[j].mod) })
	out := make([]string, len(found))
	for i, s := range found {
		out[i] = s.path
	}
	return out
}
