package cli

import (
	"bufio"
	"fmt"
	"time"

	"thingsniff/app"
	"thingsniff/decode"
)

// flowJSON is one line of `thingsniff flows --json`.
type flowJSON struct {
	ID              uint32 `json:"id"`
	Proto           string `json:"proto"`
	Client          string `json:"client"`
	Server          string `json:"server"`
	PacketsToServer uint32 `json:"packets_to_server"`
	PacketsToClient uint32 `json:"packets_to_client"`
	BytesToServer   uint64 `json:"bytes_to_server"`
	BytesToClient   uint64 `json:"bytes_to_client"`
	First           string `json:"first"`
	Last            string `json:"last"`
	DurationMs      int64  `json:"duration_ms"`
	State           string `json:"state,omitempty"`
	ClosedBy        string `json:"closed_by"`
	Close           string `json:"close"`
	IdleBeforeClose int64  `json:"idle_before_close_ms"`
	Retransmissions uint32 `json:"retransmissions"`
	App             string `json:"app,omitempty"`
}

func runFlows(env Env) error {
	fs := newFlags("flows", env)
	asJSON := fs.Bool("json", false, "one JSON object per line")
	expr := fs.String("filter", "", "only flows with a packet that passes this display filter")
	c, err := openFile(env, fs)
	if err != nil {
		return err
	}
	defer c.Close()
	sel, err := selectFile(c, *expr)
	if err != nil {
		return err
	}
	eng, scanErr := app.ReadFlows(c)
	w := bufio.NewWriter(env.Stdout)
	defer w.Flush()
	enc := jsonEncoder(w)
	if !*asJSON {
		fmt.Fprintf(w, "%5s %-6s %-40s %-40s %8s %8s %10s %10s %10s %-7s %-4s %s\n",
			"id", "proto", "client", "server", "pkts→", "pkts←", "bytes→", "bytes←", "duration", "closer", "how", "idle")
	}
	for _, f := range eng.Flows() {
		if sel != nil && !sel.HasFlow(f.ID) {
			continue
		}
		if *asJSON {
			if err := enc.Encode(FlowJSON(f)); err != nil {
				return err
			}
			continue
		}
		idle := ""
		if f.Close != decode.CloseNone {
			idle = decode.FormatDuration(f.IdleBeforeClose())
		}
		fmt.Fprintf(w, "%5d %-6s %-40s %-40s %8d %8d %10d %10d %10s %-7s %-4s %s\n",
			f.ID, f.Proto, f.Client, f.Server, f.Packets[0], f.Packets[1], f.Bytes[0], f.Bytes[1],
			decode.FormatDuration(f.Duration()), f.ClosedBy, f.Close, idle)
	}
	return scanErr
}

// FlowJSON converts a flow to its JSON form.
func FlowJSON(f *decode.Flow) any {
	stamp := func(ns int64) string { return time.Unix(0, ns).UTC().Format(time.RFC3339Nano) }
	j := flowJSON{ID: f.ID, Proto: f.Proto.String(), Client: f.Client.String(), Server: f.Server.String(),
		PacketsToServer: f.Packets[0], PacketsToClient: f.Packets[1], BytesToServer: f.Bytes[0], BytesToClient: f.Bytes[1],
		First: stamp(f.First), Last: stamp(f.Last), DurationMs: f.Duration().Milliseconds(),
		ClosedBy: f.ClosedBy.String(), Close: f.Close.String(), IdleBeforeClose: f.IdleBeforeClose().Milliseconds(),
		Retransmissions: f.Retransmissions}
	if f.Proto == decode.ProtoTCP {
		j.State = f.State.String()
	}
	if f.App != decode.ProtoUnknown {
		j.App = f.App.String()
	}
	return j
}
