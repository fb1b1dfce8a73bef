package datasets

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// writeStreamAtomic writes the file that fill produces to path with the
// guarantees of internal/atomicfile.Write (readers see the old or the new
// file; a failed write leaves the old file, or none, and no temporary file;
// the mode of a replaced regular file is kept, 0644 for a new one; links are
// followed; devices and named pipes are written in place; directories are
// refused), but without the file ever being held in memory: fill writes it
// through a 64 KiB buffer into the temporary file (or the device), which is
// then synced and renamed. Errors of the file read "datasets: writing PATH:
// …"; an error of fill itself is returned unchanged.
//
// It mirrors atomicfile.Write step for step; the two belong together (an
// atomicfile.WriteFunc would let this become a call).
func writeStreamAtomic(path string, fill func(w io.Writer) error) (err error) {
	target := path
	if resolved, err := filepath.EvalSymlinks(path); err == nil {
		target = resolved
	}
	mode := os.FileMode(0o644)
	if st, err := os.Stat(target); err == nil {
		switch {
		case st.IsDir():
			return fmt.Errorf("datasets: writing %s: is a directory", path)
		case !st.Mode().IsRegular():
			return writeStreamInPlace(path, target, fill)
		}
		mode = st.Mode().Perm()
	}
	dir, base := filepath.Split(target)
	if dir == "" {
		dir = "."
	}
	f, err := os.CreateTemp(dir, "."+base+".tmp*")
	if err != nil {
		return fmt.Errorf("datasets: writing %s: creating a temporary file in %s: %w", path, dir, err)
	}
	tmp := f.Name()
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
		return fmt.Errorf("datasets: writing %s: fsync: %w", path, err)
	}
	if err = f.Chmod(mode); err != nil {
		return fmt.Errorf("datasets: writing %s: chmod: %w", path, err)
	}
	if err = f.Close(); err != nil {
		return fmt.Errorf("datasets: writing %s: %w", path, err)
	}
	if err = os.Rename(tmp, target); err != nil {
		return fmt.Errorf("datasets: writing %s: %w", path, err)
	}
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync() // not every filesystem supports a directory fsync
		_ = d.Close()
	}
	return nil
}

// writeStreamInPlace writes into an existing file that is not a regular one
// (device, named pipe), which a rename must not replace.
func writeStreamInPlace(path, target string, fill func(w io.Writer) error) error {
	f, err := os.OpenFile(target, os.O_WRONLY, 0)
	if err != nil {
		return fmt.Errorf("datasets: writing %s: %w", path, err)
	}
	if err := fillFile(path, f, fill); err != nil {
		_ = f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("datasets: writing %s: %w", path, err)
	}
	return nil
}

// fillFile runs fill on a buffered writer over f and flushes it. A write
// error of f is returned as "datasets: writing PATH: …" (whatever fill made
// of it); other errors of fill unchanged.
func fillFile(path string, f *os.File, fill func(w io.Writer) error) error {
	fw := &fileErrWriter{f: f}
	bw := bufio.NewWriterSize(fw, ioChunk)
	err := fill(bw)
	if err == nil {
		err = bw.Flush()
	}
	if fw.err != nil {
		return fmt.Errorf("datasets: writing %s: %w", path, fw.err)
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
