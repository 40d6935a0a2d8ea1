package app

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"

	"thingsniff/capture"
	"thingsniff/capture/live"
	"thingsniff/capture/live/loadtest"
	"thingsniff/decode"
)

// The test network of testdata/netns/net.sh: its namespaces, interfaces
// and addresses are the only targets of these tests' traffic.
const (
	nsRouter  = "tsn-router"
	nsThing   = "tsn-thing"
	ifRouter  = "veth-router"
	storyHTTP = "GET /liveupdate.jsp?model=BD-5500&ver=1.2&region=EU HTTP/1.1"
	storyName = "liveupdate.samsung.example"
)

var routerIP = netip.MustParseAddr("192.168.137.1")

// needTestNetwork skips unless the test network can be built here.
func needTestNetwork(t testing.TB) {
	t.Helper()
	if testing.Short() {
		t.Skip("live capture on a test network: not in -short")
	}
	if runtime.GOOS != "linux" {
		t.Skip("live capture tests build a network with ip netns: Linux only")
	}
	if os.Geteuid() != 0 {
		t.Skip("live capture tests need root to create network namespaces (run go test as root)")
	}
	for _, tool := range []string{"ip", "dnsmasq", "busybox", "tcpdump"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("live capture tests need %s (make deps installs it)", tool)
		}
	}
	if out, err := exec.Command("ip", "netns", "list").CombinedOutput(); err != nil {
		t.Skipf("ip netns is unavailable here: %v %s", err, out)
	}
}

// repoRoot is the module root, one up from this package.
func repoRoot(t testing.TB) string {
	t.Helper()
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	return filepath.Dir(wd)
}

// buildThingsniff builds the program, with the capture helper beside it
// (helperOf), and returns the program's path.
func buildThingsniff(t testing.TB) string {
	t.Helper()
	dir := t.TempDir()
	bin := filepath.Join(dir, "thingsniff")
	for _, b := range [][2]string{{bin, "."}, {helperOf(bin), "./cmd/thingsniff-capture"}} {
		cmd := exec.Command("go", "build", "-o", b[0], b[1])
		cmd.Dir = repoRoot(t)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("go build %s: %v\n%s", b[1], err, out)
		}
	}
	return bin
}

// helperOf is the capture helper beside the program bin.
func helperOf(bin string) string { return filepath.Join(filepath.Dir(bin), live.HelperName) }

// testNet brings the test network up and tears it down when the test ends,
// whatever happens.
func testNet(t testing.TB, args ...string) {
	t.Helper()
	// The namespaces have fixed names: one test network at a time on this
	// machine, even across test processes (another package's go test).
	lock, err := os.OpenFile(filepath.Join(os.TempDir(), "thingsniff-netns.lock"), os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	if err := syscall.Flock(int(lock.Fd()), syscall.LOCK_EX); err != nil {
		t.Fatalf("lock the test network: %v", err)
	}
	t.Cleanup(func() { lock.Close() })
	script := filepath.Join(repoRoot(t), "testdata", "netns", "net.sh")
	env := append(os.Environ(), "TSN_RUN="+filepath.Join(t.TempDir(), "run"))
	run := func(arg string) ([]byte, error) {
		cmd := exec.Command(script, arg)
		cmd.Env = env
		return cmd.CombinedOutput()
	}
	t.Cleanup(func() {
		if out, err := run("down"); err != nil {
			t.Errorf("net.sh down: %v\n%s", err, out)
		}
	})
	for _, a := range append([]string{"up"}, args...) {
		if out, err := run(a); err != nil {
			t.Fatalf("net.sh %s: %v\n%s", a, err, out)
		}
	}
}

func netScript(t *testing.T, arg string) string {
	t.Helper()
	cmd := exec.Command(filepath.Join(repoRoot(t), "testdata", "netns", "net.sh"), arg)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("net.sh %s: %v\n%s", arg, err, out)
	}
	return string(out)
}

// helperRun is a running `thingsniff capture` and what it said.
type helperRun struct {
	cmd   *exec.Cmd
	mu    sync.Mutex
	stats []live.Stats
	text  []string
	done  chan struct{} // stderr drained
}

