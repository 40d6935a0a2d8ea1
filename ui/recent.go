package ui

import (
	"path/filepath"
	"slices"

	"fyne.io/fyne/v2"
)

const (
	prefRecent = "recent"
	maxRecent  = 10
)

// recentFiles is the list of captures opened lately, newest first, kept
// in the app's preferences.
type recentFiles struct {
	prefs fyne.Preferences
}

func newRecentFiles(p fyne.Preferences) *recentFiles { return &recentFiles{prefs: p} }

func (r *recentFiles) list() []string { return r.prefs.StringList(prefRecent) }

// add puts path first, dropping an older mention and the oldest beyond ten.
func (r *recentFiles) add(path string) {
	if abs, err := filepath.Abs(path); err == nil {
		path = abs
	}
	pushRecent(r.prefs, prefRecent, path, maxRecent)
}

// pushRecent puts item first in the preference list key, dropping an
// older mention and the oldest beyond max.
func pushRecent(prefs fyne.Preferences, key, item string, max int) {
	l := slices.DeleteFunc(slices.Clone(prefs.StringList(key)), func(s string) bool { return s == item })
	l = append([]string{item}, l...)
	if len(l) > max {
		l = l[:max]
	}
	prefs.SetStringList(key, l)
}

func (r *recentFiles) clear() { r.prefs.RemoveValue(prefRecent) }
