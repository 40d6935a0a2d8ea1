package ui

import (
	"bytes"
	"context"
	"errors"
	"net"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"thingsniff/app"
)

// walk calls fn on o and everything inside it.
func walk(o fyne.CanvasObject, fn func(fyne.CanvasObject)) {
	fn(o)
	switch x := o.(type) {
	case *fyne.Container:
		for _, c := range x.Objects {
			walk(c, fn)
		}
	case fyne.Widget:
		r := test.WidgetRenderer(x)
		for _, c := range r.Objects() {
			walk(c, fn)
		}
	}
}

// overlayButton finds a button with the given text in the top overlay.
func overlayButton(t *testing.T, w fyne.Window, text string) *widget.Button {
	t.Helper()
	top := w.Canvas().Overlays().Top()
	if top == nil {
		t.Fatalf("no dialog shows (looking for %q)", text)
	}
	var found *widget.Button
	walk(top, func(o fyne.CanvasObject) {
		if b, ok := o.(*widget.Button); ok && b.Text == text && found == nil {
			found = b
		}
	})
	if found == nil {
		t.Fatalf("the dialog has no %q button", text)
	}
	return found
}

// fakeInterfaces is a laptop: its LAN, an ICS adapter, Wi-Fi and loopback.
func fakeInterfaces() []app.Interface {
	p := netip.MustParsePrefix
	return []app.Interface{
		{Name: "eth0", Description: "Onboard LAN", Addresses: []netip.Prefix{p("10.0.0.5/24")}, Up: true, Running: true},
		{Name: "wlan0", Addresses: []netip.Prefix{p("10.1.0.7/24")}, Up: true, Running: true, Wireless: true},
		{Name: "Ethernet 2", Description: "USB adapter", Addresses: []netip.Prefix{p("192.168.137.1/24")}, Up: true, Running: true},
		{Name: "lo", Addresses: []netip.Prefix{p("127.0.0.1/8")}, Up: true, Running: true, Loopback: true},
	}
}

// fakeSystem serves fakeInterfaces and counters the test sets.
func fakeSystem(h *harness, counters *map[string]app.InterfaceCounters) {
	h.u.live.sys.interfaces = func() ([]app.Interface, error) { return fakeInterfaces(), nil }
	h.u.live.sys.sample = func() map[string]app.InterfaceCounters { return *counters }
	h.u.live.sys.every = 0
}

func ifaceText(d *captureDialog, i int) (title, detail, badge string, spark []float32) {
	o := newIfaceItem()
	d.updateItem(i, o)
	c := o.(*fyne.Container)
	return c.Objects[ifTitle].(*widget.Label).Text, c.Objects[ifDetail].(*widget.Label).Text,
		c.Objects[ifBadge].(*widget.Label).Text, c.Objects[ifSpark].(*sparkline).heights()
}

