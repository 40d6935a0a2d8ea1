//go:build (linux || freebsd || openbsd || netbsd) && !wayland

package main

import (
	"fmt"
	"net"
	"os"
	"strconv"
	"strings"
	"time"
)

// displayProblem says, in one sentence, why the window cannot be shown:
// no X display is named, or the one named does not answer. The graphics
// library would otherwise end the program with a stack trace.
func displayProblem() error {
	const headless = "the headless commands need none (thingsniff help)"
	name := os.Getenv("DISPLAY")
	if name == "" {
		return fmt.Errorf("there is no display to open the window on (DISPLAY is not set); %s", headless)
	}
	i := strings.LastIndexByte(name, ':')
	if i < 0 {
		return fmt.Errorf("the display %q is not of the form host:number; %s", name, headless)
	}
	host := name[:i]
	num, _, _ := strings.Cut(name[i+1:], ".") // :0.1 is screen 1 of display 0
	n, err := strconv.Atoi(num)
	if err != nil || n < 0 {
		return fmt.Errorf("the display %q is not of the form host:number; %s", name, headless)
	}
	var conn net.Conn
	switch host {
	case "", "unix":
		// X servers listen on an abstract socket and on a file.
		path := "/tmp/.X11-unix/X" + num
		if conn, err = net.DialTimeout("unix", "@"+path, 2*time.Second); err != nil {
			conn, err = net.DialTimeout("unix", path, 2*time.Second)
		}
	default:
		conn, err = net.DialTimeout("tcp", net.JoinHostPort(host, strconv.Itoa(6000+n)), 2*time.Second)
	}
	if err != nil {
		return fmt.Errorf("cannot reach the display %q to open the window on (%v); %s", name, err, headless)
	}
	conn.Close()
	return nil
}
