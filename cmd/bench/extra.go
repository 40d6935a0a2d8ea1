package main

import "fmt"

// extraChildren are measurements that other features add.
var extraChildren = map[string]func(file string) (result, error){
	"follow":     followRaw,
	"iot-report": iotReport,
	"io-graph":   ioGraph,
}

// extra prints the measurements of other features.
func extra(dir string, packets int) {
	benchIOGraph(dir, packets)
	benchIoTReport()
	benchFollow(dir)
	benchHostile(dir)
	if err := benchWindow(dir, 1_000_000); err != nil {
		fmt.Println("window while sorting:", err)
	}
}
