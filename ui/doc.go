// Package ui is thingsniff's window: a welcome page, the packet list with
// its details tree and hex dump, the flow table, a status bar, and the
// menus that open and save captures.
//
// Everything here runs on Fyne's UI goroutine. Loading, filtering, sorting
// and saving run elsewhere (in package app or in goroutines started here)
// and hand their results back through the dispatch function (fyne.Do in
// the program, a queue that tests drain), so no widget is ever touched
// from another goroutine. There is no package-level state: every view is
// a value owned by one UI.
//
// A new view (the Devices tab, the Follow stream view) plugs in with
// UI.AddTab and learns about captures through UI.OnLoad and UI.OnBatch;
// UI.ShowPackets jumps to the packet list with a filter.
package ui
