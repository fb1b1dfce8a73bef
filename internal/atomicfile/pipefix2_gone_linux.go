//go:build linux

package atomicfile

import "github.com/stkit-org/stkit/internal/dirlock"

// canTellGone: on Linux processGone answers.
const canTellGone = true

// processGone reports whether process pid no longer runs on this host:
// internal/dirlock's check (kill(pid, 0) ESRCH, or a zombie).
func processGone(pid int) bool { return !dirlock.Alive(pid) }
