package main

import (
	"fmt"
	"os"
	"path/filepath"
)

// iotCapture is the merged IoT-Sentinel capture of the shared corpus.
func iotCapture() string {
	return filepath.Join("..", "shared", "corpus", "perf", "iot-sentinel-all-devices-merged.pcap")
}

// iotReport builds the device report of the IoT capture, as `thingsniff
// report` does.
func iotReport(string) (result, error) { return reportOf(iotCapture()) }

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
