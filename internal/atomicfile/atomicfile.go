// Package atomicfile writes files so that a failed or interrupted write never
// leaves a truncated file under the final name nor destroys the file it was
// meant to replace. It is the one writer behind checkpoints.WriteFileAtomic,
// the datasets writers (which stream through WriteFunc) and the report PNGs.
package atomicfile

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// bufSize is the buffer WriteFunc puts between fill and the file.
const bufSize = 64 << 10

// Write writes data to path through a temporary file in the same directory:
// write, fsync, chmod, close, rename over path, then fsync the directory
// (best effort). A failed write (disk full, interruption) leaves the old file,
// or none, under path and removes the temporary file.
//
// The file gets mode perm, or with perm = 0 the mode of the regular file it
// replaces (0644 for a new file). A symbolic link is followed: the file it
// names is replaced, the link kept; a loop of links is refused (the error of
// os.Stat, "too many levels of symbolic links"), as is a path os.Stat fails
// on for another reason than its absence. A path naming something other than a
// regular file or a directory (a device such as /dev/null or /dev/full, a
// named pipe) is written in place, since a rename would replace it (as root
// it would turn /dev/full into a plain file); its write errors, such as
// ENOSPC from /dev/full, are returned. A path naming an open descriptor
// (/dev/stdout, /dev/fd/N, /proc/self/fd/N: FDPath) is written through that
// descriptor, even where it leads to a regular file (`>> log`). A directory is refused. Errors read
// "writing PATH: …" with the path as given. An empty path is refused with
// ErrEmptyPath before anything is written (fill is not called).
func Write(path string, data []byte, perm os.FileMode) error {
	return WriteFunc(path, perm, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
}

// WriteFunc is Write for a file produced by fill instead of held in memory:
// fill writes the content through a 64 KiB buffer into the temporary file
// (or, for a device or pipe, into it in place), with every guarantee of
// Write. A write error of the file ends the write as "writing PATH: …",
// whatever fill made of it; any other error of fill is returned unchanged
// (the same value), and the old file stays.
func WriteFunc(path string, perm os.FileMode, fill func(w io.Writer) error) (err error) {
	if path == "" {
		return ErrEmptyPath
	}
	// /dev/stdout, /dev/fd/N, /proc/self/fd/N: through the descriptor,
	// whatever it leads to (FDPath)
	if fd, ok := FDPath(path); ok {
		return writeFD(path, fd, fill)
	}
	// A link of /proc to a pipe or socket (/dev/stdout → /proc/self/fd/1 →
	// "pipe:[…]" when the output is piped) names no file resolveLinks could
	// follow (it led to a temporary file in /proc/self/fd/, "no such file or
	// directory"); os.Stat follows it.
	if st, err := os.Stat(path); err == nil && !st.IsDir() && !st.Mode().IsRegular() {
		return writeInPlace(path, path, fill)
	}
	target := resolveLinks(path)
	mode := perm
	if mode == 0 {
		mode = 0o644
	}
	st, err := os.Stat(target)
	switch {
	case err == nil:
		switch {
		case st.IsDir():
			return fmt.Errorf("writing %s: is a directory", path)
		case !st.Mode().IsRegular():
			return writeInPlace(path, target, fill)
		}
		if perm == 0 {
			mode = st.Mode().Perm()
		}
	case !errors.Is(err, fs.ErrNotExist):
		// a loop of links (ELOOP), an unreadable directory: renaming over
		// path would replace the link, or fail later anyway
		return fmt.Errorf("writing %s: %w", path, err)
	}
	dir, base := filepath.Split(target)
	if dir == "" {
		dir = "."
	}
	removeDeadTemps(dir, base) // a kill -9's leftovers of this target (pipefix2)
	f, err := os.CreateTemp(dir, tempPattern(base))
	if err != nil {
		return fmt.Errorf("writing %s: creating a temporary file in %s: %w", path, dir, err)
	}
	tmp := f.Name()
	live.Store(tmp, struct{}{}) // RemoveInProgress
	defer live.Delete(tmp)
	defer func() {
		if err != nil {
			_ = f.Close()
			_ = os.Remove(tmp)
		}
	}()
	if err = fillFile(path, f, fill); err != nil {
		return err
	}
	if err = f.Sync(); err != nil {
		return fmt.Errorf("writing %s: fsync: %w", path, err)
	}
	if err = f.Chmod(mode); err != nil {
		return fmt.Errorf("writing %s: chmod: %w", path, err)
	}
	if err = f.Close(); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err = os.Rename(tmp, target); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync() // not every filesystem supports a directory fsync
		_ = d.Close()
	}
	return nil
}

// ErrEmptyPath is the error of Write and WriteFunc for an empty path: the
// caller gave no output file name. (filepath.EvalSymlinks turns "" into ".",
// the working directory, which was then refused as "writing : is a
// directory".)
var ErrEmptyPath = errors.New("writing: empty output path (give the name of the file to write)")

