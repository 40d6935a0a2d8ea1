package live

import (
	"os"
	"strconv"
	"strings"
)

// capNetRaw is CAP_NET_RAW's bit number (linux/capability.h).
const capNetRaw = 13

// lacksCapturePrivileges reports whether the process's effective
// capabilities lack CAP_NET_RAW, without which packet sockets cannot be
// opened. It says false when it cannot tell.
func lacksCapturePrivileges() bool {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return false
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "CapEff:"); ok {
			caps, err := strconv.ParseUint(strings.TrimSpace(v), 16, 64)
			return err == nil && caps&(1<<capNetRaw) == 0
		}
	}
	return false
}
