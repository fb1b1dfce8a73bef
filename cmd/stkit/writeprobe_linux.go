package main

import (
	"errors"

	"golang.org/x/sys/unix"
)

// probeNoEntry checks, without creating a name in dir, that a file can be
// created there: access(2) for write and search with the effective ids (for
// root it passes unless the file system is read-only), then an unnamed file
// (O_TMPFILE), which needs the same permissions, is never linked into dir and
// does not change it. known is false where this cannot tell (a file system
// without O_TMPFILE, such as /proc or /sys, which access(2) lets pass for
// root): the caller then probes by creating a file.
func probeNoEntry(dir string) (known bool, err error) {
	if err := unix.Faccessat(unix.AT_FDCWD, dir, unix.W_OK|unix.X_OK, unix.AT_EACCESS); err != nil {
		if errors.Is(err, unix.ENOSYS) || errors.Is(err, unix.EINVAL) {
			return false, nil
		}
		return true, err
	}
	fd, err := unix.Open(dir, unix.O_TMPFILE|unix.O_WRONLY|unix.O_CLOEXEC, 0o600)
	switch {
	case err == nil:
		unix.Close(fd)
		return true, nil
	case errors.Is(err, unix.EOPNOTSUPP), errors.Is(err, unix.EISDIR), errors.Is(err, unix.EINVAL):
		return false, nil
	}
	return true, err
}