// tempMark separates the target's name from the random digits in the name of
// a temporary file: ".BASE.tmpDIGITS".
const tempMark = ".tmp"

// tempPattern is the os.CreateTemp pattern of the temporary file written for
// a file named base: ".BASE.tmp", this process's id (tempPIDPrefix: "0",
// its number of digits, the id; TempPID reads it) and the random decimal
// digits CreateTemp puts in place of the '*'.
func tempPattern(base string) string {
	return "." + base + tempMark + tempPIDPrefix(os.Getpid()) + "*"
}

// TempTarget reports whether name (a file name without directory) has the
// form of the temporary files Write and WriteFunc create, ".BASE.tmpDIGITS",
// and returns BASE, the name of the file it was to become. Such a file left
// in a directory is the remainder of a write that was killed before it could
// clean up (SIGKILL, power loss): a write that fails removes its own. The
// digits begin with the writer's process id (TempPID); a write of BASE
// removes such files of processes no longer running (removeDeadTemps).
func TempTarget(name string) (base string, ok bool) {
	if !strings.HasPrefix(name, ".") {
		return "", false
	}
	i := strings.LastIndex(name, tempMark)
	if i <= 1 {
		return "", false
	}
	digits := name[i+len(tempMark):]
	if digits == "" {
		return "", false
	}
	for _, c := range digits {
		if c < '0' || c > '9' {
			return "", false
		}
	}
	return name[1:i], true
}

// RemoveStale removes from dir the regular files that TempTarget recognises,
// whose target name satisfies match (nil: any) and which were last modified
// more than minAge ago, and returns their paths. minAge protects the
// temporary file of a write in progress in another process: its modification
// time advances while it is written, so only a write stalled for longer than
// minAge could lose its file (its rename then fails and it reports an error;
// the old file under the final name is untouched). Files that cannot be
// removed (a read-only directory) are skipped; their errors are returned
// joined after the paths removed.
func RemoveStale(dir string, match func(base string) bool, minAge time.Duration) (removed []string, err error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	now := time.Now()
	var errs []error
	for _, e := range entries {
		base, ok := TempTarget(e.Name())
		if !ok || !e.Type().IsRegular() || (match != nil && !match(base)) {
			continue
		}
		info, err := e.Info()
		if err != nil || now.Sub(info.ModTime()) <= minAge {
			continue // gone meanwhile, or maybe a write in progress
		}
		p := filepath.Join(dir, e.Name())
		if err := os.Remove(p); err != nil {
			if !os.IsNotExist(err) {
				errs = append(errs, err)
			}
			continue
		}
		removed = append(removed, p)
	}
	return removed, errors.Join(errs...)
}

// resolveLinks returns the file that path names, its symbolic links
// followed: filepath.EvalSymlinks, or for a link whose target does not exist
// yet (which EvalSymlinks refuses), the target the chain of links leads to,
// so that the file is created there and the link kept rather than replaced.
// A path that is no link, or a chain that cannot be read or loops, is
// returned as it is.
func resolveLinks(path string) string {
	if resolved, err := filepath.EvalSymlinks(path); err == nil {
		return resolved
	}
	p := path
	for range 40 { // the kernel's limit on links followed
		st, err := os.Lstat(p)
		if err != nil {
			return p // the end of the chain: a file to create
		}
		if st.Mode()&os.ModeSymlink == 0 {
			return path
		}
		l, err := os.Readlink(p)
		if err != nil {
			return path
		}
		if !filepath.IsAbs(l) {
			l = filepath.Join(filepath.Dir(p), l)
		}
		p = l
	}
	return path
}

// writeInPlace writes into an existing file that is not a regular one
// (device, named pipe), which a rename must not replace.
func writeInPlace(path, target string, fill func(w io.Writer) error) error {
	f, err := os.OpenFile(target, os.O_WRONLY, 0)
	if err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return fillAndClose(path, f, fill)
}

// fillAndClose runs fillFile on f and closes f, reporting a close error as
// "writing PATH: …" (f is closed on every path).
func fillAndClose(path string, f *os.File, fill func(w io.Writer) error) error {
	if err := fillFile(path, f, fill); err != nil {
		_ = f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return nil
}

// fillFile runs fill on a buffered writer over f and flushes it. A write
// error of f is returned as "writing PATH: …"; other errors of fill
// unchanged.
func fillFile(path string, f *os.File, fill func(w io.Writer) error) error {
	fw := &fileErrWriter{f: f}
	bw := bufio.NewWriterSize(fw, bufSize)
	err := fill(bw)
	if err == nil {
		err = bw.Flush()
	}
	if fw.err != nil {
		return fmt.Errorf("writing %s: %w", path, fw.err)
	}
	return err
}

// fileErrWriter writes to f and keeps its first error.
type fileErrWriter struct {
	f   *os.File
	err error
}

func (w *fileErrWriter) Write(p []byte) (int, error) {
	if w.err != nil {
		return 0, w.err
	}
	n, err := w.f.Write(p)
	if err != nil {
		w.err = err
	}
	return n, err
}