// startHelper runs the capture helper beside bin (`thingsniff-capture -i
// veth-router -w out`) in the router's namespace and waits until it has
// written its header.
func startHelper(t *testing.T, bin, out string, extra ...string) *helperRun {
	t.Helper()
	args := append([]string{"netns", "exec", nsRouter, helperOf(bin), "-i", ifRouter, "-w", out, "--stats", "100ms"}, extra...)
	h := &helperRun{cmd: exec.Command("ip", args...), done: make(chan struct{})}
	h.cmd.Env = append(os.Environ(), "LANG=C.UTF-8")
	stderr, err := h.cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := h.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		h.cmd.Process.Kill()
		h.wait()
	})
	go func() {
		defer close(h.done)
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			h.mu.Lock()
			if s, ok := live.ParseStats(sc.Text()); ok {
				h.stats = append(h.stats, s)
			} else {
				h.text = append(h.text, sc.Text())
			}
			h.mu.Unlock()
		}
	}()
	waitFor(t, "the helper's pcapng header", func() bool {
		st, err := os.Stat(out)
		return err == nil && st.Size() >= 28
	})
	return h
}

func (h *helperRun) last() live.Stats {
	h.mu.Lock()
	defer h.mu.Unlock()
	if len(h.stats) == 0 {
		return live.Stats{}
	}
	return h.stats[len(h.stats)-1]
}

func (h *helperRun) messages() string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return strings.Join(h.text, "\n")
}

var errAlreadyWaited = errors.New("already waited")

func (h *helperRun) wait() error {
	<-h.done
	if h.cmd.ProcessState != nil {
		return errAlreadyWaited
	}
	return h.cmd.Wait()
}

// waitFor polls cond for up to 20 s: a bound against a hang, not a timing.
func waitFor(t testing.TB, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatalf("gave up waiting for %s", what)
}

// record is one packet read back from a capture file.
type record struct {
	time    int64
	origLen uint32
	data    []byte
}

// readAll reads every packet of a capture file; err is why it stopped
// early (a *capture.TruncatedError after a kill), nil at a clean end.
func readAll(t *testing.T, path string) ([]record, error) {
	t.Helper()
	c, err := capture.Open(path)
	if err != nil {
		t.Fatalf("open %s: %v", path, err)
	}
	defer c.Close()
	var recs []record
	for cur := c.Cursor(); ; {
		f, err := cur.Next()
		if errors.Is(err, io.EOF) {
			return recs, nil
		}
		if err != nil {
			return recs, err
		}
		recs = append(recs, record{f.Time, f.OrigLen, bytes.Clone(f.Data)})
	}
}

func countPackets(t *testing.T, path string) int {
	recs, _ := readAll(t, path)
	return len(recs)
}

