package main

import (
	"fmt"
	"os"
	"runtime/debug"

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"

	"thingsniff/app"
	"thingsniff/assets"
	"thingsniff/ui"
)

// runWindow opens the window, and the capture named by args[0] if any
// ("-" reads standard input).
func runWindow(args []string) error {
	if len(args) > 1 {
		return fmt.Errorf("open %q: the window opens one capture at a time; try `thingsniff help`", args[1])
	}
	if err := displayProblem(); err != nil {
		return err
	}
	debug.SetGCPercent(app.GCPercent)
	a := fyneapp.NewWithID("io.thingsniff.app")
	icon := fyne.NewStaticResource("thingsniff.png", assets.Icon())
	a.SetIcon(icon)
	w := a.NewWindow("thingsniff")
	w.Resize(fyne.NewSize(1360, 860))
	w.SetMaster()
	u := ui.Create(a, w, ui.Config{Demo: assets.Demo, Icon: icon})
	w.SetCloseIntercept(u.Quit)
	u.OfferRecovery("")
	if out := os.Getenv(benchFramesEnv); out != "" {
		benchSortFrames(a, w, u, out)
	}
	if len(args) == 1 {
		if args[0] == "-" {
			u.OpenStream(os.Stdin, "stdin")
		} else {
			u.Open(args[0])
		}
	}
	w.ShowAndRun()
	return nil
}
