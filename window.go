package main

import (
	"fmt"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"
	"time"

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"

	"thingsniff/app"
	"thingsniff/assets"
	"thingsniff/ui"
)

// runWindow opens the window, and the capture named by args[0] if any
// ("-" reads standard input).
func runWindow(args []string) error {
	iface := ""
	if len(args) > 0 && args[0] == "-i" {
		if len(args) != 2 {
			return fmt.Errorf("-i needs one interface to capture on, as in `thingsniff -i eth0`")
		}
		iface, args = args[1], nil
	}
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
	quitOnSignal(a, u)
	u.OfferRecovery("")
	if out := os.Getenv(benchFramesEnv); out != "" {
		benchSortFrames(a, w, u, out)
	}
	if iface != "" {
		u.Capture(iface)
	}
	if len(args) == 1 {
		if args[0] == "-" {
			u.OpenStream(os.Stdin, "stdin")
		} else {
			u.Open(args[0])
		}
	}
	w.ShowAndRun()
	// However the loop ended (Quit, the close button, a signal), stop a
	// capture in order and remove its spool before the process goes.
	u.Ended()
	return nil
}

// quitOnSignal ends the window's event loop on SIGTERM or SIGINT (Fyne's
// driver does too; this one also covers a loop that does not answer):
// runWindow then ends the capture in order (see UI.Ended), so that the
// next start offers for recovery only captures of windows that really
// died. A window stuck for quitGrace, or a second signal, ends at once,
// its spool removed all the same: CloseSession waits for a close that
// UI.Ended has under way, for at most closeGrace.
func quitOnSignal(a fyne.App, u *ui.UI) {
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, syscall.SIGTERM, os.Interrupt)
	go func() {
		<-sigs
		u.Ending() // before Fyne's own handler of the signal can end the loop
		// The driver's Quit, as Fyne's handler does: the app's Quit also
		// closes the window, and a pointer event still queued for a
		// closed window crashes Fyne before the spool is removed.
		fyne.Do(a.Driver().Quit)
		select {
		case <-sigs:
		case <-time.After(quitGrace):
		}
		closed := make(chan struct{})
		go func() {
			u.CloseSession()
			close(closed)
		}()
		select {
		case <-closed:
		case <-sigs:
		case <-time.After(closeGrace):
		}
		os.Exit(1)
	}()
}

// quitGrace is how long a signalled window may take to end in order:
// longer than a capture helper is given to flush and exit (5 s) before
// it is killed. closeGrace bounds the release of the capture after it.
const (
	quitGrace  = 10 * time.Second
	closeGrace = 5 * time.Second
)