// The story, live: the thing takes a lease, resolves the update server
// and fetches /liveupdate.jsp while thingsniff and tcpdump capture on the
// router's side. thingsniff's capture holds the whole story and is the
// same as tcpdump's, packet for packet and byte for byte.
func TestLiveStoryMatchesTcpdump(t *testing.T) {
	needTestNetwork(t)
	bin := buildThingsniff(t)
	testNet(t)
	dir := t.TempDir()
	ours, theirs := filepath.Join(dir, "thingsniff.pcapng"), filepath.Join(dir, "tcpdump.pcap")

	td := exec.Command("ip", "netns", "exec", nsRouter, "tcpdump", "-i", ifRouter, "-w", theirs, "-U", "-n",
		"--time-stamp-precision=nano", "-s", "262144")
	tdErr, err := td.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := td.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { td.Process.Kill(); td.Wait() })
	listening := make(chan struct{})
	go func() {
		sc := bufio.NewScanner(tdErr)
		for sc.Scan() {
			if strings.Contains(sc.Text(), "listening on") {
				close(listening)
				break
			}
		}
		io.Copy(io.Discard, tdErr)
	}()
	select {
	case <-listening:
	case <-time.After(20 * time.Second):
		t.Fatal("tcpdump did not start")
	}
	h := startHelper(t, bin, ours)

	if out := netScript(t, "story"); !strings.Contains(out, "[NO UPDATE]") {
		t.Fatalf("the thing's story failed:\n%s", out)
	}
	// Both have seen everything once their files agree in length and stop
	// growing.
	prev := -1
	waitFor(t, "both captures to hold the same packets", func() bool {
		a, b := countPackets(t, ours), countPackets(t, theirs)
		same := a == b && a == prev
		prev = a
		if a != b {
			prev = -1
		}
		time.Sleep(300 * time.Millisecond)
		return same
	})
	h.cmd.Process.Signal(os.Interrupt)
	td.Process.Signal(os.Interrupt)
	if err := h.wait(); err != nil {
		t.Fatalf("thingsniff capture: %v\n%s", err, h.messages())
	}
	td.Wait()

	got, err := readAll(t, ours)
	if err != nil {
		t.Fatalf("thingsniff's capture: %v", err)
	}
	want, err := readAll(t, theirs)
	if err != nil {
		t.Fatalf("tcpdump's capture: %v", err)
	}
	if len(got) != len(want) {
		t.Errorf("thingsniff has %d packets, tcpdump %d", len(got), len(want))
	}
	// Times are not compared: the kernel stamps an outgoing packet for
	// each capture socket separately, microseconds apart.
	var skew time.Duration
	for i := range min(len(got), len(want)) {
		g, w := got[i], want[i]
		if !bytes.Equal(g.data, w.data) || g.origLen != w.origLen {
			t.Errorf("packet %d differs:\nthingsniff %x (len %d)\ntcpdump    %x (len %d)", i+1, g.data, g.origLen, w.data, w.origLen)
		}
		skew = max(skew, time.Duration(g.time-w.time).Abs())
	}
	t.Logf("%d packets, byte for byte the same as tcpdump's (largest time stamp difference %v)", len(got), skew)
	final := h.last()
	if !final.Final || final.Written != uint64(len(got)) || final.Dropped != 0 {
		t.Errorf("final counters %+v for %d packets", final, len(got))
	}
	checkStory(t, got)
	checkStoryRows(t, ours)
	if os.Getenv("THINGSNIFF_RECORD") != "" {
		// Keep the recorded story for other tests: testdata/netns/story.pcapng.
		b, _ := os.ReadFile(ours)
		os.WriteFile(filepath.Join(repoRoot(t), "testdata", "netns", "story.pcapng"), b, 0o644)
	}
}

