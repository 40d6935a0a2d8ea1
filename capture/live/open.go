package live

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcap"

	"thingsniff/capture"
)

// Defaults for Options.
const (
	DefaultSnaplen    = 262144
	DefaultBufferSize = 32 << 20
)

// Options say what to capture.
type Options struct {
	// Interface is the name libpcap knows the interface by.
	Interface string
	// Filter is a capture filter in tcpdump's syntax; "" keeps everything.
	Filter string
	// Snaplen is the most bytes kept of each packet (DefaultSnaplen when 0).
	Snaplen int
	// NoPromiscuous leaves the interface out of promiscuous mode.
	NoPromiscuous bool
	// BufferSize is the kernel buffer in bytes (DefaultBufferSize when 0).
	BufferSize int
}

// Handle is an open, activated capture on one interface with its filter
// set. Nothing has been read from it yet.
type Handle struct {
	h       *pcap.Handle
	name    string
	link    layers.LinkType
	snaplen int
}

// PermissionError says that the process may not capture and how to fix it.
type PermissionError struct {
	Interface string
	// Command is the one command that grants the privileges, for the user
	// to copy; "" where there is none.
	Command string
	Err     error
}

func (e *PermissionError) Error() string {
	msg := fmt.Sprintf("no permission to capture on %q (%v)", e.Interface, e.Err)
	if e.Command != "" {
		msg += "; grant it once with: " + e.Command
	}
	return msg
}

func (e *PermissionError) Unwrap() error { return e.Err }

// FilterError is a capture filter that libpcap refused.
type FilterError struct {
	Filter string
	// Message is libpcap's own message, e.g. "syntax error".
	Message string
	// Pos is the byte offset in Filter where the fault lies (the word
	// libpcap names, or where its parser gave up), -1 when the filter
	// ends too early; Near is the word there.
	Pos  int
	Near string
}

func newFilterError(filter string, err error, link layers.LinkType) *FilterError {
	msg := strings.TrimPrefix(err.Error(), "can't parse filter expression: ")
	pos, near := locateFilterError(filter, msg, link)
	return &FilterError{Filter: filter, Message: msg, Pos: pos, Near: near}
}

// Where says in words where the fault lies: "at column 10 (and)" or
// "at the end".
func (e *FilterError) Where() string {
	if e.Pos < 0 {
		return "at the end: the filter is unfinished"
	}
	return fmt.Sprintf("at column %d (%s)", e.Pos+1, e.Near)
}

func (e *FilterError) Error() string {
	return fmt.Sprintf("bad capture filter %q: %s %s", e.Filter, e.Message, e.Where())
}

// FixCommand is the one command that lets the user capture without being
// root: on Linux, it gives the capture helper (HelperPath), and it alone,
// the two capabilities it needs, lets only the thingsniff group run it,
// and adds the user to that group (who then logs in again).
func FixCommand() string {
	helper, err := HelperPath()
	if err != nil {
		helper = "/path/to/" + HelperName
	}
	switch runtime.GOOS {
	case "linux":
		who := os.Getenv("USER")
		if who == "" {
			who = "$USER"
		}
		return fmt.Sprintf("sudo sh -c 'groupadd -f thingsniff && chown root:thingsniff %[1]s && chmod 0750 %[1]s && "+
			"setcap cap_net_raw,cap_net_admin=eip %[1]s && usermod -aG thingsniff %[2]s' (then log in again)", helper, who)
	case "windows":
		return "install Npcap from https://npcap.com (without \"restrict to administrators\")"
	case "darwin":
		return "sudo chmod o+r /dev/bpf*"
	}
	return ""
}

// HelperPath is where the capture helper is: beside the running
// executable.
func HelperPath() (string, error) {
	exe, err := os.Executable()
	if err != nil {
		return "", fmt.Errorf("find the capture helper: %w", err)
	}
	name := HelperName
	if runtime.GOOS == "windows" {
		name += ".exe"
	}
	return filepath.Join(filepath.Dir(exe), name), nil
}

