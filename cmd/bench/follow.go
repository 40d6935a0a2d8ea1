package main

import (
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"

	"thingsniff/app"
	"thingsniff/app/cli"
	"thingsniff/capture"
	"thingsniff/decode"
)

// gigaStreamBytes is the payload of the generated single stream.
const gigaStreamBytes = 1 << 30

// countWriter counts what is written to it and drops it.
type countWriter struct{ n int64 }

func (w *countWriter) Write(p []byte) (int, error) { w.n += int64(len(p)); return len(p), nil }

// followRaw runs `thingsniff follow FILE --flow ID --format raw` (both
// directions) into a counting io.Discard, ID being the file's first TCP
// flow (tshark's tcp.stream 0).
func followRaw(file string) (result, error) {
	start := time.Now()
	id, err := firstTCPFlow(file)
	if err != nil {
		return result{}, err
	}
	scanned := time.Since(start)
	start = time.Now()
	var out countWriter
	var errOut countWriter
	if code := cli.Run("follow", cli.Env{Args: []string{file, "--flow", strconv.Itoa(int(id)), "--format", "raw"},
		Stdout: &out, Stderr: &errOut}); code != 0 {
		return result{}, fmt.Errorf("thingsniff follow %s: exit %d", file, code)
	}
	return result{Seconds: time.Since(start).Seconds(), Bytes: out.n,
		Note: fmt.Sprintf("finding the flow took %.2fs", scanned.Seconds())}, nil
}

// firstTCPFlow returns the ID of a capture's first TCP flow (the user
// would read it from `thingsniff flows`).
func firstTCPFlow(file string) (uint32, error) {
	c, err := capture.Open(file)
	if err != nil {
		return 0, err
	}
	defer c.Close()
	var id uint32
	_, err = app.Scan(c, nil, func(ix decode.Index, p *decode.Packet, f *decode.Flow) error {
		if f != nil && f.Proto == decode.ProtoTCP {
			id = f.ID
			return errFound
		}
		return nil
	})
	if id == 0 {
		return 0, fmt.Errorf("%s has no TCP flow: %v", file, err)
	}
	return id, nil
}

var errFound = fmt.Errorf("found")

