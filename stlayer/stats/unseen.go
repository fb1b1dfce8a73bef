package stats

import (
	"fmt"

	"github.com/stkit-org/stkit/stlayer"
)

// checkUnseen refuses maps that hold HEALPix's UNSEEN value (counted by
// stlayer.CountUnseen, the definition datasets uses too) with the wording of
// datasets.CheckUnseen (message and hint, without its "datasets: " prefix;
// stats cannot import datasets, which imports it): "3 pixels of 16384 hold -1.6375e30, HEALPix's UNSEEN value for
// missing data (first: map 0 at row 5, column 7; indices count from 0 as in
// numpy, FITS pixel x=8, y=6); the statistics would take them for values.
// Fill them first …". Rows count in the maps as given (for Cross, in the
// 2M-row stacked pair). Nil maps pass.
func checkUnseen(x *stlayer.Maps) error {
	if x == nil {
		return nil
	}
	n, first := stlayer.CountUnseen(x)
	if n == 0 {
		return nil
	}
	s, verb := "s", "hold"
	if n == 1 {
		s, verb = "", "holds"
	}
	b, r, c := first/(x.M*x.N), first/x.N%x.M, first%x.N
	fits := fmt.Sprintf("x=%d, y=%d", c+1, r+1)
	if x.B > 1 {
		fits += fmt.Sprintf(" of plane %d", b+1)
	}
	return fmt.Errorf("%d pixel%s of %d %s -1.6375e30, HEALPix's UNSEEN value for missing data (first: map %d at row %d, column %d; indices count from 0 as in numpy, FITS pixel %s); the statistics would take them for values. "+
		"Fill them first (e.g. by inpainting) or cut out a region without them; CutPatches with PatchConfig.SkipNaN leaves out the patches that hold them",
		n, s, len(x.Data), verb, b, r, c, fits)
}
