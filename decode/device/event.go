package device

import "time"

// Kind names an event's protocol or nature.
type Kind string

// Event kinds.
const (
	KindDHCP  Kind = "dhcp"
	KindARP   Kind = "arp"
	KindDNS   Kind = "dns"
	KindHTTP  Kind = "http"
	KindTLS   Kind = "tls"
	KindTCP   Kind = "tcp"
	KindUDP   Kind = "udp"
	KindName  Kind = "name"  // a name the device announced (mDNS, NBNS, SSDP)
	KindSSDP  Kind = "ssdp"  // an SSDP (UPnP discovery) message, HTTP over UDP
	KindBurst Kind = "burst" // broadcast or multicast sent faster than the threshold
	KindQuiet Kind = "quiet" // the device stopped answering
	KindMQTT  Kind = "mqtt"  // an MQTT CONNECT in clear text, with the topics after it
	KindJoin  Kind = "join"  // a WPA key handshake: the device joining a Wi-Fi network
)

// Event is one step of a device's story. Common fields come first; the
// fields of each kind are set only for that kind (and left out of JSON
// otherwise).
type Event struct {
	Time    time.Time `json:"time"`
	Kind    Kind      `json:"kind"`
	Packets []uint32  `json:"packets"`
	Flow    uint32    `json:"flow,omitempty"`
	Device  string    `json:"device"`
	// Summary is the event in plain words, as the timeline shows it.
	Summary string `json:"summary"`
	// Routine is the 1-based index of the device's routine this event is
	// one occurrence of (Device.Routines), 0 for none: a timeline folds a
	// routine's events into one row.
	Routine int `json:"routine,omitempty"`
	// FirstContact marks the first time any device of the capture talked
	// to this connection's peer (its name, else its address).
	FirstContact bool `json:"first_contact,omitempty"`

	// DHCP
	Message     string   `json:"message,omitempty"`
	XID         string   `json:"xid,omitempty"`
	ClientMAC   string   `json:"client_mac,omitempty"`
	IP          string   `json:"ip,omitempty"`
	Hostname    string   `json:"hostname,omitempty"`
	VendorClass string   `json:"vendor_class,omitempty"`
	Params      []int    `json:"params,omitempty"`
	Server      string   `json:"server,omitempty"`
	Router      string   `json:"router,omitempty"`
	DNSServers  []string `json:"dns_servers,omitempty"`
	LeaseSecs   uint32   `json:"lease_seconds,omitempty"`

	// ARP
	Op         string `json:"op,omitempty"`
	SenderMAC  string `json:"sender_mac,omitempty"`
	SenderIP   string `json:"sender_ip,omitempty"`
	TargetIP   string `json:"target_ip,omitempty"`
	Gratuitous bool   `json:"gratuitous,omitempty"`
	Conflict   bool   `json:"conflict,omitempty"`

	// DNS
	ID       *uint16  `json:"id,omitempty"`
	Query    string   `json:"query,omitempty"`
	Type     string   `json:"type,omitempty"`
	Rcode    string   `json:"rcode,omitempty"`
	Answers  []string `json:"answers,omitempty"`
	AnswerMs float64  `json:"answer_ms,omitempty"`
	Protocol string   `json:"protocol,omitempty"` // dns, mdns, llmnr, nbns, ssdp

	// HTTP
	Method      string   `json:"method,omitempty"`
	Host        string   `json:"host,omitempty"`
	URI         string   `json:"uri,omitempty"`
	QueryPairs  []string `json:"query_pairs,omitempty"`
	Status      int      `json:"status,omitempty"`
	UserAgent   string   `json:"user_agent,omitempty"`
	Cookies     []string `json:"cookies,omitempty"`
	SetCookies  []string `json:"set_cookies,omitempty"`
	ContentType string   `json:"content_type,omitempty"`
	// SSDP headers: notification or search type, unique service name,
	// server, location of the description.
	NT          string `json:"nt,omitempty"`
	USN         string `json:"usn,omitempty"`
	ServerID    string `json:"server_header,omitempty"`
	Location    string `json:"location,omitempty"`
	BodyPreview string `json:"body_preview,omitempty"`

	// TLS
	SNI     string   `json:"sni,omitempty"`
	ALPN    []string `json:"alpn,omitempty"`
	Version string   `json:"version,omitempty"`
	// JA4 is the client's TLS fingerprint (decode/tls ClientHello.JA4): the
	// same software shows the same JA4 on any device.
	JA4 string `json:"ja4,omitempty"`

	// MQTT
	ClientID     string   `json:"client_id,omitempty"`
	Username     string   `json:"username,omitempty"`
	PasswordSent bool     `json:"password_sent,omitempty"`
	Topics       []string `json:"topics,omitempty"`

	// TCP and UDP connections
	Peer         string  `json:"peer,omitempty"`
	PeerName     string  `json:"peer_name,omitempty"`
	BytesOut     uint64  `json:"bytes_out,omitempty"`
	BytesIn      uint64  `json:"bytes_in,omitempty"`
	Encrypted    *bool   `json:"encrypted,omitempty"`
	ClosedBy     string  `json:"closed_by,omitempty"`
	Close        string  `json:"close,omitempty"`
	IdleBeforeMs float64 `json:"idle_before_close_ms,omitempty"`
	DurationMs   float64 `json:"duration_ms,omitempty"`
	App          string  `json:"app,omitempty"`
	// PayloadNote says when the capture kept less payload than the
	// headers say was sent ("headers only: payload not captured").
	PayloadNote string `json:"payload_note,omitempty"`

	// Joining a network (WPA key handshake)
	AccessPoint string `json:"access_point,omitempty"`
	// Joined is set when the handshake completed (message 4 of 4).
	Joined bool `json:"joined,omitempty"`

	// Bursts
	Rate float64 `json:"rate_pps,omitempty"`
	Sent uint64  `json:"sent,omitempty"`
}

// Severity orders findings.
type Severity string

// Finding severities.
const (
	Info    Severity = "info"
	Warning Severity = "warning"
	Alert   Severity = "alert"
)

// Finding is something worth a look on a device.
type Finding struct {
	Kind     string    `json:"kind"`
	Severity Severity  `json:"severity"`
	Text     string    `json:"text"`
	Time     time.Time `json:"time"`
	Packets  []uint32  `json:"packets,omitempty"`
	Flow     uint32    `json:"flow,omitempty"`
	// Count is how many times it was seen (the first time is Time).
	Count int `json:"count"`
	// key groups repeats: the same kind of finding about the same peer
	// and fields counts up on the first one, though values (a nonce, an
	// idle time) differ. Empty means the text is the key.
	key string
}
