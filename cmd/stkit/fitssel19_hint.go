package main

import (
	"fmt"
	"strings"

	"github.com/stkit-org/stkit/datasets"
)

// oneMapHint completes "PATH: DATA must be one map, got a batch of B" (stkit
// separate) with how to give one map: for a FITS file, the image-section
// suffix that reads plane K of a cube (datasets.Read), quoted for the shell
// (unquoted, the brackets are a glob pattern); for .npy and .npz, saving one
// map of the batch with numpy.
func oneMapHint(path string, b int) string {
	file := datasets.FilePart(path)
	switch {
	case isFITSPath(file) && file == path:
		return fmt.Sprintf(": read one plane of the cube with '%s[*,*,K]', K from 1 to %d (FITS image-section syntax; the quotes keep the shell from reading the brackets)", path, b)
	case isFITSPath(file):
		last := path[strings.LastIndex(path, "[")+1:]
		switch {
		case !strings.ContainsAny(last, ":*,"): // [N] or [EXTNAME]: an HDU
			return fmt.Sprintf(": read one plane of the cube with '%s[*,*,K]', K from 1 to %d (FITS image-section syntax)", path, b)
		case strings.Count(last, ",") < 2: // a section of one or two axes
			return fmt.Sprintf(": the section leaves %d planes; add the plane K as a third axis, '%s,K]' (K from 1 to the cube's NAXIS3)", b, strings.TrimSuffix(path, "]"))
		}
		return fmt.Sprintf(": the section leaves %d planes; make its third range one plane K", b)
	}
	return ": save one map of the batch as its own file (numpy: np.save('map.npy', x[k]))"
}
