package cli

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"strings"

	"thingsniff/app"
	"thingsniff/capture"
	"thingsniff/decode"
	"thingsniff/decode/httpmsg"
	"thingsniff/decode/stream"
)

// httpBodyShown caps the body bytes `follow --format http` prints per
// message.
const httpBodyShown = 1 << 20

// separator frames the text formats, as tshark's follow output does.
const separator = "==================================================================="

func runFollow(env Env) error {
	fs := newFlags("follow", env)
	id := fs.Uint64("flow", 0, "flow ID, as `thingsniff flows` lists it (from 1)")
	format := fs.String("format", "ascii", "ascii, hex, raw, hexraw or http")
	tcpStream := fs.Int("stream", -1, "instead of --flow: tshark's TCP stream number (tcp.stream, from 0)")
	direction := fs.String("direction", "both", "both, client or server")
	pos, err := parseArgs(fs, env.Args, 1)
	if err != nil {
		return err
	}
	var pick app.FlowPick
	switch {
	case *tcpStream >= 0 && *id != 0:
		return fmt.Errorf("%w: give --flow or --stream, not both", errUsage)
	case *tcpStream >= 0:
		pick = app.TCPStream(*tcpStream)
	case *id == 0:
		return fmt.Errorf("%w: follow needs --flow ID, and flow IDs start at 1, as `thingsniff flows` lists them (or --stream N, tshark's tcp.stream from 0)", errUsage)
	case *id > math.MaxUint32:
		return fmt.Errorf("%w: there is no flow %d: flow IDs go up to %d", errUsage, *id, uint32(math.MaxUint32))
	default:
		pick = app.FlowByID(uint32(*id))
	}
	show, err := stream.ParseShow(*direction)
	if err != nil {
		return err
	}
	isHTTP := *format == "http"
	var f stream.Format
	if !isHTTP {
		if f, err = stream.ParseFormat(*format); err != nil {
			return fmt.Errorf("%w (or http)", err)
		}
	}
	c, err := openInput(env, pos[0])
	if err != nil {
		return err
	}
	defer c.Close()
	w := bufio.NewWriterSize(env.Stdout, 64<<10)
	text := f != stream.Raw || isHTTP
	header := func(fl *decode.Flow) error {
		if !text {
			return nil
		}
		if isHTTP && fl.Proto != decode.ProtoTCP {
			return fmt.Errorf("follow flow %d as HTTP: it is %s, not TCP", fl.ID, fl.Proto)
		}
		fmt.Fprintf(w, "\n%s\nFollow: %s,%s\nFilter: flow %d\nNode 0: %s\nNode 1: %s\n",
			separator, strings.ToLower(fl.Proto.String()), *format, fl.ID, fl.Client, fl.Server)
		return nil
	}
	if isHTTP {
		return followHTTP(env, w, pick, header, c)
	}
	p := stream.NewPrinter(w, f, show)
	flow, ferr := app.FollowPicked(c, pick, header, p.Write)
	if err := p.Flush(); ferr == nil {
		ferr = err
	}
	counts := p.Counts()
	if text && flow.ID != 0 {
		fmt.Fprintf(w, "%s\n%s\n", summary(counts), separator)
	}
	if err := w.Flush(); ferr == nil && err != nil {
		ferr = fmt.Errorf("write followed stream: %w", err)
	}
	if !text {
		reportGaps(env.Stderr, counts, show)
	}
	return ferr
}

// followHTTP writes the HTTP messages of a flow as text.
func followHTTP(env Env, w *bufio.Writer, pick app.FlowPick, header func(*decode.Flow) error, c *capture.Capture) error {
	var werr error
	conv := httpmsg.NewConversation(httpmsg.Config{}, func(m *httpmsg.Message) error {
		if werr == nil {
			werr = httpmsg.WriteMessage(w, m, httpBodyShown)
		}
		return werr
	})
	flow, err := app.FollowPicked(c, pick, header, conv.Chunk)
	if cerr := conv.Close(); err == nil {
		err = cerr
	}
	if flow.ID != 0 {
		for d := range stream.Dir(2) {
			if serr := conv.Stopped(d); serr != nil {
				fmt.Fprintf(w, "--- %v ---\n", serr)
			}
		}
		fmt.Fprintln(w, separator)
	}
	if ferr := w.Flush(); err == nil && ferr != nil {
		err = fmt.Errorf("write followed stream: %w", ferr)
	}
	return err
}

// summary is the footer line of the text formats.
func summary(c stream.Counts) string {
	var b strings.Builder
	for d := range stream.Dir(2) {
		if d > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%s %d bytes in %d chunks", d, c.Bytes[d], c.Chunks[d])
		if c.Gaps[d] > 0 {
			fmt.Fprintf(&b, " (%d gaps, %d bytes missing)", c.Gaps[d], c.GapBytes[d])
		}
		if c.Conflicts[d] > 0 {
			fmt.Fprintf(&b, " (%d conflicting retransmissions, first copy kept)", c.Conflicts[d])
		}
	}
	return b.String()
}

// reportGaps says on stderr what raw output left out: raw bytes carry no
// markers, so a gap is simply absent from them.
func reportGaps(w io.Writer, c stream.Counts, show stream.Show) {
	for d := range stream.Dir(2) {
		if show == stream.ClientOnly && d != stream.ClientToServer || show == stream.ServerOnly && d != stream.ServerToClient {
			continue
		}
		if c.Gaps[d] > 0 {
			fmt.Fprintf(w, "thingsniff follow: %s direction: %d gaps, %d bytes missing in the capture; the raw output leaves them out (nothing is filled in)\n",
				d, c.Gaps[d], c.GapBytes[d])
		}
	}
}
