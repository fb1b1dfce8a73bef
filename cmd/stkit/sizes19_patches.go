package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/stkit-org/stkit/datasets"
)

// patchBorderNote returns the line patches prints when its grid of patches
// (corners every stride pixels from row and column 0, as datasets.CutPatches
// places them; stride 0 is half the patch) leaves pixels of the maps in no
// patch, or "" when every pixel is in one: "patches: --size 64 --stride 64
// leaves the last 52 rows and 52 columns of the 500×500 maps in no patch
// (49296 of 250000 pixels per map, 19.7%)". Maps of several sizes are
// listed by size ("…; the last 8 rows of the 200×264 maps …"). Maps
// smaller than a patch give no patch and are not counted here.
func patchBorderNote(srcs []datasets.Source, size, stride int) string {
	if size < 1 {
		return ""
	}
	if stride <= 0 {
		stride = max(1, size/2)
	}
	type dims struct{ m, n int }
	var order []dims
	seen := map[dims]bool{}
	for _, s := range srcs {
		if s.Maps == nil || s.Maps.M < size || s.Maps.N < size {
			continue
		}
		d := dims{s.Maps.M, s.Maps.N}
		if !seen[d] {
			seen[d] = true
			order = append(order, d)
		}
	}
	var parts []string
	for _, d := range order {
		rows := d.m - ((d.m-size)/stride*stride + size)
		cols := d.n - ((d.n-size)/stride*stride + size)
		if rows == 0 && cols == 0 {
			continue
		}
		var what []string
		if rows > 0 {
			what = append(what, plural(rows, "row"))
		}
		if cols > 0 {
			what = append(what, plural(cols, "column"))
		}
		total := d.m * d.n
		unused := total - (d.m-rows)*(d.n-cols)
		parts = append(parts, fmt.Sprintf("the last %s of the %d×%d maps in no patch (%d of %d pixels per map, %.1f%%)",
			strings.Join(what, " and "), d.m, d.n, unused, total, 100*float64(unused)/float64(total)))
	}
	if len(parts) == 0 {
		return ""
	}
	return fmt.Sprintf("patches: note: --size %d --stride %d leaves %s", size, stride, strings.Join(parts, "; "))
}

// printPatchBorder writes patchBorderNote's line, if any, to w.
func printPatchBorder(w io.Writer, srcs []datasets.Source, size, stride int) {
	if s := patchBorderNote(srcs, size, stride); s != "" {
		fmt.Fprintln(w, s)
	}
}