func TestCaptureDialogInterfaces(t *testing.T) {
	h := newHarness(t, fyne.NewSize(1200, 800))
	counters := map[string]app.InterfaceCounters{"eth0": {RxPackets: 100}, "wlan0": {RxPackets: 50}, "Ethernet 2": {}, "lo": {}}
	fakeSystem(h, &counters)
	h.u.live.toggle()
	d := h.u.live.dialog
	if d == nil {
		t.Fatal("Ctrl+E without a capture should open the Capture dialog")
	}
	if d.chosen != 2 {
		t.Errorf("interface %d chosen, want the one sharing a connection (192.168.137.1)", d.chosen)
	}
	title, detail, badge, _ := ifaceText(d, 2)
	if title != "Ethernet 2   up · running" || detail != "USB adapter — 192.168.137.1/24" || !strings.Contains(badge, "shares a connection") {
		t.Errorf("ICS row: %q / %q / %q", title, detail, badge)
	}
	if title, _, _, _ := ifaceText(d, 3); title != "lo   up · running · loopback" {
		t.Errorf("loopback row %q", title)
	}
	// Activity draws bars: eth0 busy, wlan0 quiet for a while, then moving.
	for k := range 4 {
		counters = map[string]app.InterfaceCounters{"eth0": {RxPackets: 100 + 10*uint64(k+1)}, "wlan0": {RxPackets: 50}, "Ethernet 2": {}, "lo": {}}
		d.sample(counters)
	}
	if _, _, _, spark := ifaceText(d, 0); spark[sparkPoints-1] != 1 || spark[0] != 0 {
		t.Errorf("eth0's sparkline %v, want its last bar full", spark)
	}
	if _, _, _, spark := ifaceText(d, 1); spark[sparkPoints-1] != 0 {
		t.Errorf("quiet wlan0's sparkline %v", spark)
	}
	counters = map[string]app.InterfaceCounters{"eth0": {RxPackets: 150}, "wlan0": {RxPackets: 60}, "Ethernet 2": {}, "lo": {}}
	d.sample(counters)
	if _, _, badge, _ := ifaceText(d, 1); badge != "activity just started" || d.chosen != 1 {
		t.Errorf("wlan0 woke up: badge %q, chosen %d", badge, d.chosen)
	}
	// Once the user has chosen, activity does not move the choice.
	d.list.Select(0)
	d.ifaces[2].idle = 5
	counters = map[string]app.InterfaceCounters{"eth0": {RxPackets: 150}, "wlan0": {RxPackets: 60}, "Ethernet 2": {RxPackets: 9}, "lo": {}}
	d.sample(counters)
	if d.chosen != 0 || !d.ifaces[2].woke {
		t.Errorf("after the user chose eth0: chosen %d, ICS woke %v", d.chosen, d.ifaces[2].woke)
	}
	d.dlg.Hide()
	if h.u.live.dialog != nil {
		t.Error("closing the dialog should forget it")
	}
	// The last choice is remembered.
	h.a.Preferences().SetString(prefLiveIface, "lo")
	h.u.live.showDialog()
	if d := h.u.live.dialog; d.chosen != 3 {
		t.Errorf("with lo chosen last time, interface %d is chosen", d.chosen)
	}
}

func TestCaptureFilterValidation(t *testing.T) {
	h := newHarness(t, fyne.NewSize(1200, 800))
	counters := map[string]app.InterfaceCounters{}
	fakeSystem(h, &counters)
	h.u.live.showDialog()
	d := h.u.live.dialog
	if d.startBtn.Disabled() {
		t.Fatal("with no filter Start should be enabled")
	}
	test.Type(d.filter, "tcp port")
	if !d.startBtn.Disabled() || !strings.HasPrefix(d.filterMsg.Text, "libpcap: ") || !strings.Contains(d.filterMsg.Text, "syntax error") {
		t.Errorf("bad filter: start disabled %v, message %q", d.startBtn.Disabled(), d.filterMsg.Text)
	}
	test.Type(d.filter, " 80")
	if d.startBtn.Disabled() || d.filterMsg.Text != "The filter is valid." {
		t.Errorf("good filter: start disabled %v, message %q", d.startBtn.Disabled(), d.filterMsg.Text)
	}
}

func TestCapturePermissionDialog(t *testing.T) {
	h := newHarness(t, fyne.NewSize(1200, 800))
	const cmd = "sudo setcap cap_net_raw,cap_net_admin=eip /opt/thingsniff/thingsniff"
	h.u.live.sys.start = func(context.Context, app.LiveOptions) (*app.LiveCapture, error) {
		return nil, &app.PermissionError{Interface: "eth0", Command: cmd, Err: errors.New("socket: Operation not permitted")}
	}
	h.u.live.start("eth0", "")
	h.settle()
	if h.u.live.running() || h.u.live.bar.Visible() {
		t.Error("a refused capture still shows as running")
	}
	var entry *widget.Entry
	var text []string
	walk(h.w.Canvas().Overlays().Top(), func(o fyne.CanvasObject) {
		switch x := o.(type) {
		case *widget.Entry:
			entry = x
		case *widget.Label:
			text = append(text, x.Text)
		}
	})
	if entry == nil || entry.Text != cmd {
		t.Fatalf("the dialog should show the command %q", cmd)
	}
	all := strings.Join(text, " ")
	if !strings.Contains(all, "Operation not permitted") || !strings.Contains(all, "never this window") {
		t.Errorf("the dialog says %q", all)
	}
	if strings.Contains(strings.ToLower(all), "run as root") || strings.Contains(all, "sudo thingsniff") {
		t.Errorf("the dialog must not ask to run the window as root: %q", all)
	}
	test.Tap(overlayButton(t, h.w, "Copy"))
	if got := h.a.Clipboard().Content(); got != cmd {
		t.Errorf("Copy put %q on the clipboard", got)
	}
}

