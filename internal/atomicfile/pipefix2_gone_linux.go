//go:build linux

package atomicfile

import (
	"errors"
	"os"
	"strconv"
	"strings"
	"syscall"
)

// canTellGone: on Linux processGone answers.
const canTellGone = true

// processGone reports whether process pid no longer runs on this host:
// kill(pid, 0) fails with ESRCH, or /proc/PID/stat gives it the state 'Z'
// (killed, not yet reaped by its parent). EPERM (a process of another
// user) counts as running. It is internal/dirlock's check (alive, zombie),
// which atomicfile cannot import unexported.
func processGone(pid int) bool {
	if err := syscall.Kill(pid, 0); err != nil && errors.Is(err, syscall.ESRCH) {
		return true
	}
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return false
	}
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return false
	}
	f := strings.Fields(s[i+1:])
	return len(f) > 0 && f[0] == "Z"
}
