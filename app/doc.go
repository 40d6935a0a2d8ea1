// Package app is a thingsniff session: it opens captures and reads them
// in stages, each on goroutines of its own with its own capture cursor:
// the index and flows (a file's pieces decoded on every core and merged in
// order), the device timelines (their own decode engine beside it), and
// the window's rows, filters and follow, which re-read packets by offset.
// Stages hand results forward and nothing back. The window gets batches of
// news through an injected Dispatch function, never one call per packet.
// It knows nothing of Fyne, so everything in it is tested with a direct
// Dispatch.
package app

// GCPercent is the garbage collector's target the window runs with (and
// make bench measures with): the heap may grow half again over what is
// live, not double. The packet index is most of what a load holds, so
// this keeps a big capture's window small for a little more GC work.
const GCPercent = 50