// fakeHelperScript writes a shell script that plays the capture helper:
// counters, the test capture, then waiting to be interrupted.
func fakeHelperScript(t *testing.T) string {
	t.Helper()
	if runtime.GOOS == "windows" {
		t.Skip("the fake capture helper is a shell script")
	}
	dir := t.TempDir()
	capPath := filepath.Join(dir, "cap.pcapng")
	if err := os.WriteFile(capPath, buildCapture(t, false), 0o600); err != nil {
		t.Fatal(err)
	}
	script := "#!/bin/sh\nCAP='" + capPath + "'\n" + `
trap 'echo "stats received=13 dropped=1 ifdropped=2 written=13 final=1" >&2; exit 0' INT
echo "stats received=13 dropped=0 ifdropped=0 written=13" >&2
cat "$CAP"
while :; do sleep 0.02; done
`
	path := filepath.Join(dir, "helper.sh")
	if err := os.WriteFile(path, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return path
}

// waitUntil runs the UI's queue until cond holds; it fails after a
// minute, which only a hung helper takes.
func (h *harness) waitUntil(what string, cond func() bool) {
	h.t.Helper()
	deadline := time.Now().Add(time.Minute)
	for !cond() {
		if time.Now().After(deadline) {
			h.t.Fatalf("gave up waiting for %s", what)
		}
		h.q.Drain()
		time.Sleep(5 * time.Millisecond)
	}
}

func TestLiveCaptureStartStopSave(t *testing.T) {
	h := newHarness(t, fyne.NewSize(1200, 800))
	c := h.u.live
	c.sys.helper = fakeHelperScript(t)
	want := len(testPackets())
	for round := range 2 {
		c.start("veth0", "")
		h.waitUntil("the capture's rows", func() bool { return h.u.packets.n == want && c.counters.Text != "" && c.lc != nil })
		if !c.bar.Visible() || !h.u.packets.follow.Checked {
			t.Errorf("round %d: live bar shown %v, following new packets %v", round, c.bar.Visible(), h.u.packets.follow.Checked)
		}
		h.waitUntil("the counters", func() bool { return strings.Contains(c.counters.Text, "13 received") })
		if got := c.counters.Text; !strings.Contains(got, "0 dropped by the kernel") || !strings.Contains(got, "13 written") {
			t.Errorf("counters %q", got)
		}
		lc := c.lc
		c.toggle() // Ctrl+E again stops
		<-lc.Done()
		h.waitUntil("the capture's end", func() bool { return !c.running() })
		if c.bar.Visible() {
			t.Error("the live bar stays after Stop")
		}
		if msg := h.u.status.message.Text; !strings.Contains(msg, "stopped") || !strings.Contains(msg, "1 dropped by the kernel") {
			t.Errorf("status after stop: %q", msg)
		}
	}
	if got := h.a.Preferences().String(prefLiveIface); got != "veth0" {
		t.Errorf("remembered interface %q", got)
	}
	h.u.session.Current().Wait()
	h.settle()
	path := filepath.Join(t.TempDir(), "saved.pcapng")
	h.u.saveTo(h.u.loaded, path, nil, nil)
	h.settle()
	h.open(path)
	if h.u.packets.n != want {
		t.Errorf("the saved live capture holds %d packets, want %d", h.u.packets.n, want)
	}
}

func TestStreamFollowsNewest(t *testing.T) {
	h := newHarness(t, fyne.NewSize(1000, 600))
	// A pipe, as from `tcpdump -w - | thingsniff -` or the capture helper.
	h.u.OpenStream(bytes.NewReader(buildCapture(t, false)), "pipe")
	h.u.work.Wait()
	h.settle()
	if !h.u.packets.follow.Checked {
		t.Error("a stream should follow new packets")
	}
	if h.u.packets.n != len(testPackets()) {
		t.Errorf("%d rows from the pipe, want %d", h.u.packets.n, len(testPackets()))
	}
}

func TestOfferRecovery(t *testing.T) {
	h := newHarness(t, fyne.NewSize(1200, 800))
	dir := t.TempDir()
	spool := filepath.Join(dir, "thingsniff-spool-123.pcap")
	if err := os.WriteFile(spool, buildCapture(t, true), 0o600); err != nil {
		t.Fatal(err)
	}
	h.u.OfferRecovery(dir)
	if len(h.u.live.recovery) != 1 || h.u.live.recovery[0] != spool {
		t.Fatalf("offered %v", h.u.live.recovery)
	}
	test.Tap(overlayButton(t, h.w, "Open"))
	h.settle()
	if h.u.packets.n != len(testPackets())-1 {
		t.Errorf("the recovered spool shows %d packets", h.u.packets.n)
	}
	h2 := newHarness(t, fyne.NewSize(1200, 800))
	h2.u.OfferRecovery(t.TempDir())
	if h2.w.Canvas().Overlays().Top() != nil {
		t.Error("with no spools nothing should be offered")
	}
}

// TestLiveCaptureLoopback captures for real on lo, through the
// thingsniff binary as the helper, while the test sends UDP datagrams
// to itself on 127.0.0.1.
func TestLiveCaptureLoopback(t *testing.T) {
	if testing.Short() {
		t.Skip("builds thingsniff and captures for real")
	}
	if os.Geteuid() != 0 {
		t.Skip("capturing on lo needs root (or the helper's capabilities); run as root to test it")
	}
	rx, err := net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	defer rx.Close()
	port := rx.LocalAddr().(*net.UDPAddr).Port
	bin := filepath.Join(t.TempDir(), "thingsniff-capture")
	build := exec.Command("go", "build", "-o", bin, "./cmd/thingsniff-capture")
	build.Dir = ".."
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build the capture helper: %v\n%s", err, out)
	}
	h := newHarness(t, fyne.NewSize(1200, 800))
	c := h.u.live
	c.sys.helper = bin
	c.start("lo", "udp port "+strconv.Itoa(port))
	h.waitUntil("the capture to start", func() bool { h.u.work.Wait(); return c.lc != nil || !c.running() })
	if c.lc == nil {
		t.Fatalf("the capture did not start: %s", h.u.status.message.Text)
	}
	tx, err := net.DialUDP("udp4", nil, rx.LocalAddr().(*net.UDPAddr))
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Close()
	const sent = 5
	for i := range sent {
		if _, err := tx.Write([]byte("thingsniff loopback test " + strconv.Itoa(i))); err != nil {
			t.Fatal(err)
		}
	}
	h.waitUntil("the datagrams", func() bool { return h.u.packets.n >= sent })
	lc := c.lc
	c.stop()
	<-lc.Done()
	h.waitUntil("the end", func() bool { return !c.running() })
	if h.u.packets.n != sent {
		t.Errorf("%d packets captured, want the %d datagrams", h.u.packets.n, sent)
	}
	for i := range h.u.packets.n {
		if row := h.u.rows.Row(i); !strings.Contains(row.Destination, strconv.Itoa(port)) && !strings.Contains(row.Info, strconv.Itoa(port)) {
			t.Errorf("packet %d (%s → %s, %s) is not to port %d", i+1, row.Source, row.Destination, row.Info, port)
		}
	}
}
