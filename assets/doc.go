// Package assets holds the files thingsniff carries inside its binary: the
// application icon and the demo capture offered on the welcome page. It is a
// leaf: it imports nothing from the project.
package assets

import _ "embed"

//go:embed demo.pcapng
var demo []byte

//go:embed icon.png
var icon []byte

// Demo returns the demo capture (pcapng): a Samsung-like Blu-ray player
// phoning home on a Windows ICS LAN, an IP-TV set flooding multicast and a
// heating data logger falling silent. It is written by the project's own
// generator (capture/synth.Story); the slice is shared, do not modify it.
func Demo() []byte { return demo }

// Icon returns the application icon, a 256x256 PNG; the slice is shared, do
// not modify it.
func Icon() []byte { return icon }
