// Package dhcp parses DHCPv4 (and plain BOOTP) messages from the payload
// of one UDP datagram on ports 67 and 68: the BOOTP header, the message
// type and the options a device timeline needs (hostname, vendor class,
// parameter request list, requested and assigned addresses, lease, server,
// routers and DNS servers), with unknown options kept by number.
//
// Parse never panics and its work is bounded by the input length. On
// malformed input it returns what it could read together with an error
// that says where the input went wrong.
package dhcp
