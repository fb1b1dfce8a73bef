// Package atomicfile writes files so that a failed or interrupted write never
// leaves a truncated file under the final name nor destroys the file it was
// meant to replace. It is the one writer behind checkpoints.WriteFileAtomic,
// the datasets writers and the report PNGs.
package atomicfile

import (
	"fmt"
	"os"
	"path/filepath"
)

// Write writes data to path through a temporary file in the same directory:
// write, fsync, chmod, close, rename over path, then fsync the directory
// (best effort). A failed write (disk full, interruption) leaves the old file,
// or none, under path and removes the temporary file.
//
// The file gets mode perm, or with perm = 0 the mode of the regular file it
// replaces (0644 for a new file). A symbolic link is followed: the file it
// names is replaced, the link kept. A path naming something other than a
// regular file or a directory (a device such as /dev/null or /dev/full, a
// named pipe) is written in place, since a rename would replace it (as root
// it would turn /dev/full into a plain file); its write errors, such as
// ENOSPC from /dev/full, are returned. A directory is refused. Errors read
// "writing PATH: …" with the path as given.
func Write(path string, data []byte, perm os.FileMode) (err error) {
	target := path
	if resolved, err := filepath.EvalSymlinks(path); err == nil {
		target = resolved
	}
	mode := perm
	if mode == 0 {
		mode = 0o644
	}
	if st, err := os.Stat(target); err == nil {
		switch {
		case st.IsDir():
			return fmt.Errorf("writing %s: is a directory", path)
		case !st.Mode().IsRegular():
			return writeInPlace(path, target, data)
		}
		if perm == 0 {
			mode = st.Mode().Perm()
		}
	}
	dir, base := filepath.Split(target)
	if dir == "" {
		dir = "."
	}
	f, err := os.CreateTemp(dir, "."+base+".tmp*")
	if err != nil {
		return fmt.Errorf("writing %s: creating a temporary file in %s: %w", path, dir, err)
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			_ = f.Close()
			_ = os.Remove(tmp)
		}
	}()
	if _, err = f.Write(data); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
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

// writeInPlace writes data into an existing file that is not a regular one
// (device, named pipe), which a rename must not replace.
func writeInPlace(path, target string, data []byte) error {
	f, err := os.OpenFile(target, os.O_WRONLY, 0)
	if err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if _, err := f.Write(data); err != nil {
		_ = f.Close()
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return nil
}
