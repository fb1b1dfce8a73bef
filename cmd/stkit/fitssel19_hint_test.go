package main

import (
	"strings"
	"testing"
)

// stkit separate cube.fits said "DATA must be one map, got a batch of 5"
// with no way out named; the hint gives the plane syntax datasets reads
// (with the plane range), a section's fix, or numpy for .npy/.npz.
func TestFitssel19OneMapHint(t *testing.T) {
	for _, c := range []struct {
		path string
		b    int
		want string
	}{
		{"cube.fits", 5, ": read one plane of the cube with 'cube.fits[*,*,K]', K from 1 to 5 (FITS image-section syntax"},
		{"d/c.fits.gz", 3, "'d/c.fits.gz[*,*,K]', K from 1 to 3"},
		{"cube.fits[SCI][1:64,1:64]", 4, ": the section leaves 4 planes; add the plane K as a third axis, 'cube.fits[SCI][1:64,1:64,K]'"},
		{"cube.fits[SCI]", 4, "'cube.fits[SCI][*,*,K]', K from 1 to 4"},
		{"cube.fits[*,*,2:3]", 2, "make its third range one plane K"},
		{"maps.npy", 2, "np.save('map.npy', x[k])"},
		{"a.npz:maps", 2, "np.save('map.npy', x[k])"},
	} {
		if got := oneMapHint(c.path, c.b); !strings.Contains(got, c.want) {
			t.Errorf("%s, %d: %q, want %q in it", c.path, c.b, got, c.want)
		}
	}
}
