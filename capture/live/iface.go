package live

import (
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/gopacket/gopacket/pcap"
)

// libpcap's PCAP_IF_* flags (pcap/pcap.h).
const (
	pcapIfLoopback = 0x1
	pcapIfUp       = 0x2
	pcapIfRunning  = 0x4
	pcapIfWireless = 0x8
)

// Interface is one interface libpcap can capture on.
type Interface struct {
	Name        string
	Description string
	// Addresses are the interface's IP addresses with their prefix length
	// (the length is 0 when libpcap did not report a netmask).
	Addresses []netip.Prefix
	Up        bool
	Running   bool
	Loopback  bool
	Wireless  bool
}

// Interfaces lists the interfaces libpcap can capture on, in libpcap's
// order (interfaces that are up and have addresses first). Listing needs
// no capture privileges.
func Interfaces() ([]Interface, error) {
	devs, err := pcap.FindAllDevs()
	if err != nil {
		return nil, fmt.Errorf("list capture interfaces: %w", err)
	}
	out := make([]Interface, 0, len(devs))
	for _, d := range devs {
		ifc := Interface{
			Name:        d.Name,
			Description: d.Description,
			Up:          d.Flags&pcapIfUp != 0,
			Running:     d.Flags&pcapIfRunning != 0,
			Loopback:    d.Flags&pcapIfLoopback != 0,
			Wireless:    d.Flags&pcapIfWireless != 0,
		}
		for _, a := range d.Addresses {
			ip, ok := netip.AddrFromSlice(a.IP)
			if !ok {
				continue
			}
			ip = ip.Unmap()
			bits := 0
			if a.Netmask != nil {
				bits, _ = a.Netmask.Size()
			}
			ifc.Addresses = append(ifc.Addresses, netip.PrefixFrom(ip, bits))
		}
		out = append(out, ifc)
	}
	return out, nil
}

// Counters are an interface's packet counters since it came up, as the
// kernel keeps them.
type Counters struct {
	RxPackets, TxPackets uint64
}

// Sample reads the packet counters of every interface from
// /sys/class/net. Call it at intervals and diff the results to draw
// activity. Where the system has no such counters (Windows, macOS) the
// map is empty.
func Sample() map[string]Counters {
	return sampleDir("/sys/class/net")
}

func sampleDir(dir string) map[string]Counters {
	out := map[string]Counters{}
	ents, err := os.ReadDir(dir)
	if err != nil {
		return out
	}
	for _, e := range ents {
		rx, err1 := readCounter(filepath.Join(dir, e.Name(), "statistics", "rx_packets"))
		tx, err2 := readCounter(filepath.Join(dir, e.Name(), "statistics", "tx_packets"))
		if err1 == nil || err2 == nil {
			out[e.Name()] = Counters{RxPackets: rx, TxPackets: tx}
		}
	}
	return out
}

func readCounter(path string) (uint64, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, err
	}
	return strconv.ParseUint(strings.TrimSpace(string(b)), 10, 64)
}