// writeGigaStream writes one TCP connection carrying 1 GiB from client to
// server in 1460-byte segments, the server acknowledging every second
// one. Headers are built once and patched (checksums are left as built:
// neither tshark nor thingsniff checks them by default).
func writeGigaStream(w io.Writer) error {
	pw, err := capture.NewPcapngWriter(w, []capture.Interface{{LinkType: layers.LinkTypeEthernet, Name: "eth0", Snaplen: 65535}})
	if err != nil {
		return err
	}
	cmac := net.HardwareAddr{0x00, 0x12, 0xfb, 0x01, 0x02, 0x03}
	smac := net.HardwareAddr{0x00, 0x15, 0x5d, 0xaa, 0xbb, 0xcc}
	cip, sip := net.IPv4(10, 0, 0, 1).To4(), net.IPv4(10, 0, 0, 2).To4()
	frame := func(fromClient bool, syn, ack, fin bool, seq, ackN uint32, payload []byte) ([]byte, error) {
		eth := &layers.Ethernet{SrcMAC: cmac, DstMAC: smac, EthernetType: layers.EthernetTypeIPv4}
		ip := &layers.IPv4{Version: 4, TTL: 64, Protocol: layers.IPProtocolTCP, SrcIP: cip, DstIP: sip}
		tcp := &layers.TCP{SrcPort: 40000, DstPort: 5001, Seq: seq, Ack: ackN, SYN: syn, ACK: ack, FIN: fin, Window: 65535}
		if !fromClient {
			eth.SrcMAC, eth.DstMAC = smac, cmac
			ip.SrcIP, ip.DstIP = sip, cip
			tcp.SrcPort, tcp.DstPort = 5001, 40000
		}
		tcp.SetNetworkLayerForChecksum(ip)
		buf := gopacket.NewSerializeBuffer()
		err := gopacket.SerializeLayers(buf, gopacket.SerializeOptions{FixLengths: true, ComputeChecksums: true},
			eth, ip, tcp, gopacket.Payload(payload))
		return buf.Bytes(), err
	}
	const seg = 1460
	t := time.Date(2026, 11, 25, 20, 0, 0, 0, time.UTC).UnixNano()
	write := func(b []byte) error {
		t += 10_000
		return pw.WritePacket(0, t, b, uint32(len(b)))
	}
	cseq, sseq := uint32(0xfffff000), uint32(7000) // the client's numbers wrap
	for _, f := range []struct {
		c        bool
		s, a     bool
		seq, ack uint32
	}{{true, true, false, cseq, 0}, {false, true, true, sseq, cseq + 1}, {true, false, true, cseq + 1, sseq + 1}} {
		b, err := frame(f.c, f.s, f.a, false, f.seq, f.ack, nil)
		if err != nil {
			return err
		}
		if err := write(b); err != nil {
			return err
		}
	}
	cseq++
	sseq++
	payload := make([]byte, seg)
	for i := range payload {
		payload[i] = "thingsniff follows a long stream. "[i%34]
	}
	data, err := frame(true, false, true, false, 0, sseq, payload)
	if err != nil {
		return err
	}
	ackf, err := frame(false, false, true, false, sseq, 0, nil)
	if err != nil {
		return err
	}
	const seqAt, ackAt = 14 + 20 + 4, 14 + 20 + 8
	put := func(b []byte, at int, v uint32) {
		b[at], b[at+1], b[at+2], b[at+3] = byte(v>>24), byte(v>>16), byte(v>>8), byte(v)
	}
	for sent := 0; sent < gigaStreamBytes; sent += seg {
		put(data, seqAt, cseq)
		cseq += seg
		if err := write(data); err != nil {
			return err
		}
		if (sent/seg)%2 == 1 {
			put(ackf, ackAt, cseq)
			if err := write(ackf); err != nil {
				return err
			}
		}
	}
	for _, f := range []struct {
		c        bool
		seq, ack uint32
	}{{true, cseq, sseq}, {false, sseq, cseq + 1}} {
		b, err := frame(f.c, false, true, true, f.seq, f.ack, nil)
		if err != nil {
			return err
		}
		if err := write(b); err != nil {
			return err
		}
	}
	return pw.Flush()
}

// benchFollow measures follow-stream reassembly against tshark on the
// long-line capture of the corpus and on a generated 1 GiB stream, and
// the peak memory of following the 1 GiB stream.
func benchFollow(dir string) {
	fmt.Println()
	kinds := []string{"baseline", "follow"}
	_, tsharkErr := exec.LookPath("tshark")
	if tsharkErr == nil {
		kinds = append(kinds, "tshark")
	}
	fmt.Printf("follow stream (%d rounds of %s in turn)\n", rounds, strings.Join(kinds, ", "))
	giga := filepath.Join(dir, "follow-1gib.pcapng")
	if err := ensure(giga, func(w io.Writer) error { return writeGigaStream(w) }); err != nil {
		fmt.Println("follow: cannot generate the 1 GiB stream:", err)
		return
	}
	if tsharkErr != nil {
		fmt.Println("tshark: not installed, no follow comparison")
	}
	files := []struct{ name, path string }{
		{"long-line capture", filepath.Join("..", "shared", "corpus", "perf", "telnet-long-line-no-eol.pcapng")},
		{"1 GiB stream", giga},
	}
	for _, f := range files {
		if _, err := os.Stat(f.path); err != nil {
			fmt.Printf("follow %s: not measured: %v\n", f.name, err)
			continue
		}
		// From the page cache, as tshark after it will read it.
		if err := warm(f.path); err != nil {
			fmt.Printf("follow %s: %v\n", f.name, err)
			continue
		}
		t := inTurn(kinds, rounds, func(kind string) (result, error) {
			if kind == "tshark" {
				return timeCommand("tshark", "-n", "-q", "-r", f.path, "-z", "follow,tcp,raw,0")
			}
			return child(kind, f.path)
		})
		if err := errors.Join(t.errs["follow"], t.errs["baseline"]); err != nil {
			fmt.Printf("follow %s: %v\n", f.name, err)
			continue
		}
		printFollow(os.Stdout, f.name, f.path == giga, t)
	}
}
