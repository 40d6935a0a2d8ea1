package app

import (
	"context"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// A full disk mid-capture (a 256 KiB tmpfs): the helper stops with a
// message that says the disk is full, and the file holds exactly the
// packets it said it had written, and reads to its end.
func TestLiveFullDisk(t *testing.T) {
	needTestNetwork(t)
	bin := buildThingsniff(t)
	testNet(t, "static")
	dir := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=256k", "tsn-full", dir).CombinedOutput(); err != nil {
		t.Skipf("cannot mount a small tmpfs here: %v %s", err, out)
	}
	t.Cleanup(func() { exec.Command("umount", dir).Run() })
	out := filepath.Join(dir, "full.pcapng")
	h := startHelper(t, bin, out, "-f", "udp port 9")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	sending := make(chan uint64, 1)
	go func() { sending <- thingUDP(t, ctx, 5000, 0) }()
	err := h.wait()
	cancel()
	<-sending
	msg := h.messages()
	if err == nil {
		t.Fatalf("the helper ended cleanly on a full disk:\n%s", msg)
	}
	if !strings.Contains(strings.ToLower(msg), "no space left") {
		t.Errorf("the message does not say the disk is full:\n%s", msg)
	}
	written := h.last().Written
	recs, rerr := readAll(t, out)
	if uint64(len(recs)) != written || written == 0 || rerr != nil {
		t.Errorf("the file holds %d packets (%v); the helper reported %d written", len(recs), rerr, written)
	}
	t.Logf("helper said: %s; %d reported written, %d in the file", msg, written, len(recs))
}
