package datasets

import (
	"fmt"
	"io"

	"github.com/stkit-org/stkit/internal/atomicfile"
)

// writeStreamAtomic writes the file that fill produces to path through
// atomicfile.WriteFunc (readers see the old or the new file; a failed write
// leaves the old file, or none, and no temporary file; the mode of a
// replaced regular file is kept, 0644 for a new one; links are followed;
// devices and named pipes are written in place; directories are refused),
// without the file ever being held in memory: fill writes it through a
// 64 KiB buffer. Errors of the file read "datasets: writing PATH: …"; an
// error of fill itself is returned unchanged.
func writeStreamAtomic(path string, fill func(w io.Writer) error) error {
	var fillErr error
	err := atomicfile.WriteFunc(path, 0, func(w io.Writer) error {
		fillErr = fill(w)
		return fillErr
	})
	if err != nil && err != fillErr {
		return fmt.Errorf("datasets: %w", err)
	}
	return err
}
