//go:build !((linux || freebsd || openbsd || netbsd) && !wayland)

package main

// displayProblem is nil where the window needs no X display (Windows,
// macOS, a Wayland build).
func displayProblem() error { return nil }
