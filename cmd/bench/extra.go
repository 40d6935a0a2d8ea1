package main

import "fmt"

// extraChildren are measurements that other features add.
var extraChildren = map[string]func(file string) (result, error){
	"follow":     followRaw,
	"iot-report": iotReport,
}

// extra prints the measurements of other features.
func extra(dir string) {
	benchIoTReport()
	benchFollow(dir)
	benchHostile(dir)
	if err := benchWindow(dir, 1_000_000); err != nil {
		fmt.Println("window while sorting:", err)
	}
}