// checkStory finds each step of the story in the packets, by gopacket's
// own decoders: DHCP DORA, ARP for the router, the DNS question and
// answer, the GET with its query values, the answer and both FINs.
func checkStory(t *testing.T, recs []record) {
	t.Helper()
	dhcp := map[layers.DHCPMsgType]bool{}
	var arpReq, arpReply, dnsQ, dnsA, get, noUpdate, oldCookie bool
	fins := map[bool]bool{} // from the server?
	for _, r := range recs {
		p := gopacket.NewPacket(r.data, layers.LayerTypeEthernet, gopacket.Default)
		if l, ok := p.Layer(layers.LayerTypeDHCPv4).(*layers.DHCPv4); ok {
			for _, o := range l.Options {
				if o.Type == layers.DHCPOptMessageType && len(o.Data) == 1 {
					dhcp[layers.DHCPMsgType(o.Data[0])] = true
				}
			}
		}
		if a, ok := p.Layer(layers.LayerTypeARP).(*layers.ARP); ok && netip.AddrFrom4([4]byte(a.DstProtAddress)) == routerIP && a.Operation == layers.ARPRequest {
			arpReq = true
		}
		if a, ok := p.Layer(layers.LayerTypeARP).(*layers.ARP); ok && netip.AddrFrom4([4]byte(a.SourceProtAddress)) == routerIP && a.Operation == layers.ARPReply {
			arpReply = true
		}
		if d, ok := p.Layer(layers.LayerTypeDNS).(*layers.DNS); ok && len(d.Questions) == 1 && string(d.Questions[0].Name) == storyName {
			if !d.QR {
				dnsQ = true
			}
			for _, a := range d.Answers {
				if a.Type == layers.DNSTypeA && a.IP.Equal(routerIP.AsSlice()) {
					dnsA = true
				}
			}
		}
		if tcp, ok := p.Layer(layers.LayerTypeTCP).(*layers.TCP); ok {
			payload := string(tcp.Payload)
			get = get || strings.HasPrefix(payload, storyHTTP)
			noUpdate = noUpdate || strings.Contains(payload, "[NO UPDATE]")
			oldCookie = oldCookie || strings.Contains(payload, "Set-Cookie: JSESSIONID=9F3C2A61B0D4E7; Expires=Thu, 01-Jan-2009")
			if tcp.FIN {
				fins[tcp.SrcPort == 80] = true
			}
		}
	}
	for _, m := range []layers.DHCPMsgType{layers.DHCPMsgTypeDiscover, layers.DHCPMsgTypeOffer, layers.DHCPMsgTypeRequest, layers.DHCPMsgTypeAck} {
		if !dhcp[m] {
			t.Errorf("no DHCP %v", m)
		}
	}
	for what, ok := range map[string]bool{"ARP request for the router": arpReq, "ARP reply from the router": arpReply,
		"DNS query": dnsQ, "DNS answer": dnsA, "HTTP GET with the query values": get, "[NO UPDATE]": noUpdate,
		"the expired cookie": oldCookie, "FIN from the server": fins[true], "FIN from the thing": fins[false]} {
		if !ok {
			t.Errorf("the capture lacks %s", what)
		}
	}
}

// checkStoryRows reads the capture through the project's own Scan: no
// malformed packet, the GET's row shows the query, and the HTTP
// connection ends with a FIN.
func checkStoryRows(t *testing.T, path string) {
	t.Helper()
	c, err := capture.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	sawGet := false
	eng, err := Scan(c, nil, func(ix decode.Index, p *decode.Packet, f *decode.Flow) error {
		if ix.Flags.Has(decode.FlagMalformed) {
			t.Errorf("packet %d is marked malformed", p.Num)
		}
		if s := Describe(p, f); strings.Contains(s.Info, "/liveupdate.jsp?model=BD-5500&ver=1.2&region=EU") {
			sawGet = true
		}
		return nil
	})
	if err != nil {
		t.Fatalf("scan: %v", err)
	}
	if !sawGet {
		t.Error("no row shows the GET with its query values")
	}
	closed := false
	for _, f := range eng.Flows() {
		if f.Close == decode.CloseFIN {
			closed = true
		}
	}
	if !closed {
		t.Error("no flow closed with a FIN")
	}
}

// thingUDP sends count datagrams (rate per second) from the thing to the
// router's discard port.
func thingUDP(t *testing.T, ctx context.Context, rate int, count uint64) uint64 {
	t.Helper()
	g, err := loadtest.NewGenerator(nsThing, netip.AddrPortFrom(routerIP, 9), 64)
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	sent, err := g.Send(ctx, rate, 0, count)
	if err != nil {
		t.Fatal(err)
	}
	return sent
}

// A bad filter is refused with libpcap's message before anything is
// captured or any file is made.
func TestLiveBadFilterRefused(t *testing.T) {
	needTestNetwork(t)
	bin := buildThingsniff(t)
	testNet(t)
	out := filepath.Join(t.TempDir(), "x.pcapng")
	cmd := exec.Command("ip", "netns", "exec", nsRouter, bin, "capture", "-i", ifRouter, "-f", "udp port 99999", "-w", out)
	msg, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 1 {
		t.Fatalf("exit %v, want status 1\n%s", err, msg)
	}
	if !strings.Contains(string(msg), `bad capture filter "udp port 99999": illegal port number 99999 > 65535`) {
		t.Errorf("message lacks libpcap's reason:\n%s", msg)
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("a refused capture left %s behind", out)
	}
}

