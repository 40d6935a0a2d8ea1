package cli

import (
	"bufio"
	"strconv"
	"time"

	"thingsniff/app"
	"thingsniff/decode"
)

// packetJSON is one line of `thingsniff packets --json`.
type packetJSON struct {
	No        uint32 `json:"no"`
	Time      string `json:"time"`
	Len       uint32 `json:"len"`
	CapLen    uint32 `json:"caplen"`
	Src       string `json:"src"`
	Dst       string `json:"dst"`
	Proto     string `json:"proto"`
	Info      string `json:"info"`
	Malformed bool   `json:"malformed"`
	Flow      uint32 `json:"flow,omitempty"`
}

func runPackets(env Env) error {
	fs := newFlags("packets", env)
	asJSON := fs.Bool("json", false, "one JSON object per line")
	expr := fs.String("filter", "", "only packets that pass this display filter (Wireshark's syntax: ip.addr == 10.0.0.1 && tcp.port == 80)")
	timeName := fs.String("time", app.TimeSinceStart.String(), "how the time column is written: relative (seconds since the first packet), delta (since the packet before), delta-shown (since the packet printed before), time (UTC time of day, with the date from a later day on), date (UTC date and time), epoch")
	c, err := openFile(env, fs)
	if err != nil {
		return err
	}
	defer c.Close()
	tf, err := app.ParseTimeFormat(*timeName)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(env.Stdout, 1<<16)
	defer w.Flush()
	enc := jsonEncoder(w)
	// times runs ahead of the filter: the packet captured before is the
	// one scanned before, the packet shown before the one printed before.
	var times app.PacketTimes
	shown := false
	fn, err := app.ScanFilter(*expr, func(ix decode.Index, p *decode.Packet, f *decode.Flow) error {
		if !shown {
			times.Shown, shown = ix.Time, true
		}
		at := tf.Format(times)
		times.Shown = ix.Time
		s := app.Describe(p, f)
		if *asJSON {
			return enc.Encode(packetJSON{No: p.Num, Time: time.Unix(0, ix.Time).UTC().Format(time.RFC3339Nano),
				Len: ix.OrigLen, CapLen: ix.CapLen, Src: s.Source, Dst: s.Destination, Proto: s.Protocol,
				Info: s.Info, Malformed: ix.Flags.Has(decode.FlagMalformed), Flow: ix.Flow})
		}
		return app.WriteRowText(w, app.Row{No: strconv.Itoa(int(p.Num)), Time: at, Source: s.Source, Destination: s.Destination,
			Protocol: s.Protocol, Length: strconv.Itoa(int(ix.OrigLen)), Info: s.Info})
	})
	if err != nil {
		return err
	}
	_, err = app.Scan(c, nil, func(ix decode.Index, p *decode.Packet, f *decode.Flow) error {
		if p.Num == 1 {
			times.First, times.Previous = ix.Time, ix.Time
		}
		times.At = ix.Time
		err := fn(ix, p, f)
		times.Previous = ix.Time
		return err
	})
	return err
}
