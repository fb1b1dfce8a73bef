//go:build windows

package dirlock

import (
	"errors"

	"golang.org/x/sys/windows"
)

// alive reports whether process pid runs on this host: it can be opened
// (or exists but is not ours to open) and has no exit code yet.
func alive(pid int) bool {
	h, err := windows.OpenProcess(windows.PROCESS_QUERY_LIMITED_INFORMATION, false, uint32(pid))
	if err != nil {
		return !errors.Is(err, windows.ERROR_INVALID_PARAMETER) // no such process
	}
	defer windows.CloseHandle(h)
	var code uint32
	if err := windows.GetExitCodeProcess(h, &code); err != nil {
		return true
	}
	const stillActive = 259
	return code == stillActive
}
