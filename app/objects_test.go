package app

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"thingsniff/capture"
)

// exchange is one request and its response.
type exchange struct{ req, resp string }

// httpConversation makes the segments of one keep-alive connection that
// carries the exchanges, responses cut into 1400-byte segments, closed by
// the client.
func httpConversation(exs []exchange) []seg {
	cs, ss := uint32(1000), uint32(70000)
	at := time.Duration(0)
	tick := func() time.Duration { at += time.Millisecond; return at }
	segs := []seg{
		{true, "S", cs, 0, "", tick()},
		{false, "SA", ss, cs + 1, "", tick()},
		{true, "A", cs + 1, ss + 1, "", tick()},
	}
	cs, ss = cs+1, ss+1
	for _, e := range exs {
		segs = append(segs, seg{true, "PA", cs, ss, e.req, tick()})
		cs += uint32(len(e.req))
		for r := e.resp; len(r) > 0; {
			n := min(len(r), 1400)
			segs = append(segs, seg{false, "PA", ss, cs, r[:n], tick()})
			ss += uint32(n)
			r = r[n:]
		}
	}
	return append(segs,
		seg{true, "FA", cs, ss, "", tick()},
		seg{false, "FA", ss, cs + 1, "", tick()},
		seg{true, "A", cs + 1, ss + 1, "", tick()})
}

func response(disposition, contentType, body string) string {
	h := "HTTP/1.1 200 OK\r\nContent-Type: " + contentType + "\r\n"
	if disposition != "" {
		h += "Content-Disposition: attachment; filename=\"" + disposition + "\"\r\n"
	}
	return h + fmt.Sprintf("Content-Length: %d\r\n\r\n", len(body)) + body
}

func get(path string) string { return "GET " + path + " HTTP/1.1\r\nHost: thing.example\r\n\r\n" }

func TestExportObjectsHostileNames(t *testing.T) {
	const many = 2000
	exs := []exchange{
		{get("/a"), response("../../etc/x", "text/plain", "etc")},
		{get("/b"), response("/tmp/x", "text/plain", "tmp")},
		{get("/c"), response("CON", "text/plain", "con")},
		{get("/d"), response(".bashrc", "text/plain", "hidden")},
	}
	for i := range many {
		exs = append(exs, exchange{get("/index.html"), response("", "text/html", fmt.Sprintf("<p>%d</p>", i))})
	}
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write([]byte(strings.Repeat("compressed text ", 100)))
	zw.Close()
	exs = append(exs, exchange{get("/z.txt"),
		"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Encoding: gzip\r\n" +
			fmt.Sprintf("Content-Length: %d\r\n\r\n", gz.Len()) + gz.String()})
	big := strings.Repeat("0123456789abcdef", (exportMaxBody+1<<20)/16) // beyond what is kept in memory
	exs = append(exs, exchange{get("/big.bin"), response("", "application/octet-stream", big)})

	path := writeTCPCapture(t, t.TempDir(), httpConversation(exs))
	l, _ := openAndWait(t, path)

	parent := t.TempDir()
	dir := filepath.Join(parent, "out")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	objs, err := ExportObjects(context.Background(), l, nil, dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	checkExport(t, parent, dir, objs, len(exs), big)

	// The one-pass path of the CLI finds and saves the same.
	dir2 := filepath.Join(parent, "out2")
	os.Mkdir(dir2, 0o755)
	c, err := capture.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	objs2, err := ScanObjects(c, dir2, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(objs2) != len(objs) {
		t.Fatalf("ScanObjects found %d objects, ExportObjects %d", len(objs2), len(objs))
	}
	for i := range objs {
		if objs[i].SavedAs != objs2[i].SavedAs || objs[i].Size != objs2[i].Size || objs[i].Packet != objs2[i].Packet {
			t.Errorf("object %d: export %+v, scan %+v", i, objs[i].Object, objs2[i].Object)
		}
	}

	// Listing saves nothing and reports sizes; choosing saves only the chosen.
	list, err := ListObjects(context.Background(), l, nil)
	if err != nil || len(list) != len(exs) {
		t.Fatalf("ListObjects: %d objects, %v", len(list), err)
	}
	if list[len(list)-1].Size != int64(len(big)) || list[len(list)-1].SavedAs != "" {
		t.Errorf("listed big object %+v", list[len(list)-1].Object)
	}
	dir3 := filepath.Join(parent, "out3")
	os.Mkdir(dir3, 0o755)
	want := list[2].Key()
	chosen, err := ExportObjects(context.Background(), l, nil, dir3, func(o HTTPObject) bool { return o.Key() == want })
	if err != nil {
		t.Fatal(err)
	}
	entries, _ := os.ReadDir(dir3)
	if len(entries) != 1 || entries[0].Name() != "_CON" || chosen[2].SavedAs != "_CON" || chosen[3].SavedAs != "" {
		t.Errorf("choosing one object saved %v", entries)
	}
}

func checkExport(t *testing.T, parent, dir string, objs []HTTPObject, n int, big string) {
	t.Helper()
	if len(objs) != n {
		t.Fatalf("exported %d objects, want %d", len(objs), n)
	}
	top, _ := os.ReadDir(parent)
	for _, e := range top {
		if e.Name() != "out" && !strings.HasPrefix(e.Name(), "out") {
			t.Errorf("wrote %s outside the export folder", e.Name())
		}
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != n {
		t.Errorf("%d files in the folder, want %d", len(entries), n)
	}
	names := map[string]bool{}
	for _, o := range objs {
		if o.SavedAs == "" || names[o.SavedAs] {
			t.Errorf("object %s saved as %q (duplicate or unsaved)", o.Path, o.SavedAs)
		}
		names[o.SavedAs] = true
		if strings.ContainsAny(o.SavedAs, `/\`) || strings.HasPrefix(o.SavedAs, ".") {
			t.Errorf("unsafe name %q", o.SavedAs)
		}
		b, err := os.ReadFile(filepath.Join(dir, o.SavedAs))
		if err != nil {
			t.Fatal(err)
		}
		if int64(len(b)) != o.Size {
			t.Errorf("%s: %d bytes on disk, size %d", o.SavedAs, len(b), o.Size)
		}
	}
	for _, want := range []string{"x", "x (2)", "_CON", "bashrc", "index.html", "index (2).html", "index (2000).html", "z.txt", "big.bin"} {
		if !names[want] {
			t.Errorf("no object saved as %q", want)
		}
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "z.txt")); string(b) != strings.Repeat("compressed text ", 100) {
		t.Errorf("gzip body saved as %q..., want it decompressed", b[:min(len(b), 20)])
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "big.bin")); string(b) != big {
		t.Errorf("big body: %d bytes saved, want %d", len(b), len(big))
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "x")); string(b) != "etc" {
		t.Errorf("x holds %q", b)
	}
}
