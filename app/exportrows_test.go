package app

import (
	"context"
	"encoding/csv"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestExportRowsWritesTheViewAsShown exports a filtered, sorted view as
// CSV and as text: the rows in the view's order, with the Time column's
// format; a cancelled export leaves no file behind.
func TestExportRowsWritesTheViewAsShown(t *testing.T) {
	rows := rowsOf(t, serverHangsUp)
	rows.SetTimeFormat(TimeSinceShown)
	dir := t.TempDir()
	view, shown := []int{8, 5, 2}, []int{2, 5, 8}

	path := filepath.Join(dir, "list.csv")
	var progress []int
	if err := rows.ExportRows(context.Background(), path, view, shown, 9, func(done, total int) { progress = append(progress, done, total) }); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(f).ReadAll()
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 4 || !slices.Equal(recs[0], rowColumns) {
		t.Fatalf("CSV: %q", recs)
	}
	for k, want := range []struct{ no, time string }{{"9", "42.020000"}, {"6", "0.070000"}, {"3", "0.000000"}} {
		r := rows.Row(view[k])
		if got := recs[k+1]; got[0] != want.no || got[1] != want.time || got[2] != r.Source || got[4] != r.Protocol || got[6] != r.Info {
			t.Errorf("CSV row %d: %q, want packet %s at %s: %+v", k+1, got, want.no, want.time, r)
		}
	}
	if !slices.Equal(progress, []int{0, 3}) {
		t.Errorf("progress told %v", progress)
	}

	text := filepath.Join(dir, "list.txt")
	if err := rows.ExportRows(context.Background(), text, nil, nil, 9, nil); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(text)
	lines := strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
	if len(lines) != 9 || !strings.HasPrefix(strings.TrimSpace(lines[8]), "9 ") || !strings.Contains(lines[3], "GET /liveupdate.jsp") {
		t.Errorf("text export:\n%s", b)
	}

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	gone := filepath.Join(dir, "cancelled.csv")
	if err := rows.ExportRows(ctx, gone, nil, nil, 9, nil); err == nil {
		t.Error("a cancelled export succeeded")
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if e.Name() != "list.csv" && e.Name() != "list.txt" {
			t.Errorf("%s is left in the folder", e.Name())
		}
	}
}