// CheckFilter compiles filter for the given link type without opening
// an interface (no privileges needed), so a bad filter can be refused as
// it is typed. Open checks again against the interface's own link type.
func CheckFilter(filter string, link layers.LinkType) error {
	if strings.TrimSpace(filter) == "" {
		return nil
	}
	if _, err := pcap.CompileBPFFilter(link, DefaultSnaplen, filter); err != nil {
		return newFilterError(filter, err, link)
	}
	return nil
}

// Open opens and activates the interface and sets the filter. A missing
// interface, missing privileges (a *PermissionError) and a bad filter (a
// *FilterError) are reported here, before any packet is read.
func Open(opts Options) (*Handle, error) {
	if opts.Snaplen <= 0 {
		opts.Snaplen = DefaultSnaplen
	}
	if opts.BufferSize <= 0 {
		opts.BufferSize = DefaultBufferSize
	}
	name := opts.Interface
	if name == "" {
		return nil, errors.New("open capture: no interface given (`thingsniff interfaces` lists them)")
	}
	in, err := pcap.NewInactiveHandle(name)
	if err != nil {
		return nil, fmt.Errorf("open interface %q: %w", name, err)
	}
	defer in.CleanUp()
	for _, step := range []struct {
		what string
		err  error
	}{
		{"set snap length", in.SetSnapLen(opts.Snaplen)},
		{"set promiscuous mode", in.SetPromisc(!opts.NoPromiscuous)},
		// Not immediate: the kernel hands packets over in blocks (at most
		// readTimeout late), one wake-up per block instead of per packet,
		// which is what keeps up at 100k packets per second.
		{"set immediate mode", in.SetImmediateMode(false)},
		// A short timeout lets Run flush at the end of a burst and notice
		// a stop without a packet arriving.
		{"set read timeout", in.SetTimeout(readTimeout)},
		{"set buffer size", in.SetBufferSize(opts.BufferSize)},
	} {
		if step.err != nil {
			return nil, fmt.Errorf("open interface %q: %s: %w", name, step.what, step.err)
		}
	}
	h, err := in.Activate()
	if err != nil {
		return nil, activateError(name, err, in.Error())
	}
	hd := &Handle{h: h, name: name, link: h.LinkType(), snaplen: h.SnapLen()}
	if strings.TrimSpace(opts.Filter) != "" {
		if err := h.SetBPFFilter(opts.Filter); err != nil {
			h.Close()
			return nil, newFilterError(opts.Filter, err, hd.link)
		}
	}
	return hd, nil
}

// activateError turns a failed pcap_activate into a message that names
// the interface and, for missing privileges, the fix. gopacket's
// activation errors are of an unexported type, so the kind is read from
// the process's capabilities and, failing that, from libpcap's text.
func activateError(name string, err, detail error) error {
	msg := err.Error()
	if detail != nil && detail.Error() != "" {
		msg = detail.Error()
	}
	low := strings.ToLower(msg + " " + err.Error())
	if lacksCapturePrivileges() || strings.Contains(low, "permission denied") ||
		strings.Contains(low, "operation not permitted") || strings.Contains(low, "don't have permission") {
		return &PermissionError{Interface: name, Command: FixCommand(), Err: errors.New(msg)}
	}
	if strings.Contains(low, "no such device") {
		return fmt.Errorf("open interface %q: there is no such interface (%s); `thingsniff interfaces` lists them", name, msg)
	}
	return fmt.Errorf("open interface %q: %s", name, msg)
}

// Interface describes the interface for a pcapng interface block.
func (h *Handle) Interface() capture.Interface {
	return capture.Interface{LinkType: h.link, Name: h.name, Snaplen: uint32(h.snaplen)}
}

// Close releases the interface. Calling it twice is safe.
func (h *Handle) Close() { h.h.Close() }
