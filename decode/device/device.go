package device

import (
	"net"
	"net/netip"
	"time"

	"github.com/gopacket/gopacket/macs"
)

// Device is one host on the LAN (one MAC), or one IP where the link has no
// MACs.
type Device struct {
	Key     string    `json:"mac"` // MAC, or IP on links without MACs
	Vendor  string    `json:"vendor,omitempty"`
	Names   []string  `json:"names"`
	IPs     []string  `json:"ips"`
	First   time.Time `json:"first"`
	Last    time.Time `json:"last"`
	Packets uint64    `json:"packets"`
	Bytes   uint64    `json:"bytes"`
	// BytesOut and BytesIn are the IP bytes it sent and was sent, by the
	// IP headers' lengths (tshark's ip.len), whatever the capture kept.
	BytesOut uint64 `json:"ip_bytes_out"`
	BytesIn  uint64 `json:"ip_bytes_in"`
	// Routines are the peers it talks to on a fixed period (see routine.go).
	Routines []Routine `json:"routines,omitempty"`
	Findings []Finding `json:"findings"`
	Events   []*Event  `json:"events"`
	Profile  Profile   `json:"profile"`
	Summary  []string  `json:"summary"`
	// Dropped counts what the caps left out of this device's story; nil
	// when nothing was.
	Dropped *Dropped `json:"dropped,omitempty"`

	mac                              [6]byte
	hasMAC                           bool
	ips                              []netip.Addr
	names                            map[string]bool
	lastSent                         int64
	firstT, lastT                    int64      // earliest and latest packet it sent
	lastSrc                          netip.Addr // the local address last added
	unanswered                       uint32
	firstUnanswered                  uint32
	resolved                         map[netip.Addr]string // IP -> name this device looked up
	clearBytes, tlsBytes, otherBytes uint64
	// uncapturedBytes is payload of unknown content whose bytes the
	// capture did not keep (headers only).
	uncapturedBytes uint64
	// byPort sums those bytes by what their well-known ports say they
	// carried (a few dozen names at most: decode's table of ports).
	byPort map[string]uint64
	// casts are the times it sent to group addresses (see castTime).
	casts     map[netip.AddrPort]*castTimes
	clearApps map[string]bool
	findingAt map[findingKey]int // index in Findings
	dropped   Dropped
	// overNames and overIPs tell apart (up to maxSeen) the names and
	// addresses beyond the caps, to count them.
	overNames map[string]struct{}
	overIPs   map[netip.Addr]struct{}
}

// Dropped counts what the caps on memory left out of a report (see
// Options and the caps of this package), so that a story on a huge or
// hostile capture says what it does not tell. Counts of names and
// addresses stop at 4,096 beyond their cap, of devices at 65,536.
type Dropped struct {
	Devices  int `json:"devices,omitempty"`  // devices not followed
	Events   int `json:"events,omitempty"`   // events not kept
	Names    int `json:"names,omitempty"`    // names not shown
	IPs      int `json:"ips,omitempty"`      // addresses not shown
	Findings int `json:"findings,omitempty"` // distinct findings not kept
}

// any reports whether anything was left out.
func (x Dropped) any() bool { return x != Dropped{} }

// findingKey tells repeats of a finding apart (see Device.find).
type findingKey struct{ kind, key string }

// Profile holds what the device told about itself and its network.
type Profile struct {
	Hostname        string   `json:"hostname,omitempty"`
	VendorClass     string   `json:"vendor_class,omitempty"`
	DHCPFingerprint string   `json:"dhcp_fingerprint,omitempty"`
	ClientID        string   `json:"client_id,omitempty"`
	Lease           string   `json:"lease,omitempty"`
	Gateway         string   `json:"gateway,omitempty"`
	DNSServers      []string `json:"dns_servers,omitempty"`
	Models          []string `json:"models,omitempty"`
	LookedUp        []string `json:"looked_up,omitempty"`
	Peers           []string `json:"peers,omitempty"`
	// JA4 lists its TLS clients' fingerprints (see Event.JA4).
	JA4            []string `json:"ja4,omitempty"`
	ClearBytes     uint64   `json:"clear_text_bytes"`
	EncryptedBytes uint64   `json:"encrypted_bytes"`
	OtherBytes     uint64   `json:"other_bytes"`
	// UncapturedBytes is payload of unknown content whose bytes the
	// capture did not keep (a snap length): unknown, not nothing.
	UncapturedBytes uint64 `json:"uncaptured_bytes,omitempty"`
}

// Vendor names the organisation that owns a MAC's prefix, from the IEEE
// registry that gopacket carries; "" when unknown or locally administered.
func Vendor(mac [6]byte) string {
	if mac[0]&0x02 != 0 {
		return ""
	}
	return macs.ValidMACPrefixMap[[3]byte{mac[0], mac[1], mac[2]}]
}

func newDevice(mac [6]byte, hasMAC bool, key string, t int64) *Device {
	d := &Device{Key: key, mac: mac, hasMAC: hasMAC, names: map[string]bool{},
		resolved: map[netip.Addr]string{}, clearApps: map[string]bool{},
		First: time.Unix(0, t).UTC(), lastSent: t, firstT: t, lastT: t}
	if hasMAC {
		d.Vendor = Vendor(mac)
	}
	return d
}

// MAC returns the device's MAC address (zero on links without MACs).
func (d *Device) MAC() net.HardwareAddr {
	if !d.hasMAC {
		return nil
	}
	return net.HardwareAddr(d.mac[:])
}

// sent counts a packet d sent: its frame and, by its header, its IP
// packet.
func (d *Device) sent(t int64, origLen, ipLen int) {
	d.Packets++
	d.Bytes += uint64(origLen)
	d.BytesOut += uint64(ipLen)
	d.lastSent = t
	// First and Last are the earliest and latest, though a merged or
	// re-ordered file may not run in time order.
	d.firstT = min(d.firstT, t)
	d.lastT = max(d.lastT, t)
	d.unanswered = 0
}

// received counts a packet sent to d, unanswered until d sends.
func (d *Device) received(num uint32) {
	if d.unanswered == 0 {
		d.firstUnanswered = num
	}
	d.unanswered++
}

func (d *Device) addIP(a netip.Addr) {
	if !a.IsValid() || a.IsUnspecified() || d.hasIP(a) {
		return
	}
	if len(d.ips) >= maxIPs {
		d.dropped.IPs = countApart(&d.overIPs, a, maxSeen)
		return
	}
	d.ips = append(d.ips, a)
	d.IPs = append(d.IPs, a.String())
}

func (d *Device) addName(n string) {
	if n == "" || d.names[n] {
		return
	}
	if len(d.Names) >= maxNames {
		d.dropped.Names = countApart(&d.overNames, n, maxSeen)
		return
	}
	d.names[n] = true
	d.Names = append(d.Names, n)
}

// countApart adds k to the set of things left out by a cap, which tells
// up to limit of them apart, and returns how many it holds.
func countApart[K comparable](set *map[K]struct{}, k K, limit int) int {
	if *set == nil {
		*set = map[K]struct{}{}
	}
	if len(*set) < limit {
		(*set)[k] = struct{}{}
	}
	return len(*set)
}

func (d *Device) hasIP(a netip.Addr) bool {
	for _, x := range d.ips {
		if x == a {
			return true
		}
	}
	return false
}
