package cli

import (
	"bufio"

	"thingsniff/app"
)

// infoJSON is `thingsniff info --json`: one object, the facts in order.
type infoJSON struct {
	Facts []app.FileFact `json:"facts"`
}

// runInfo describes a capture file as Wireshark's Capture File
// Properties and capinfos do: format, size, time span, who wrote it,
// each interface with its filter and drops, and totals.
func runInfo(env Env) error {
	fs := newFlags("info", env)
	asJSON := fs.Bool("json", false, "one JSON object")
	c, err := openFile(env, fs)
	if err != nil {
		return err
	}
	defer c.Close()
	p, stopped := c.Properties(true)
	facts := app.FileFacts(c, p, nil, stopped)
	w := bufio.NewWriter(env.Stdout)
	defer w.Flush()
	if *asJSON {
		if err := jsonEncoder(w).Encode(infoJSON{Facts: facts}); err != nil {
			return err
		}
		return stopped
	}
	if _, err := w.WriteString(app.FactsText(facts)); err != nil {
		return err
	}
	return stopped
}
