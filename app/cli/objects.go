package cli

import (
	"bufio"
	"fmt"
	"os"
	"strconv"
	"unicode/utf8"

	"thingsniff/app"
	"thingsniff/decode"
)

func runObjects(env Env) error {
	fs := newFlags("objects", env)
	out := fs.String("out", "", "folder to save the objects into (made if missing)")
	list := fs.Bool("list", false, "only list the objects, save nothing")
	pos, err := parseArgs(fs, env.Args, 1)
	if err != nil {
		return err
	}
	if (*out == "") == !*list {
		return errUsage
	}
	if *out != "" {
		if err := os.MkdirAll(*out, 0o755); err != nil {
			return fmt.Errorf("make export folder: %w", err)
		}
	}
	c, err := openInput(env, pos[0])
	if err != nil {
		return err
	}
	defer c.Close()
	objs, scanErr := app.ScanObjects(c, *out, nil)
	w := bufio.NewWriter(env.Stdout)
	fmt.Fprintf(w, "%8s %-30s %-40s %-28s %12s  %s\n", "packet", "host", "path", "content type", "size", "saved as")
	failed := 0
	for _, o := range objs {
		saved := o.SavedAs
		if saved == "" {
			saved = "-"
			if *list {
				saved = o.Name
			}
		}
		if o.Note != "" {
			saved += "  (" + o.Note + ")"
		}
		if o.Failed != "" {
			saved += "  (not saved: " + o.Failed + ")"
			failed++
		}
		fmt.Fprintf(w, "%8d %-30s %-40s %-28s %12s  %s\n", o.Packet, clip(decode.Printable(o.Host), 30), clip(decode.Printable(o.Path), 40),
			clip(decode.Printable(o.ContentType), 28), strconv.FormatInt(o.Size, 10), decode.Printable(saved))
	}
	if err := w.Flush(); err != nil {
		return fmt.Errorf("write object list: %w", err)
	}
	if scanErr == nil && failed > 0 {
		scanErr = fmt.Errorf("%d of %d objects could not be saved (each says why above); the others were", failed, len(objs))
	}
	return scanErr
}

// clip shortens s to at most n bytes for a table column, marking the cut.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n - 1
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}
