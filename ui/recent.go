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
	l := slices.DeleteFunc(slices.Clone(r.list()), func(s string) bool { return s == path })
	l = append([]string{path}, l...)
	if len(l) > maxRecent {
		l = l[:maxRecent]
	}
	r.prefs.SetStringList(prefRecent, l)
}

func (r *recentFiles) clear() { r.prefs.RemoveValue(prefRecent) }
