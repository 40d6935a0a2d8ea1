// Package live captures from network interfaces with libpcap
// (github.com/gopacket/gopacket/pcap) and writes what it sees as pcapng.
//
// It is the only code in thingsniff that needs capture privileges, and it
// runs in a helper process (`thingsniff capture`), never in the window:
// the window starts the helper, reads pcapng from its standard output and
// parses the counter lines the helper writes on standard error (see
// FormatStats and ParseStats).
//
// Nothing captured may be lost: Run flushes the pcapng writer at least
// every FlushInterval, at the end of every burst and before it returns, so
// a helper killed with SIGKILL leaves a file that holds every packet it
// had reported as written. A bad capture filter, a missing interface and
// missing privileges are refused by Open, before anything is written.
//
// Interfaces lists what can be captured on; Sample reads the kernel's
// per-interface packet counters so that a caller can draw activity.
package live
