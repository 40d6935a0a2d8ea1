package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"thingsniff/capture/synth"
)

func TestRunStory(t *testing.T) {
	out := filepath.Join(t.TempDir(), "demo.pcapng")
	if err := run(true, 0, 0, synth.FormatPcapng, out, ""); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	var want bytes.Buffer
	if err := synth.Story(&want, synth.DemoStart()); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want.Bytes()) {
		t.Fatalf("gen -story wrote %d bytes, Story %d", len(got), want.Len())
	}
}

func TestRunMix(t *testing.T) {
	out := filepath.Join(t.TempDir(), "mix.pcap")
	if err := run(false, 500, 3, synth.FormatPcap, out, "2024-01-02T03:04:05Z"); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) < 500*40 || !bytes.HasPrefix(got, []byte{0x4d, 0x3c, 0xb2, 0xa1}) {
		t.Fatalf("mix file of %d bytes starting % x", len(got), got[:4])
	}
	if err := run(false, 10, 1, "pcap", filepath.Join(t.TempDir(), "x"), "yesterday"); err == nil {
		t.Error("bad -start accepted")
	}
}
