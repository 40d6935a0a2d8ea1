// Package app is a thingsniff session: it opens captures, runs the decode
// engine on a goroutine of its own, keeps the packet index and flows, and
// hands the window batches of news through an injected Dispatch function,
// never one call per packet. It knows nothing of Fyne, so everything in it
// is tested with a direct Dispatch.
package app

// GCPercent is the garbage collector's target the window runs with (and
// make bench measures with): the heap may grow half again over what is
// live, not double. The packet index is most of what a load holds, so
// this keeps a big capture's window small for a little more GC work.
// While a file loads, the collector is held back instead (see holdGC).
const GCPercent = 50
