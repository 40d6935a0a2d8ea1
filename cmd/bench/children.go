package main

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"runtime/debug"
	"strings"
	"syscall"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"

	"thingsniff/app"
	"thingsniff/capture"
)

// runChild performs one measurement in this (child) process.
func runChild(kind, file string) (result, error) {
	switch kind {
	case "baseline":
		runtime.GC()
		return result{}, nil
	case "bare":
		return bareLoop(file)
	case "pcapgo":
		return pcapgoLoop(file)
	case "timelines":
		return timelinesAlone(file)
	case "load":
		return loadSession(file, false)
	case "report":
		return loadSession(file, true)
	}
	if f, ok := extraChildren[kind]; ok {
		return f(file)
	}
	if command, ok := strings.CutPrefix(kind, "cli:"); ok {
		return runCLI(command, file)
	}
	return result{}, fmt.Errorf("unknown measurement %q", kind)
}

// bareLoop is the reference: the same reader (a capture cursor), and a
// DecodingLayerParser over Ethernet, IPv4, IPv6, TCP and UDP, doing
// nothing with the result, on one core.
func bareLoop(file string) (result, error) {
	start := time.Now()
	c, err := capture.Open(file)
	if err != nil {
		return result{}, err
	}
	defer c.Close()
	cur := c.Cursor()
	n := bareDecode(func() ([]byte, error) {
		fr, err := cur.Next()
		return fr.Data, err
	})
	return result{Seconds: time.Since(start).Seconds(), Packets: n}, nil
}

// pcapgoLoop is the same loop with gopacket's own reader (pcapgo, without
// copies), as a program written with gopacket alone would read the file.
func pcapgoLoop(file string) (result, error) {
	start := time.Now()
	f, err := os.Open(file)
	if err != nil {
		return result{}, err
	}
	defer f.Close()
	r, err := pcapgo.NewNgReader(bufio.NewReaderSize(f, 1<<20), pcapgo.DefaultNgReaderOptions)
	if err != nil {
		return result{}, err
	}
	n := bareDecode(func() ([]byte, error) {
		data, _, err := r.ZeroCopyReadPacketData()
		return data, err
	})
	return result{Seconds: time.Since(start).Seconds(), Packets: n}, nil
}

// bareDecode decodes every packet next returns, until it fails, with a
// DecodingLayerParser over Ethernet, IPv4, IPv6, TCP and UDP, and returns
// how many there were.
func bareDecode(next func() ([]byte, error)) int {
	var (
		eth layers.Ethernet
		ip4 layers.IPv4
		ip6 layers.IPv6
		tcp layers.TCP
		udp layers.UDP
	)
	dlp := gopacket.NewDecodingLayerParser(layers.LayerTypeEthernet, &eth, &ip4, &ip6, &tcp, &udp)
	dlp.IgnoreUnsupported = true
	decoded := make([]gopacket.LayerType, 0, 8)
	n := 0
	for {
		data, err := next()
		if err != nil {
			return n
		}
		_ = dlp.DecodeLayers(data, &decoded)
		n++
	}
}

// timelinesAlone builds the device timelines as the headless report does:
// one stage, its own cursor and engine, nothing else running.
func timelinesAlone(file string) (result, error) {
	debug.SetGCPercent(app.GCPercent)
	return reportOf(file)
}

// reportOf times the device report of the capture at path, as `thingsniff
// report` builds it, and counts its packets after the clock stopped.
func reportOf(path string) (result, error) {
	start := time.Now()
	c, err := capture.Open(path)
	if err != nil {
		return result{}, err
	}
	defer c.Close()
	r, err := app.BuildReport(c)
	if err != nil {
		return result{}, err
	}
	res := result{Seconds: time.Since(start).Seconds(), Note: fmt.Sprintf("%d devices", len(r.Devices))}
	for cur := c.Cursor(); ; res.Packets++ {
		if _, err := cur.Next(); err != nil {
			break
		}
	}
	return res, nil
}

// loadSession opens the file as the window does and waits for the load.
func loadSession(file string, timelines bool) (result, error) {
	// The window's own GC target, so the memory measured is the window's.
	debug.SetGCPercent(app.GCPercent)
	var firstRows time.Duration
	start := time.Now()
	opts := app.Options{Devices: timelines}
	var flows int
	s := app.NewSession(opts, func(b app.Batch) {
		if firstRows == 0 && b.Packets > 0 {
			firstRows = time.Since(start)
		}
		flows += len(b.Flows)
	})
	l, err := s.Open(file)
	if err != nil {
		return result{}, err
	}
	l.Wait()
	if timelines && l.Devices() == nil {
		return result{}, fmt.Errorf("no device report")
	}
	elapsed := time.Since(start)
	runtime.GC()
	n := l.Index.Len()
	r := result{Seconds: elapsed.Seconds(), FirstRowsMs: float64(firstRows) / 1e6, Packets: n,
		Flows: len(l.Engine().Flows())}
	runtime.KeepAlive(l)
	return r, nil
}

func maxrss(cmd *exec.Cmd) int64 {
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		return ru.Maxrss * 1024
	}
	return 0
}
