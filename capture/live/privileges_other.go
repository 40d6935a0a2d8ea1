//go:build !linux

package live

// DropPrivileges has nothing to give up where capture rights are not
// capabilities of the process (Npcap's service, the bpf devices).
func DropPrivileges() error { return nil }

// Confine is DropPrivileges.
func Confine() error { return nil }

// stopWithParent: elsewhere a helper whose starter died stops at its next
// write to the closed pipe.
func stopWithParent() error { return nil }
