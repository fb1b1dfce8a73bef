//go:build unix

package dirlock

import (
	"errors"
	"syscall"
)

// alive reports whether process pid runs on this host: kill(pid, 0)
// succeeds, or fails with EPERM (a process of another user).
func alive(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || !errors.Is(err, syscall.ESRCH)
}
