// Package chart draws thingsniff's pictures as images: the I/O graph
// (packets or bytes per second, a line per device or per filter, and the
// share sent to broadcast and multicast), the connection timeline (a bar
// per TCP connection from open to close, coloured by who closed it,
// grouped by client) and the map of whom one device talks to (device,
// gateway, names, edges as thick as the bytes).
//
// Each picture is drawn into an image.RGBA by this package's own few
// primitives (rectangles, lines, a bitmap font), with the places a
// pointer can point at (Mark: what it says on hover, which packets a
// click selects). Why an image and not Fyne canvas objects or a plotting
// library: one drawing serves the window, the saved PNG, the golden-image
// tests and the benchmark alike, and holds no Fyne object per point (a
// timeline has thousands of bars); gonum's plot would have brought a
// module tree for axes and lines, which is all these pictures need. It
// knows nothing of Fyne, so the window (ui), tests and cmd/bench use it.
package chart
