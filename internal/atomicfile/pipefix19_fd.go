package atomicfile

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// FDPath reports whether path names one of the process's open file
// descriptors rather than a file: /dev/stdout (1), /dev/stderr (2),
// /dev/fd/N, /proc/self/fd/N or /proc/PID/fd/N with PID this process's,
// and returns the descriptor. Such a path is written through the
// descriptor itself (at its offset, keeping its O_APPEND), never renamed
// over: with `stkit … -o /dev/stdout >> log` the link leads to the regular
// file log, which a temporary file renamed over it replaced (its earlier
// content lost), and which reopening by name would write from offset 0.
//
// A symbolic link whose chain of links passes through such a path (plot.png
// → /dev/stdout) is one too.
func FDPath(path string) (int, bool) {
	p := path
	for range 40 { // the kernel's limit on links followed
		if fd, ok := fdName(p); ok {
			return fd, true
		}
		st, err := os.Lstat(p)
		if err != nil || st.Mode()&os.ModeSymlink == 0 {
			return 0, false
		}
		l, err := os.Readlink(p)
		if err != nil {
			return 0, false
		}
		if !filepath.IsAbs(l) {
			l = filepath.Join(filepath.Dir(p), l)
		}
		p = l
	}
	return 0, false
}

// fdName is FDPath of the name path itself, its links not followed.
func fdName(path string) (int, bool) {
	p := filepath.Clean(path)
	switch p {
	case "/dev/stdout":
		return 1, true
	case "/dev/stderr":
		return 2, true
	}
	var rest string
	switch {
	case strings.HasPrefix(p, "/dev/fd/"):
		rest = p[len("/dev/fd/"):]
	case strings.HasPrefix(p, "/proc/self/fd/"):
		rest = p[len("/proc/self/fd/"):]
	case strings.HasPrefix(p, "/proc/"+strconv.Itoa(os.Getpid())+"/fd/"):
		rest = p[len("/proc/"+strconv.Itoa(os.Getpid())+"/fd/"):]
	default:
		return 0, false
	}
	n, err := strconv.Atoi(rest)
	if err != nil || n < 0 || strconv.Itoa(n) != rest {
		return 0, false
	}
	return n, true
}

// writeFD writes fill's output to the open descriptor fd (FDPath of path)
// through a duplicate of it, which shares its offset and flags; the
// descriptor itself stays open.
func writeFD(path string, fd int, fill func(w io.Writer) error) error {
	f, err := dupFile(fd, path)
	if err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return fillAndClose(path, f, fill)
}
