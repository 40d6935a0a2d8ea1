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
func SaveAs(l *Loaded, path, format string, which []int) error {
	err := writeAtomically(path, func(bw *bufio.Writer) error { return savePackets(l, bw, format, which) })
	if err != nil {
		return fmt.Errorf("save %s: %w", path, err)
	}
	return nil
}

// writeAtomically writes a file through fill into a temporary file beside
// path, then renames it to path: a failed or cancelled write never leaves
// half a file under the chosen name, and the temporary file goes.
func writeAtomically(path string, fill func(*bufio.Writer) error) (err error) {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".thingsniff-save-*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	bw := bufio.NewWriterSize(tmp, 1<<20)
	if err := fill(bw); err != nil {
		return err
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// savePackets writes packets of l (see SaveAs) to bw.
func savePackets(l *Loaded, bw *bufio.Writer, format string, which []int) error {
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
			return err
		}
		write = w.WritePacket
		flush = w.Flush
	case "pcap":
		if len(ifaces) == 0 {
			return fmt.Errorf("the capture has no interfaces")
		}
		link := ifaces[0].LinkType
		for _, ifc := range ifaces[1:] {
			if ifc.LinkType != link {
				return fmt.Errorf("pcap holds one link type but this capture has several; save as pcapng")
			}
		}
		w, err := capture.NewPcapWriter(bw, link, 262144)
		if err != nil {
			return err
		}
		write = func(_ uint16, t int64, data []byte, orig uint32) error { return w.WritePacket(t, data, orig) }
		flush = w.Flush
	default:
		return fmt.Errorf("unknown format %q (pcapng or pcap)", format)
	}
	var buf []byte
	for k := 0; k < count; k++ {
		i := at(k)
		if i < 0 || i >= n {
			return fmt.Errorf("packet %d is not loaded", i+1)
		}
		ix := l.Index.At(i)
		var err error
		buf, err = l.Store.ReadPacket(ix.Offset(), ix.CapLen, buf)
		if err != nil {
			return fmt.Errorf("read packet %d: %w", i+1, err)
		}
		if err := write(ix.Iface(), ix.Time, buf, ix.OrigLen); err != nil {
			return fmt.Errorf("write packet %d: %w", i+1, err)
		}
	}
	return flush()
}
