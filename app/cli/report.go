package cli

import (
	"fmt"
	"strings"

	"thingsniff/app"
	"thingsniff/decode/device"
)

func runReport(env Env) error {
	fs := newFlags("report", env)
	asJSON := fs.Bool("json", false, "the report as one JSON document")
	asMD := fs.Bool("md", false, "the report as Markdown (the default)")
	only := fs.String("device", "", "only the device with this MAC (or IP)")
	expr := fs.String("filter", "", "only the events told from packets that pass this display filter")
	pos, err := parseArgs(fs, env.Args, 1)
	if err != nil {
		return err
	}
	if *asJSON && *asMD {
		return errUsage
	}
	c, err := openInput(env, pos[0])
	if err != nil {
		return err
	}
	defer c.Close()
	sel, err := selectFile(c, *expr)
	if err != nil {
		return err
	}
	r, scanErr := app.BuildReport(c)
	if sel != nil {
		r = app.FilterReport(r, sel)
	}
	if *only != "" {
		d := r.Device(strings.ToLower(*only))
		if d == nil {
			return fmt.Errorf("no device %s in %s", *only, c.Name())
		}
		r = device.Report{Devices: []*device.Device{d}}
	}
	if *asJSON {
		enc := jsonEncoder(env.Stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(r); err != nil {
			return err
		}
	} else {
		fmt.Fprint(env.Stdout, r.Markdown())
	}
	return scanErr
}
