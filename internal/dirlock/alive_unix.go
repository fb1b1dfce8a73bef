//go:build unix

package dirlock

import (
	"errors"
	"syscall"
)

// alive reports whether process pid runs on this host: kill(pid, 0)
// succeeds, or fails with EPERM (a process of another user), and on Linux
// the process is not a zombie. A process killed (kill -9, `timeout -s
// KILL`) stays a zombie until its parent reaps it, and kill(pid, 0)
// succeeds on a zombie: its lock was taken as held, and `stkit train
// --resume` right after refused ("another stkit (pid …) is writing …").
// Other systems keep the kill(pid, 0) answer (zombie is false there).
func alive(pid int) bool {
	err := syscall.Kill(pid, 0)
	if err != nil && errors.Is(err, syscall.ESRCH) {
		return false
	}
	return !zombie(pid)
}
