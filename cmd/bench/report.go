package main

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"time"

	"thingsniff/app"
	"thingsniff/capture"
)

// iotCapture is the merged IoT-Sentinel capture of the shared corpus.
func iotCapture() string {
	return filepath.Join("..", "shared", "corpus", "perf", "iot-sentinel-all-devices-merged.pcap")
}

// iotReport builds the device report of the IoT capture, as `thingsniff
// report` does.
func iotReport(string) (result, error) {
	start := time.Now()
	c, err := capture.Open(iotCapture())
	if err != nil {
		return result{}, err
	}
	defer c.Close()
	r, err := app.BuildReport(c)
	if err != nil {
		return result{}, err
	}
	res := result{Seconds: time.Since(start).Seconds(), Note: fmt.Sprintf("%d devices", len(r.Devices))}
	// The packets are counted after the clock stopped.
	for cur := c.Cursor(); ; res.Packets++ {
		if _, err := cur.Next(); err != nil {
			break
		}
	}
	runtime.KeepAlive(r)
	return res, nil
}

// benchIoTReport prints how long the 64 MB IoT capture takes to report.
func benchIoTReport() {
	if _, err := os.Stat(iotCapture()); err != nil {
		fmt.Println("IoT report: corpus not found beside the repository; skipped")
		return
	}
	t := inTurn([]string{"iot-report"}, rounds, func(kind string) (result, error) { return child(kind, "") })
	if err := t.errs["iot-report"]; err != nil {
		fmt.Println("IoT report:", err)
	}
	if len(t.runs["iot-report"]) > 0 {
		printIoTReport(os.Stdout, t.runs["iot-report"])
	}
}
