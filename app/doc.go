// Package app is a thingsniff session: it opens captures, runs the decode
// engine on a goroutine of its own, keeps the packet index and flows, and
// hands the window batches of news through an injected Dispatch function,
// never one call per packet. It knows nothing of Fyne, so everything in it
// is tested with a direct Dispatch.
package app