// The interface vanishes mid-capture: the helper says so and the file
// keeps every packet, complete.
func TestLiveVanishedInterface(t *testing.T) {
	needTestNetwork(t)
	bin := buildThingsniff(t)
	testNet(t, "static")
	out := filepath.Join(t.TempDir(), "gone.pcapng")
	h := startHelper(t, bin, out, "-f", "udp port 9")
	sent := thingUDP(t, context.Background(), 1000, 200)
	waitFor(t, "the helper to write the datagrams", func() bool { return h.last().Written >= sent })
	if out, err := exec.Command("ip", "-n", nsRouter, "link", "del", ifRouter).CombinedOutput(); err != nil {
		t.Fatalf("delete the veth: %v %s", err, out)
	}
	err := h.wait()
	msg := h.messages()
	if err == nil {
		t.Fatalf("the helper ended cleanly after its interface vanished:\n%s", msg)
	}
	if !strings.Contains(msg, `capture on "veth-router" stopped:`) {
		t.Errorf("unclear message:\n%s", msg)
	}
	recs, rerr := readAll(t, out)
	if rerr != nil || uint64(len(recs)) != sent {
		t.Errorf("file holds %d packets (%v), want all %d", len(recs), rerr, sent)
	}
	t.Logf("helper said: %s", msg)
}

// SIGKILL mid-capture: the file opens and holds at least every packet
// the helper had reported as written (flushed) before the kill.
func TestLiveSIGKILLKeepsFlushedPackets(t *testing.T) {
	needTestNetwork(t)
	bin := buildThingsniff(t)
	testNet(t, "static")
	out := filepath.Join(t.TempDir(), "killed.pcapng")
	h := startHelper(t, bin, out, "-f", "udp port 9")
	ctx, cancel := context.WithCancel(context.Background())
	sending := make(chan uint64)
	go func() { sending <- thingUDP(t, ctx, 5000, 0) }()
	waitFor(t, "a few flushes", func() bool { return h.last().Written >= 2000 })
	before := h.last().Written
	h.cmd.Process.Signal(syscall.SIGKILL)
	h.wait()
	cancel()
	sent := <-sending
	recs, err := readAll(t, out)
	if uint64(len(recs)) < before {
		t.Errorf("after SIGKILL the file holds %d packets, but %d were reported written", len(recs), before)
	}
	t.Logf("sent %d, reported written %d before the kill, file holds %d (ends: %v)", sent, before, len(recs), err)
}

// Without privileges the helper refuses and names the exact command that
// grants them; through StartCapture the window gets a *live.PermissionError.
func TestLiveWithoutPrivileges(t *testing.T) {
	needTestNetwork(t)
	if _, err := exec.LookPath("setpriv"); err != nil {
		t.Skip("needs setpriv to drop privileges")
	}
	bin := buildThingsniff(t)
	// nobody must be able to reach and run the binary.
	for d := filepath.Dir(bin); d != "/" && d != os.TempDir(); d = filepath.Dir(d) {
		os.Chmod(d, 0o755)
	}
	testNet(t)
	drop := []string{"ip", "netns", "exec", nsRouter, "setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--inh-caps=-all"}
	_, err := StartCapture(context.Background(), LiveOptions{Interface: ifRouter, Helper: helperOf(bin), Wrap: drop})
	var perm *live.PermissionError
	if !errors.As(err, &perm) {
		t.Fatalf("err = %v, want a *live.PermissionError", err)
	}
	if want := "setcap cap_net_raw,cap_net_admin=eip " + helperOf(bin); !strings.Contains(perm.Command, want) {
		t.Errorf("command %q, want one with %q", perm.Command, want)
	}
	t.Logf("the window would say: %v", err)
}

