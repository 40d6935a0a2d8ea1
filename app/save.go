package app

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"

	"thingsniff/capture"
)

// SaveAs writes packets of l to path as "pcapng" or "pcap". which lists
// 0-based packet indexes to write; nil writes every packet loaded so far.
// It writes to a temporary file beside path and renames it, so a failed
// save never leaves half a file under the chosen name.
func SaveAs(l *Loaded, path, format string, which []int) (err error) {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".thingsniff-save-*")
	if err != nil {
		return fmt.Errorf("save %s: %w", path, err)
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	bw := bufio.NewWriterSize(tmp, 1<<20)
	ifaces := l.Interfaces()
	n := l.Index.Len()
	count := n
	if which != nil {
		count = len(which)
	}
	at := func(k int) int {
		if which != nil {
			return which[k]
		}
		return k
	}
	var write func(iface uint16, t int64, data []byte, orig uint32) error
	var flush func() error
	switch format {
	case "pcapng":
		w, err := capture.NewPcapngWriter(bw, ifaces)
		if err != nil {
			return fmt.Errorf("save %s: %w", path, err)
		}
		write = w.WritePacket
		flush = w.Flush
	case "pcap":
		if len(ifaces) == 0 {
			return fmt.Errorf("save %s: the capture has no interfaces", path)
		}
		link := ifaces[0].LinkType
		for _, ifc := range ifaces[1:] {
			if ifc.LinkType != link {
				return fmt.Errorf("save %s: pcap holds one link type but this capture has several; save as pcapng", path)
			}
		}
		w, err := capture.NewPcapWriter(bw, link, 262144)
		if err != nil {
			return fmt.Errorf("save %s: %w", path, err)
		}
		write = func(_ uint16, t int64, data []byte, orig uint32) error { return w.WritePacket(t, data, orig) }
		flush = w.Flush
	default:
		return fmt.Errorf("save %s: unknown format %q (pcapng or pcap)", path, format)
	}
	var buf []byte
	for k := 0; k < count; k++ {
		i := at(k)
		if i < 0 || i >= n {
			return fmt.Errorf("save %s: packet %d is not loaded", path, i+1)
		}
		ix := l.Index.At(i)
		buf, err = l.Store.ReadPacket(ix.Offset(), ix.CapLen, buf)
		if err != nil {
			return fmt.Errorf("save %s: read packet %d: %w", path, i+1, err)
		}
		if err := write(ix.Iface(), ix.Time, buf, ix.OrigLen); err != nil {
			return fmt.Errorf("save %s: write packet %d: %w", path, i+1, err)
		}
	}
	if err := flush(); err != nil {
		return fmt.Errorf("save %s: %w", path, err)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("save %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("save %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("save %s: %w", path, err)
	}
	return nil
}
