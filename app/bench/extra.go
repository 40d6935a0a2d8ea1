package main

import "thingsniff/decode"

// observersForReport makes the device-timeline observers for a load.
// Until timelines exist it makes none, and the ratio says so.
func observersForReport() []decode.Observer { return nil }

// extraChildren are measurements that other features add.
var extraChildren = map[string]func(file string) (result, error){
	"follow": followRaw,
}

// extra prints the measurements of other features.
func extra(dir string) {
	benchFollow(dir)
}