// The window's path: StartCapture runs the helper, the session reads its
// pcapng through a spool while the thing sends, Stop ends the stream with
// every packet the helper wrote.
func TestLiveStartCaptureIntoSession(t *testing.T) {
	needTestNetwork(t)
	bin := buildThingsniff(t)
	testNet(t, "static")
	spools := t.TempDir()
	var mu sync.Mutex
	var last Batch
	s := NewSession(Options{SpoolDir: spools}, func(b Batch) { mu.Lock(); last = b; mu.Unlock() })
	defer s.Close()
	lc, err := StartCapture(context.Background(), LiveOptions{Interface: ifRouter, Filter: "udp port 9", Helper: helperOf(bin),
		Wrap: []string{"ip", "netns", "exec", nsRouter}, StatsInterval: 100 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	l, err := s.OpenLive(lc.Stream(), "live "+ifRouter)
	if err != nil {
		t.Fatal(err)
	}
	if len(FindSpools(spools)) != 0 {
		t.Error("the spool of a capture still running is offered for recovery")
	}
	sent := thingUDP(t, context.Background(), 2000, 1000)
	waitFor(t, "the helper to write the datagrams", func() bool { return lc.Stats().Written >= sent })
	if err := lc.Stop(); err != nil {
		t.Fatalf("Stop: %v", err)
	}
	l.Wait()
	mu.Lock()
	b := last
	mu.Unlock()
	st := lc.Stats()
	if !b.Done || b.Err != nil || uint64(b.Packets) != st.Written || st.Written != sent || !st.Final {
		t.Errorf("final batch %+v, helper counters %+v, sent %d", b, st, sent)
	}
	s.Close()
	if spool, _ := filepath.Glob(filepath.Join(spools, capture.SpoolPattern)); len(spool) != 0 {
		t.Errorf("the spool of a finished capture stays behind: %q", spool)
	}
}

// BenchmarkLiveRate offers UDP load from the thing at rising rates while
// the window's path runs (helper in the router's namespace, pcapng over a
// pipe into a session that spools, indexes and builds flows and device
// timelines) and prints offered, captured by the views and dropped.
// Run it alone: go test -run '^$' -bench LiveRate -benchtime 1x ./app
// (THINGSNIFF_RATES=10000,50000 picks the rates).
func BenchmarkLiveRate(b *testing.B) {
	needTestNetwork(b)
	rates := []int{10000, 50000, 100000, 200000}
	if env := os.Getenv("THINGSNIFF_RATES"); env != "" {
		rates = rates[:0]
		for _, f := range strings.Split(env, ",") {
			var r int
			if _, err := fmt.Sscan(f, &r); err != nil {
				b.Fatalf("THINGSNIFF_RATES: %v", err)
			}
			rates = append(rates, r)
		}
	}
	bin := buildThingsniff(b)
	testNet(b, "static")
	lc, err := StartCapture(context.Background(), LiveOptions{Interface: ifRouter, Filter: "udp port 9", Helper: helperOf(bin),
		Wrap: []string{"ip", "netns", "exec", nsRouter}, StatsInterval: 200 * time.Millisecond})
	if err != nil {
		b.Fatal(err)
	}
	// The window's own path: a session that spools the stream, indexes it
	// and builds flows and device timelines as it comes.
	s := NewSession(Options{SpoolDir: b.TempDir(), Devices: true}, func(Batch) {})
	defer s.Close()
	l, err := s.OpenLive(lc.Stream(), "live "+ifRouter)
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	steps, err := loadtest.RateTest(context.Background(), loadtest.RateOptions{Netns: nsThing, Target: netip.AddrPortFrom(routerIP, 9),
		Rates: rates, Each: 2 * time.Second, Counters: lc.Stats, Captured: func() uint64 { return uint64(l.Index.Len()) }})
	b.StopTimer()
	if err != nil {
		b.Fatal(err)
	}
	if err := lc.Stop(); err != nil {
		b.Fatal(err)
	}
	l.Wait()
	loadtest.WriteRateTable(os.Stdout, steps)
	fmt.Printf("written to the spool %d, indexed by the views %d, device timelines built: %v\n",
		lc.Stats().Written, l.Index.Len(), l.Devices() != nil)
	for _, s := range steps {
		b.ReportMetric(float64(s.KernelDrops+s.IfDrops)+float64(max(s.Lost, 0)), fmt.Sprintf("lost@%dk", s.Rate/1000))
	}
}
