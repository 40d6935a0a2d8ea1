//go:build !linux

package live

// lacksCapturePrivileges cannot tell outside Linux; libpcap's message decides.
func lacksCapturePrivileges() bool { return false }
