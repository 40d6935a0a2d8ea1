package main

import "errors"

// runWindow opens the window; the ui package provides it.
func runWindow(args []string) error {
	return errors.New("the window is not built yet")
}
