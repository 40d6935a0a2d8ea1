package cli

import (
	"bufio"
	"fmt"
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
	c, err := openFile(env, fs)
	if err != nil {
		return err
	}
	defer c.Close()
	w := bufio.NewWriterSize(env.Stdout, 1<<16)
	defer w.Flush()
	enc := jsonEncoder(w)
	var first int64
	fn, err := app.ScanFilter(*expr, func(ix decode.Index, p *decode.Packet, f *decode.Flow) error {
		s := app.Describe(p, f)
		if *asJSON {
			return enc.Encode(packetJSON{No: p.Num, Time: time.Unix(0, ix.Time).UTC().Format(time.RFC3339Nano),
				Len: ix.OrigLen, CapLen: ix.CapLen, Src: s.Source, Dst: s.Destination, Proto: s.Protocol,
				Info: s.Info, Malformed: ix.Flags.Has(decode.FlagMalformed), Flow: ix.Flow})
		}
		_, err := fmt.Fprintf(w, "%6d %12.6f %-22s %-22s %-8s %5d %s\n", p.Num,
			float64(ix.Time-first)/1e9, s.Source, s.Destination, s.Protocol, ix.OrigLen, decode.Printable(s.Info))
		return err
	})
	if err != nil {
		return err
	}
	_, err = app.Scan(c, nil, func(ix decode.Index, p *decode.Packet, f *decode.Flow) error {
		if p.Num == 1 {
			first = ix.Time
		}
		return fn(ix, p, f)
	})
	return err
}
