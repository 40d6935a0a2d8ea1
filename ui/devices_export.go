package ui

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"thingsniff/decode/device"
)

// exportDialog asks where to write the device report; a .json name gets
// JSON, any other Markdown.
func (v *devicesView) exportDialog() {
	l := v.u.loaded
	if l == nil {
		v.u.status.setMessage("Open a capture first.")
		return
	}
	if v.report == nil || v.gen != l.Gen {
		v.u.status.setMessage("The device report is not ready yet: it is built when the capture has been read.")
		return
	}
	base := strings.TrimSuffix(filepath.Base(l.Name), filepath.Ext(l.Name))
	d := v.u.saveFileDialog(base+"-devices.md", []string{".md", ".json"}, func(path string) {
		v.exportTo(v.report, path)
	})
	d.SetTitleText("Export the device report: a .md name writes Markdown, .json writes JSON")
	d.SetConfirmText("Export")
	d.Show()
}

// exportTo writes r to path in the background.
func (v *devicesView) exportTo(r *device.Report, path string) {
	v.u.status.setMessage("Writing the device report to " + filepath.Base(path) + "…")
	v.u.background(func() func() {
		format, err := writeDeviceReport(r, path)
		return func() {
			if err != nil {
				v.u.showError(err)
				return
			}
			v.u.status.setMessage(fmt.Sprintf("Wrote the report of %s to %s (%s).",
				plural(len(r.Devices), "device", "devices"), path, format))
		}
	})
}

// writeDeviceReport writes r as JSON when path ends in .json, else as
// Markdown, and says which.
func writeDeviceReport(r *device.Report, path string) (string, error) {
	format, data := "Markdown", []byte(r.Markdown())
	if strings.EqualFold(filepath.Ext(path), ".json") {
		var err error
		format = "JSON"
		data, err = json.MarshalIndent(r, "", "  ")
		if err != nil {
			return format, fmt.Errorf("write the device report %s: %w", path, err)
		}
		data = append(data, '\n')
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		return format, fmt.Errorf("write the device report %s: %w", path, err)
	}
	return format, nil
}
