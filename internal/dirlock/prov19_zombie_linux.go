//go:build linux

package dirlock

import (
	"os"
	"strconv"
	"strings"
)

// zombie reports whether /proc/PID/stat gives process pid the state 'Z'
// (exited, not yet reaped by its parent): it runs no more. The state is
// the field after the command name, which is in parentheses and may itself
// hold spaces and parentheses, hence the last ')'. An unreadable file
// answers false (the process is then taken as alive, as before).
func zombie(pid int) bool {
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
